"""Which rights a staff member may hand out: never more than they hold themselves (AC-07).

Django's admin lets anyone with "change user" tick "superuser", add any permission or
join any group, so one staff account with that right could make itself all-powerful.
The admin forms ask ``grant_refusals`` first and show its messages as form errors.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext as _

from accounts.models import User


def permission_names(permissions: Iterable[Permission]) -> set[str]:
    """Return ``app_label.codename`` of each permission, the form ``has_perm`` reads."""
    return {f"{perm.content_type.app_label}.{perm.codename}" for perm in permissions}


def rights_beyond(actor: User, permissions: Iterable[Permission]) -> list[str]:
    """Return the names among ``permissions`` that ``actor`` does not hold, sorted."""
    if actor.is_superuser:
        return []
    return sorted(permission_names(permissions) - actor.get_all_permissions())


def may_manage(actor: User, target: User | None) -> bool:
    """Only a superuser changes or deletes a superuser; anyone else could lock them out."""
    return actor.is_superuser or target is None or not target.is_superuser


def grant_refusals(
    actor: User,
    *,
    make_superuser: bool = False,
    permissions: Iterable[Permission] = (),
    groups: Iterable[Group] = (),
) -> list[str]:
    """Return why ``actor`` may not hand out these rights; empty when every one is theirs."""
    if actor.is_superuser:
        return []
    refusals = []
    if make_superuser:
        refusals.append(_("Only a superuser can make another user a superuser."))
    missing = rights_beyond(actor, permissions)
    if missing:
        refusals.append(
            _("You cannot grant permissions you do not have: %(names)s")
            % {"names": ", ".join(missing)}
        )
    for group in groups:
        if rights_beyond(actor, group.permissions.select_related("content_type")):
            refusals.append(
                _("You cannot add a member to group %(group)s: it has permissions you do not have.")
                % {"group": group.name}
            )
    return refusals
