"""What the shop holds about a member, app by app: for "download my data" and deletion.

Accounts is low in the layers and may not read orders, points or reviews, so each app
that holds a member's data describes its part in its own ``personal_data.py`` module,
found by ``autodiscover_modules`` the first time the registry is used::

    from accounts.personal_data import PersonalDataSection, register_section

    register_section(PersonalDataSection(
        name="orders",
        export=lambda user: [...],              # JSON-able data about the member
        blockers=lambda user: [...],            # reasons the account cannot go yet
        erase=lambda user: None,                # anonymise (inside the deletion's transaction)
    ))

``erase`` runs inside the one transaction of ``accounts.services.delete_account``; it
must keep what a law requires (orders and payments: 전자상거래법, 5 years) and mask the
personal fields of those records instead of deleting them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class PersonalDataSection:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None] | None = None
    blockers: Callable[[Any], list[str]] | None = None


_sections: dict[str, PersonalDataSection] = {}
_discovered = False


def register_section(section: PersonalDataSection) -> PersonalDataSection:
    _sections[section.name] = section
    return section


def sections() -> list[PersonalDataSection]:
    """Every app's section, in the order the apps are installed (accounts first)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("personal_data")
        _discovered = True
    return list(_sections.values())
