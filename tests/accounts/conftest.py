"""Fixtures of the accounts tests: the identity and social login emulators over HTTP."""

from tests.accounts.identity_fixtures import portone  # noqa: F401
from tests.accounts.social_fixtures import browser  # noqa: F401
