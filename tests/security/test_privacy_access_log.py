"""PRIV-02: staff and vendor staff reading or downloading customers' personal data is logged.

개인정보의 안전성 확보조치 기준 제8조: account, time, IP, whose data, the action, and a
reason for every download; the records cannot be edited or deleted.
"""

from __future__ import annotations

import io

import pytest
from django.contrib import admin
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shop import privacy
from shop.models import PersonalDataAccess
from tests.accounts.factories import UserFactory
from tests.orders.helpers import guest_cart, place, variant_of, vendor_with_policy
from tests.vendors.factories import MembershipFactory
from vendors.sellercenter import seller_site

pytestmark = pytest.mark.django_db

REMOTE_ADDR = "203.0.113.7"


@pytest.fixture
def staff(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=REMOTE_ADDR)
    client.force_login(staff_user)
    return client


@pytest.fixture
def vendor():
    return vendor_with_policy()


@pytest.fixture
def seller(vendor) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=REMOTE_ADDR)
    client.force_login(MembershipFactory(vendor=vendor).user)
    return client


def order_for(vendor, key: str = "cart"):
    cart = guest_cart(key)
    from orders import services

    services.add_to_cart(cart=cart, variant_id=variant_of(vendor, stock=20).pk, quantity=1)
    return place(cart).order


def only_record() -> PersonalDataAccess:
    [record] = PersonalDataAccess.objects.all()
    return record


def test_the_user_list_records_who_saw_which_customers_from_where(staff, staff_user):
    customers = [UserFactory(), UserFactory()]

    response = staff.get(reverse("admin:accounts_user_changelist"), {"q": "example"})

    assert response.status_code == 200
    record = only_record()
    assert record.action == "view"
    assert (record.account_id, record.account_label) == (staff_user.pk, staff_user.email)
    assert record.ip_address == REMOTE_ADDR
    assert record.model == "accounts.User"
    assert {customer.pk for customer in customers} <= set(record.object_ids)
    assert record.row_count == len(record.object_ids)
    assert record.query == "q=example"


def test_a_customers_detail_page_records_that_one_subject(staff):
    customer = UserFactory()

    staff.get(reverse("admin:accounts_user_change", args=[customer.pk]))

    record = only_record()
    assert (record.action, record.model, record.object_ids) == (
        "view",
        "accounts.User",
        [str(customer.pk)],
    )


def test_pages_without_personal_data_record_nothing(staff):
    staff.get(reverse("admin:accounts_membergrade_changelist"))
    assert not PersonalDataAccess.objects.exists()


def test_one_list_page_is_one_insert_however_many_rows(staff, vendor):
    for key in "abcde":
        order_for(vendor, key)

    staff.get(reverse("admin:orders_order_changelist"))

    record = only_record()
    assert record.row_count == 5


def test_the_seller_centers_order_list_records_the_vendor(seller, vendor):
    order = order_for(vendor)
    part = order.shipments.get()

    response = seller.get(reverse("sellercenter:orders_vendorshipment_changelist"))

    assert response.status_code == 200
    record = only_record()
    assert (record.vendor_id, record.model, record.object_ids) == (
        vendor.pk,
        "orders.VendorShipment",
        [part.pk],
    )


def test_an_export_action_without_a_reason_asks_for_one_and_sends_nothing(staff, vendor):
    order = order_for(vendor)
    url = reverse("admin:orders_order_changelist")
    chosen = {"action": "export_csv", "_selected_action": [order.pk], "index": "0"}

    with translation.override("en"):
        first = staff.post(url, chosen)
        blank = staff.post(url, {**chosen, "export_reason": "   "})

    for response in (first, blank):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert order.recipient_phone not in response.content.decode()
    assert "Reason for the download" in first.content.decode()
    assert blank.context["form"].errors["export_reason"]
    assert not PersonalDataAccess.objects.filter(action="export").exists()


