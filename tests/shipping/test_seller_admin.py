"""Shipping pages of the seller center with two vendors: a vendor sees and edits only its own."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from shipping.models import OverseasRate, OverseasZone, ShippingPolicy
from shop.models import AuditEvent
from tests.shipping.admin_helpers import inline_data, policy_form_data
from tests.shipping.factories import OverseasRateFactory, OverseasZoneFactory, ShippingPolicyFactory
from tests.vendors.factories import MembershipFactory, VendorFactory
from vendors.models import VendorMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor_a():
    return VendorFactory(name="가게A")


@pytest.fixture
def vendor_b():
    return VendorFactory(name="가게B")


@pytest.fixture
def policy_a(vendor_a):
    return ShippingPolicyFactory(vendor=vendor_a, name="A의 배송정책")


@pytest.fixture
def policy_b(vendor_b):
    return ShippingPolicyFactory(vendor=vendor_b, name="B의 배송정책")


@pytest.fixture
def zone_b(policy_b):
    return OverseasRateFactory(zone__policy=policy_b, zone__name="B존").zone


@pytest.fixture
def seller_a(vendor_a):
    client = Client()
    client.force_login(MembershipFactory(vendor=vendor_a).user)
    return client


def url(name, *args):
    return reverse(f"sellercenter:shipping_{name}", args=args)


def test_the_policy_list_shows_only_the_vendors_own_policies(seller_a, policy_a, policy_b):
    response = seller_a.get(url("shippingpolicy_changelist"))

    page = response.content.decode()
    assert response.status_code == 200
    assert policy_a.name in page
    assert policy_b.name not in page


def test_another_vendors_policy_page_gives_no_data(seller_a, policy_b):
    response = seller_a.get(url("shippingpolicy_change", policy_b.pk), follow=True)

    assert response.redirect_chain[0][1] == 302
    assert policy_b.name not in response.content.decode()


def test_posting_to_another_vendors_policy_changes_nothing(seller_a, policy_b):
    data = policy_form_data(policy_b, base_fee="0")

    seller_a.post(url("shippingpolicy_change", policy_b.pk), data)

    policy_b.refresh_from_db()
    assert policy_b.base_fee == 3000


def test_another_vendors_policy_cannot_be_deleted(seller_a, policy_b):
    page = seller_a.get(url("shippingpolicy_delete", policy_b.pk))
    seller_a.post(url("shippingpolicy_delete", policy_b.pk), {"post": "yes"})

    assert page.status_code == 302
    assert ShippingPolicy.objects.filter(pk=policy_b.pk).exists()


def test_bulk_delete_with_another_vendors_id_deletes_only_own_rows(seller_a, policy_a, policy_b):
    seller_a.post(
        url("shippingpolicy_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [policy_a.pk, policy_b.pk],
            "post": "yes",
        },
    )

    assert not ShippingPolicy.objects.filter(pk=policy_a.pk).exists()
    assert ShippingPolicy.objects.filter(pk=policy_b.pk).exists()
    assert AuditEvent.objects.filter(event_type="shipping.ShippingPolicyDeleted").count() == 1


def test_the_csv_export_holds_only_own_policies(seller_a, policy_a, policy_b):
    response = seller_a.post(
        url("shippingpolicy_changelist"),
        {"action": "export_csv", "_selected_action": [policy_a.pk, policy_b.pk]},
    )

    text = response.content.decode("utf-8-sig")
    assert policy_a.name in text
    assert policy_b.name not in text


def test_editing_own_policy_is_saved_and_audited_as_the_vendor(seller_a, policy_a, vendor_a):
    data = policy_form_data(policy_a, free_threshold="70000")

    response = seller_a.post(url("shippingpolicy_change", policy_a.pk), data)

    assert response.status_code == 302
    policy_a.refresh_from_db()
    assert policy_a.free_threshold == 70000
    event = AuditEvent.objects.get(event_type="shipping.ShippingPolicyChanged")
    assert event.payload["changes"] == {"free_threshold": ["50000", "70000"]}
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", vendor_a.pk)


def test_a_negative_fee_is_a_form_error_naming_the_field(seller_a, policy_a):
    data = policy_form_data(policy_a, base_fee="-1000")

    response = seller_a.post(url("shippingpolicy_change", policy_a.pk), data)

    assert response.status_code == 200
    assert "base_fee" in response.context["adminform"].form.errors
    policy_a.refresh_from_db()
    assert policy_a.base_fee == 3000


def test_a_new_policy_belongs_to_the_signed_in_vendor_whatever_the_form_says(
    seller_a, vendor_a, vendor_b
):
    data = policy_form_data(name="새 정책", vendor=vendor_b.pk, is_default=True)

    response = seller_a.post(url("shippingpolicy_add"), data)

    assert response.status_code == 302
    policy = ShippingPolicy.objects.get(name="새 정책")
    assert policy.vendor_id == vendor_a.pk
    assert AuditEvent.objects.filter(
        event_type="shipping.ShippingPolicyCreated", subject_id=str(policy.pk)
    ).exists()


def test_making_a_second_default_through_the_form_replaces_the_first(seller_a, policy_a, vendor_a):
    data = policy_form_data(name="두번째 기본", is_default=True)

    seller_a.post(url("shippingpolicy_add"), data)

    policy_a.refresh_from_db()
    assert not policy_a.is_default
    assert ShippingPolicy.objects.get(name="두번째 기본").is_default


def test_zones_are_added_through_the_policy_page(seller_a, policy_a):
    data = policy_form_data(
        policy_a, ships_overseas=True, zones=[{"name": "북미", "countries": ["US", "CA"]}]
    )

    response = seller_a.post(url("shippingpolicy_change", policy_a.pk), data)

    assert response.status_code == 302
    assert policy_a.zones.get().country_codes == {"US", "CA"}


def test_an_unknown_country_is_a_zone_form_error(seller_a, policy_a):
    data = policy_form_data(policy_a, zones=[{"name": "Z", "countries": ["XX"]}])

    response = seller_a.post(url("shippingpolicy_change", policy_a.pk), data)

    assert response.status_code == 200
    zone_formset = response.context["inline_admin_formsets"][1].formset
    assert "countries" in zone_formset.forms[0].errors
    assert not OverseasZone.objects.exists()


def test_one_country_in_two_zones_is_a_formset_error(seller_a, policy_a):
    zones = [{"name": "A", "countries": ["US"]}, {"name": "B", "countries": ["US", "JP"]}]

    response = seller_a.post(
        url("shippingpolicy_change", policy_a.pk), policy_form_data(policy_a, zones=zones)
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][1].formset.non_form_errors()


def test_a_forged_zone_id_of_another_vendor_in_the_inline_changes_nothing(
    seller_a, policy_a, zone_b
):
    data = policy_form_data(
        policy_a, zones=[{"id": zone_b.pk, "name": "탈취", "countries": ["FR"]}]
    )

    seller_a.post(url("shippingpolicy_change", policy_a.pk), data)

    zone_b.refresh_from_db()
    assert (zone_b.name, zone_b.policy_id) == ("B존", zone_b.policy.pk)
    assert zone_b.country_codes == {"US", "CA"}
    assert not OverseasZone.objects.filter(name="탈취").exists()


def test_a_forged_zone_id_cannot_be_deleted_through_the_inline(seller_a, policy_a, zone_b):
    data = policy_form_data(
        policy_a, zones=[{"id": zone_b.pk, "name": "B존", "countries": ["US"], "DELETE": "on"}]
    )

    seller_a.post(url("shippingpolicy_change", policy_a.pk), data)

    assert OverseasZone.objects.filter(pk=zone_b.pk).exists()


def test_the_zone_list_and_pages_are_scoped(seller_a, policy_a, zone_b):
    own = OverseasZoneFactory(policy=policy_a, name="A존")

    listing = seller_a.get(url("overseaszone_changelist")).content.decode()
    other = seller_a.get(url("overseaszone_change", zone_b.pk))

    assert own.name in listing
    assert "B존" not in listing
    assert other.status_code == 302


def test_a_zone_cannot_be_attached_to_another_vendors_policy(seller_a, policy_a, policy_b):
    data = {"policy": policy_b.pk, "name": "몰래", "countries": ["JP"], **inline_data("rates", [])}

    response = seller_a.post(url("overseaszone_add"), data)

    assert response.status_code == 200
    assert "policy" in response.context["adminform"].form.errors
    assert not OverseasZone.objects.filter(name="몰래").exists()


def test_a_forged_rate_id_of_another_vendor_is_refused(seller_a, policy_a, zone_b):
    own = OverseasZoneFactory(policy=policy_a)
    rate_b = zone_b.rates.get()
    data = {
        "policy": policy_a.pk,
        "name": own.name,
        "countries": ["US"],
        **inline_data("rates", [{"id": rate_b.pk, "max_weight_grams": "1", "fee": "1"}]),
    }

    seller_a.post(url("overseaszone_change", own.pk), data)

    rate_b.refresh_from_db()
    assert (rate_b.zone_id, rate_b.fee) == (zone_b.pk, Decimal(25000))


def test_rates_are_edited_on_the_zone_page(seller_a, policy_a):
    zone = OverseasZoneFactory(policy=policy_a, countries=["JP"])
    data = {
        "policy": policy_a.pk,
        "name": zone.name,
        "countries": ["JP"],
        **inline_data("rates", [{"max_weight_grams": "1000", "fee": "15000"}]),
    }

    response = seller_a.post(url("overseaszone_change", zone.pk), data)

    assert response.status_code == 302
    assert OverseasRate.objects.get(zone=zone).fee == 15000


def test_the_remote_area_table_is_read_only_for_vendors(seller_a):
    from shipping.models import RemoteArea

    jeju = RemoteArea.objects.get(kind="jeju")

    listing = seller_a.get(url("remotearea_changelist"))
    change = seller_a.post(url("remotearea_change", jeju.pk), {"name": "x", "kind": "island"})
    add = seller_a.get(url("remotearea_add"))

    assert listing.status_code == 200
    assert "63000" in listing.content.decode()
    assert add.status_code == 403
    assert change.status_code in (302, 403)
    jeju.refresh_from_db()
    assert jeju.name == "제주특별자치도"


def test_staff_members_may_edit_but_not_delete_policies(vendor_a, policy_a):
    client = Client()
    client.force_login(MembershipFactory(vendor=vendor_a, role=VendorMembership.Role.STAFF).user)

    response = client.post(url("shippingpolicy_delete", policy_a.pk), {"post": "yes"})

    assert response.status_code == 403
    assert ShippingPolicy.objects.filter(pk=policy_a.pk).exists()


def test_the_change_page_previews_quotes(seller_a, policy_a):
    response = seller_a.get(url("shippingpolicy_change", policy_a.pk))

    page = response.content.decode()
    assert "shipping-quote-preview" in page
    assert "50,000원" in page


def test_the_policy_list_runs_the_same_queries_for_more_policies(seller_a, vendor_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ShippingPolicyFactory(vendor=vendor_a)
    with CaptureQueriesContext(connection) as one:
        seller_a.get(url("shippingpolicy_changelist"))
    for _index in range(5):
        ShippingPolicyFactory(vendor=vendor_a, is_default=False)
    with CaptureQueriesContext(connection) as six:
        response = seller_a.get(url("shippingpolicy_changelist"))

    assert response.status_code == 200
    assert len(six) == len(one)
