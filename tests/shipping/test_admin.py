"""Platform staff's shipping pages: every vendor's policies and the remote-area table."""

import pytest
from django.urls import reverse

from shipping.models import RemoteArea, ShippingPolicy
from shop.models import AuditEvent
from tests.shipping.admin_helpers import policy_form_data
from tests.shipping.factories import RemoteAreaFactory, ShippingPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def url(name, *args):
    return reverse(f"admin:shipping_{name}", args=args)


def test_staff_see_every_vendors_policies(staff_client):
    first, second = ShippingPolicyFactory(), ShippingPolicyFactory()

    page = staff_client.get(url("shippingpolicy_changelist")).content.decode()

    assert first.name in page
    assert second.name in page


def test_staff_edit_is_one_audit_event_with_before_and_after(staff_client, staff_user):
    policy = ShippingPolicyFactory()
    data = policy_form_data(policy, island_surcharge="7000")

    response = staff_client.post(url("shippingpolicy_change", policy.pk), data)

    assert response.status_code == 302
    [event] = AuditEvent.objects.filter(subject_type="shipping.ShippingPolicy")
    assert event.event_type == "shipping.ShippingPolicyChanged"
    assert event.payload["changes"] == {"island_surcharge": ["5000", "7000"]}
    assert event.actor_id == staff_user.pk


def test_staff_add_a_policy_for_a_vendor(staff_client):
    vendor = ShippingPolicyFactory().vendor

    response = staff_client.post(
        url("shippingpolicy_add"), policy_form_data(name="직영 정책", vendor=vendor.pk)
    )

    assert response.status_code == 302
    assert ShippingPolicy.objects.get(name="직영 정책").vendor == vendor


def test_a_negative_fee_is_a_form_error_in_the_admin(staff_client):
    policy = ShippingPolicyFactory()

    response = staff_client.post(
        url("shippingpolicy_change", policy.pk), policy_form_data(policy, return_fee="-1")
    )

    assert response.status_code == 200
    assert "return_fee" in response.context["adminform"].form.errors


def test_staff_delete_a_policy_through_the_service(staff_client):
    policy = ShippingPolicyFactory()

    staff_client.post(url("shippingpolicy_delete", policy.pk), {"post": "yes"})

    assert not ShippingPolicy.objects.filter(pk=policy.pk).exists()
    assert AuditEvent.objects.filter(event_type="shipping.ShippingPolicyDeleted").count() == 1


def test_an_overlapping_remote_area_is_a_field_error(staff_client):
    data = {"name": "겹침", "kind": "island", "postcode_from": "63600", "postcode_to": "63700"}

    response = staff_client.post(url("remotearea_add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "postcode_from" in errors
    assert "postcode_to" in errors
    assert not RemoteArea.objects.filter(name="겹침").exists()


def test_staff_add_and_change_remote_areas_with_audit_events(staff_client):
    data = {"name": "새 섬", "kind": "island", "postcode_from": "99100", "postcode_to": "99110"}

    staff_client.post(url("remotearea_add"), data)
    area = RemoteArea.objects.get(name="새 섬")
    staff_client.post(url("remotearea_change", area.pk), {**data, "postcode_to": "99120"})

    area.refresh_from_db()
    assert area.postcode_to == "99120"
    types = list(
        AuditEvent.objects.filter(subject_type="shipping.RemoteArea")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert types == ["shipping.RemoteAreaCreated", "shipping.RemoteAreaChanged"]


def test_staff_delete_a_remote_area(staff_client):
    area = RemoteAreaFactory()

    staff_client.post(url("remotearea_delete", area.pk), {"post": "yes"})

    assert not RemoteArea.objects.filter(pk=area.pk).exists()
    assert AuditEvent.objects.filter(event_type="shipping.RemoteAreaDeleted").exists()


def test_the_policy_page_previews_a_jeju_surcharge(staff_client):
    policy = ShippingPolicyFactory()

    page = staff_client.get(url("shippingpolicy_change", policy.pk)).content.decode()

    assert "shipping-quote-preview" in page
    assert "6,000원" in page  # 10,000원 of items to Jeju: 3,000원 + 3,000원 surcharge