def test_an_export_with_a_reason_downloads_and_records_the_reason(staff, staff_user, vendor):
    order = order_for(vendor)

    response = staff.post(
        reverse("admin:orders_order_changelist"),
        {
            "action": "export_csv",
            "_selected_action": [order.pk],
            "index": "0",
            "export_reason": "courier complaint #12",
        },
    )

    assert response["Content-Type"].startswith("text/csv")
    record = PersonalDataAccess.objects.get(action="export")
    assert (record.account_id, record.reason, record.object_ids, record.ip_address) == (
        staff_user.pk,
        "courier complaint #12",
        [order.pk],
        REMOTE_ADDR,
    )


def test_the_reason_page_sends_the_same_action_back(staff, vendor):
    """The form the reason page shows carries the action and selection along."""
    order = order_for(vendor)

    page = staff.post(
        reverse("admin:orders_order_changelist"),
        {"action": "export_csv", "_selected_action": [order.pk], "index": "1"},
    ).content.decode()

    assert '<input type="hidden" name="action" value="export_csv">' in page
    assert f'<input type="hidden" name="_selected_action" value="{order.pk}">' in page


def test_the_export_link_asks_for_a_reason_and_keeps_the_filter(seller, vendor):
    part = order_for(vendor).shipments.get()
    url = reverse("sellercenter:orders_vendorshipment_export")

    asked = seller.get(url, {"status__exact": "paid"})
    assert asked["Content-Type"].startswith("text/html")
    assert '<input type="hidden" name="status__exact" value="paid">' in asked.content.decode()

    download = seller.get(url, {"status__exact": part.status, "export_reason": "ship today"})

    assert download["Content-Type"].startswith("text/csv")
    record = PersonalDataAccess.objects.get(action="export")
    assert (record.vendor_id, record.reason, record.object_ids) == (
        vendor.pk,
        "ship today",
        [part.pk],
    )
    assert record.query == f"status__exact={part.status}"  # the reason is not a filter


def test_the_log_is_listed_for_staff_and_cannot_be_changed_through_the_admin(staff):
    staff.get(reverse("admin:accounts_user_changelist"))
    record = only_record()

    listed = staff.get(reverse("admin:shop_personaldataaccess_changelist"), {"action": "view"})
    change = staff.post(
        reverse("admin:shop_personaldataaccess_change", args=[record.pk]), {"reason": "x"}
    )
    delete = staff.post(
        reverse("admin:shop_personaldataaccess_delete", args=[record.pk]), {"post": "yes"}
    )

    assert listed.status_code == 200
    assert record.account_label in listed.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    record.refresh_from_db()
    assert record.reason == ""


