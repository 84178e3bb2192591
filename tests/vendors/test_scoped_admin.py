"""The seller center's base classes refuse forged vendor ids in forms and inline formsets.

Runs on a test-only site (``tests.vendors.urls_scoping``) whose pages let a vendor
write a foreign key to another vendor-owned model and inline rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict

from tests.vendors.factories import SettlementEntryFactory, SettlementFactory
from tests.vendors.scoping import changeform_post_data
from vendors.models import Settlement, SettlementEntry

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.vendors.urls_scoping")]

ENTRY_ADD = "/test-seller/vendors/settlemententry/add/"


def entry_data(**overrides):
    return {
        "kind": "adjustment",
        "amount": "1000",
        "occurred_at_0": "2025-01-05",
        "occurred_at_1": "10:00:00",
        "description": "x",
        **overrides,
    }


def test_foreign_key_choices_are_only_the_vendors_own_rows(tenants, seller_client):
    own = SettlementFactory(vendor=tenants.mine)
    SettlementFactory(vendor=tenants.theirs)

    response = seller_client.get(ENTRY_ADD)

    choices = response.context["adminform"].form.fields["settlement"].queryset
    assert list(choices) == [own]


def test_forged_foreign_key_is_a_field_error_and_saves_nothing(tenants, seller_client):
    theirs = SettlementFactory(vendor=tenants.theirs)

    response = seller_client.post(ENTRY_ADD, entry_data(settlement=theirs.pk))

    assert response.status_code == 200
    assert "settlement" in response.context["adminform"].form.errors
    assert not SettlementEntry.objects.exists()


def test_forged_vendor_field_is_ignored_on_add(tenants, seller_client):
    own = SettlementFactory(vendor=tenants.mine)

    response = seller_client.post(
        ENTRY_ADD, entry_data(settlement=own.pk, vendor=tenants.theirs.pk)
    )

    assert response.status_code == 302
    entry = SettlementEntry.objects.get()
    assert entry.vendor == tenants.mine
    assert not SettlementEntry.objects.filter(vendor=tenants.theirs).exists()


def test_unique_constraint_with_the_hidden_vendor_is_a_form_error_not_a_crash(
    tenants, seller_client
):
    own = SettlementFactory(vendor=tenants.mine)

    response = seller_client.post(
        "/test-seller/vendors/settlement/add/",
        {
            "period_start": own.period_start.isoformat(),
            "period_end": own.period_end.isoformat(),
            "note": "",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert Settlement.objects.filter(vendor=tenants.mine).count() == 1


def test_new_inline_rows_belong_to_the_vendor(tenants, seller_client):
    own = SettlementFactory(vendor=tenants.mine)
    url = f"/test-seller/vendors/settlement/{own.pk}/change/"
    data = changeform_post_data(seller_client.get(url))
    data.update(
        {
            "entries-0-kind": "adjustment",
            "entries-0-amount": "500",
            "entries-0-occurred_at_0": "2025-01-05",
            "entries-0-occurred_at_1": "10:00:00",
            "entries-0-vendor": str(tenants.theirs.pk),
        }
    )

    response = seller_client.post(url, data)

    assert response.status_code == 302
    entry = own.entries.get()
    assert entry.vendor == tenants.mine


def test_forged_inline_row_id_is_an_error_and_leaves_the_other_row_alone(tenants, seller_client):
    own = SettlementFactory(vendor=tenants.mine)
    SettlementEntryFactory(vendor=tenants.mine, settlement=own, amount=100)
    theirs = SettlementEntryFactory(vendor=tenants.theirs, amount=777)
    before = model_to_dict(theirs)
    url = f"/test-seller/vendors/settlement/{own.pk}/change/"
    data = changeform_post_data(seller_client.get(url))
    data.update({"entries-0-id": str(theirs.pk), "entries-0-amount": "1"})

    response = seller_client.post(url, data)

    assert response.status_code == 200
    assert any(response.context["inline_admin_formsets"][0].formset.errors)
    theirs.refresh_from_db()
    assert model_to_dict(theirs) == before


def test_other_vendors_row_cannot_be_changed_by_url(tenants, seller_client):
    theirs = SettlementEntryFactory(vendor=tenants.theirs, amount=777)
    url = f"/test-seller/vendors/settlemententry/{theirs.pk}/change/"

    shown = seller_client.get(url)
    posted = seller_client.post(url, entry_data(amount="1"))

    assert shown.status_code == 302
    assert posted.status_code == 302
    theirs.refresh_from_db()
    assert theirs.amount == 777


def test_moving_an_own_row_to_another_vendors_parent_is_refused(tenants, seller_client):
    own = SettlementFactory(vendor=tenants.mine)
    theirs = SettlementFactory(vendor=tenants.theirs, period_start=dt.date(2001, 1, 1))
    entry = SettlementEntryFactory(vendor=tenants.mine, settlement=own)
    url = f"/test-seller/vendors/settlemententry/{entry.pk}/change/"
    data = changeform_post_data(seller_client.get(url))
    data["settlement"] = str(theirs.pk)

    response = seller_client.post(url, data)

    assert "settlement" in response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.settlement == own
