"""Checklist rows (security.md section 5) proved by the route meta-test and the API fuzzing."""

from __future__ import annotations

_ROUTES = "tests/security/test_route_policies.py"

ROWS: dict[str, list[str] | str] = {
    "AC-05": [
        f"{_ROUTES}::test_every_route_has_a_reviewed_policy",
        f"{_ROUTES}::test_every_listed_route_still_exists",
        f"{_ROUTES}::test_no_intruder_reaches_any_non_public_route",
        f"{_ROUTES}::test_public_routes_answer_anonymous_visitors_without_a_server_error",
        f"{_ROUTES}::test_the_emulators_are_mounted_only_in_sandbox_mode",
        f"{_ROUTES}::test_the_verdict_catches_a_leak_and_a_granted_page",
    ],
    "AC-01": [f"{_ROUTES}::test_no_intruder_reaches_any_non_public_route"],
}