def test_the_database_refuses_to_edit_or_delete_a_record(staff):
    staff.get(reverse("admin:accounts_user_changelist"))
    record = only_record()

    for tamper in (
        lambda: PersonalDataAccess.objects.filter(pk=record.pk).update(reason="covered up"),
        lambda: PersonalDataAccess.objects.filter(pk=record.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            tamper()
    assert PersonalDataAccess.objects.filter(pk=record.pk, reason="").exists()


CUSTOMER_DATA_MODELS = {
    "accounts.User",
    "accounts.Address",
    "accounts.IdentityVerification",
    "account.EmailAddress",
    "orders.Order",
    "orders.VendorShipment",
    "orders.Claim",
    "wishlist.RestockSubscription",
}


@pytest.mark.parametrize("site", [admin.site, seller_site], ids=["admin", "sellercenter"])
def test_every_admin_of_customer_data_logs_access(site):
    """A new admin of these models can't forget the log: it comes from the base class."""
    for model, model_admin in site._registry.items():
        if model._meta.label in CUSTOMER_DATA_MODELS:
            assert privacy.holds_personal_data(model_admin), model._meta.label


def test_granting_and_revoking_staff_rights_is_in_the_append_only_audit_log(staff, staff_user):
    """PRIV-06: 접근권한 부여·변경·말소 are recorded (kept: the audit log is never purged)."""
    from django.contrib.auth.models import Group, Permission

    from shop.models import AuditEvent
    from tests.security.test_access_attacks import change_user

    handler = UserFactory(is_staff=False)
    support = Group.objects.create(name="support")
    view_users = Permission.objects.get(codename="view_user")

    granted = change_user(
        staff, handler, is_staff="on", groups=[support.pk], user_permissions=[view_users.pk]
    )
    revoked = change_user(staff, handler, is_staff="", groups="", user_permissions="")

    assert granted.status_code == revoked.status_code == 302
    changes = [
        event.payload["changes"]
        for event in AuditEvent.objects.filter(
            event_type="shop.AdminObjectChanged", subject_id=str(handler.pk)
        ).order_by("id")
    ]
    assert changes[0]["is_staff"] == [False, True]
    assert changes[0]["groups"] == [[], [support.pk]]
    assert changes[0]["user_permissions"] == [[], [view_users.pk]]
    assert changes[1]["is_staff"] == [True, False]
    assert changes[1]["groups"] == [[support.pk], []]
    event = AuditEvent.objects.filter(subject_id=str(handler.pk)).last()
    assert event.actor_id == staff_user.pk
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_monthly_review_report_lists_each_account_with_its_reads_and_reasons(
    staff, staff_user, vendor
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    order = order_for(vendor)
    staff.get(reverse("admin:orders_order_changelist"))
    staff.post(
        reverse("admin:orders_order_changelist"),
        {
            "action": "export_csv",
            "_selected_action": [order.pk],
            "index": "0",
            "export_reason": "refund dispute",
        },
    )
    month = timezone.localdate().strftime("%Y-%m")
    out = io.StringIO()

    call_command("personal_data_access_report", month=month, stdout=out)

    text = out.getvalue()
    assert f"Personal data access, {month}: 1 accounts" in text
    assert f"{staff_user.email} (id {staff_user.pk}, vendor -): 1 views, 1 exports" in text
    assert REMOTE_ADDR in text
    assert "export reason: refund dispute" in text
    previous = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    empty = io.StringIO()
    call_command("personal_data_access_report", month=previous, stdout=empty)
    assert ": 0 accounts" in empty.getvalue()


def test_the_report_refuses_a_malformed_month():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("personal_data_access_report", month="last tuesday")


def test_a_bulk_reader_is_flagged(staff_user):
    from django.test import RequestFactory
    from django.utils import timezone

    from accounts.models import User

    request = RequestFactory().get("/admin/accounts/user/")
    request.user = staff_user
    privacy.record_access(
        request, action="export", model=User, object_ids=range(privacy.BULK_READ_ROWS + 1)
    )

    [row] = privacy.monthly_report(timezone.localdate().strftime("%Y-%m"))

    assert row["flagged"]
    assert row["rows"] == privacy.BULK_READ_ROWS + 1
    assert PersonalDataAccess.objects.get().object_ids[-1] == privacy.MAX_RECORDED_IDS - 1


def test_the_seller_api_records_the_buyer_contacts_it_returns(vendor):
    from rest_framework.test import APIClient

    from vendors.models import VendorMembership

    membership = MembershipFactory(vendor=vendor, role=VendorMembership.Role.OWNER)
    api = APIClient(REMOTE_ADDR=REMOTE_ADDR)
    api.force_authenticate(membership.user)
    part = order_for(vendor).shipments.get()

    listed = api.get("/api/v1/seller/shipments/")
    detail = api.get(f"/api/v1/seller/shipments/{part.pk}/")
    missing = api.get("/api/v1/seller/shipments/999999/")

    assert (listed.status_code, detail.status_code, missing.status_code) == (200, 200, 404)
    records = list(PersonalDataAccess.objects.order_by("id"))
    assert [(r.action, r.model, r.object_ids, r.vendor_id) for r in records] == [
        ("view", "orders.VendorShipment", [part.pk], vendor.pk),
        ("view", "orders.VendorShipment", [part.pk], vendor.pk),
    ]  # nothing for the 404: no data was shown
    assert {r.account_id for r in records} == {membership.user_id}
    assert {r.ip_address for r in records} == {REMOTE_ADDR}
