"""The admin side of the audit log: every ModelAdmin is audited, history links, read-only log."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from shop.admin import AuditedModelAdmin
from shop.models import AuditEvent

# The sites framework's admin: one row, set by deployment, not shop data.
UNAUDITED_ALLOWED = {"sites.site"}


def all_admin_sites():
    sites = [admin.site]
    try:
        from vendors.sellercenter import seller_site
    except ImportError:
        return sites
    return [*sites, seller_site]


def test_every_model_admin_of_the_shop_records_staff_edits():
    unaudited = [
        f"{site.name}:{model._meta.label_lower}"
        for site in all_admin_sites()
        for model, model_admin in site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
        and model is not AuditEvent
        and model._meta.label_lower not in UNAUDITED_ALLOWED
    ]
    assert unaudited == []


def test_history_link_opens_the_objects_entries_in_the_audit_log(admin_client, user):
    admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": user.email,
            "name": "새이름",
            "phone": "010-2222-3333",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
        },
    )

    history = admin_client.get(reverse("admin:accounts_user_history", args=[user.pk]))
    log = admin_client.get(history["Location"])

    assert history.status_code == 302
    assert f"subject_id={user.pk}" in history["Location"]
    assert log.status_code == 200
    listed = list(log.context["cl"].result_list)
    assert listed, "the change should be listed"
    assert {row.subject_id for row in listed} == {str(user.pk)}


def test_audit_log_is_read_only_in_the_admin(admin_client, user):
    from shop.events import AdminObjectChanged, publish

    record = publish(
        AdminObjectChanged(
            model="accounts.User", object_id=str(user.pk), object_repr="x", changes={}
        )
    )

    change = admin_client.get(reverse("admin:shop_auditevent_change", args=[record.pk]))
    delete = admin_client.post(
        reverse("admin:shop_auditevent_delete", args=[record.pk]), {"post": "yes"}
    )
    add = admin_client.get(reverse("admin:shop_auditevent_add"))

    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert delete.status_code == 403
    assert add.status_code == 403
    assert AuditEvent.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(("term", "found"), [("EMAIL", True), ("no-such-actor", False)])
def test_audit_log_search_finds_entries_by_subject(admin_client, user, term, found):
    from shop.events import AdminObjectChanged, publish

    publish(
        AdminObjectChanged(
            model="accounts.User", object_id=str(user.pk), object_repr="x", changes={}
        ),
        subject=user,
    )
    query = user.email if term == "EMAIL" else term
    response = admin_client.get(reverse("admin:shop_auditevent_changelist"), {"q": query})

    assert response.status_code == 200
    assert (len(response.context["cl"].result_list) >= 1) is found


def test_admin_sign_in_goes_through_the_rate_limited_page(client, user):
    anonymous = client.get("/admin/login/?next=/admin/")
    client.force_login(user)  # signed in, but not staff
    shopper = client.get("/admin/login/?next=/admin/")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert shopper.status_code == 403
