"""Demo of notifications: the templates are seeded by migration; say where messages land."""

from __future__ import annotations

from typing import TextIO

from django.conf import settings


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    stdout.write(
        "  notifications: e-mail to the console, SMS and KakaoTalk at "
        f"{settings.SITE_URL.rstrip('/')}/sandbox/sens/inbox/\n"
    )
    return []
