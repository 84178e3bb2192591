"""Payments in the platform admin: read-only pages, the ledger, buttons that call the services.

Payments are made for real: orders placed by the orders services, paid through the
KakaoPay client against its emulator on the live server.
"""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import services as order_services
from orders.models import Order, Refund
from payments import crypto, services
from payments.emulators import state
from payments.models import (
    InboundWebhook,
    IntentStatus,
    PaymentEvent,
    PaymentIntent,
    StoredPaymentMethod,
)
from payments.services.ledger import note
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.orders.helpers import guest_cart, place, variant_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0


@pytest.fixture
def staff(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    return client


def staff_with(*perms: str) -> Client:
    """A staff member holding only ``perms`` (``app.codename``), not a superuser."""
    user = UserFactory(is_staff=True)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"admin:payments_{name}", args=args)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def listed(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


def kakaopay_order(*, quantity: int = 2, price: int = 12000) -> Order:
    variant = variant_of(price=price, stock=10)
    cart = guest_cart(f"pay-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart, payment_method="kakaopay").order


def pending(emulator) -> tuple[PaymentIntent, str]:
    """An attempt sent to KakaoPay's sheet, the buyer not back yet; and the sheet's URL."""
    started = services.start_payment(order_id=kakaopay_order().pk, provider_code="kakaopay")
    return started.intent, started.next_action.url


def paid(emulator, **order) -> PaymentIntent:
    started = services.start_payment(order_id=kakaopay_order(**order).pk, provider_code="kakaopay")
    params = emulator.approve(started.next_action.url)
    intent = services.confirm_payment(public_id=started.intent.public_id, params=params)
    assert intent.status == IntentStatus.PAID
    return intent


def block_cancel_at_kakaopay(intent: PaymentIntent, blocked: bool = True) -> None:
    """Make KakaoPay refuse cancelling this payment (NOT_CANCELABLE), or accept it again."""

    def flip(record: dict) -> None:
        if blocked:
            record["held_status"], record["status"] = record["status"], "ON_HOLD"
        else:
            record["status"] = record.pop("held_status")

    state.update("kakaopay", "payment", intent.provider_payment_id, flip)


def refused_refund(emulator) -> tuple[PaymentIntent, Refund]:
    """A paid order cancelled while KakaoPay refused the cancel: its refund stays requested."""
    intent = paid(emulator, quantity=3, price=10000)
    block_cancel_at_kakaopay(intent)
    order_services.cancel_order(order_id=intent.order_id, reason="changed my mind")
    refund = Refund.objects.get(order_id=intent.order_id)
    if not intent.events.filter(kind=PaymentEvent.Kind.REFUND_FAILURE).exists():
        services.refund_order_refund(refund_id=refund.pk)  # the listener had not run
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED
    assert intent.events.filter(kind=PaymentEvent.Kind.REFUND_FAILURE).count() == 1
    return intent, refund


# --- The list ----------------------------------------------------------------------------------


def test_list_shows_each_payment_and_runs_the_same_queries_for_one_or_many(
    staff, kakaopay_emulator, django_assert_num_queries
):
    first = paid(kakaopay_emulator)
    staff.get(url("paymentintent_changelist"))
    with CaptureQueriesContext(connection) as one:
        page = staff.get(url("paymentintent_changelist"))
    for _index in range(4):
        pending(kakaopay_emulator)

    with django_assert_num_queries(len(one)):
        many = staff.get(url("paymentintent_changelist"))

    assert page.status_code == many.status_code == 200
    assert len(listed(many)) == 5
    html = page.content.decode()
    assert "카카오페이" in html
    assert "Paid" in html
    assert first.amount == first.order.total_amount
    assert f"{first.amount:,.0f}원" in html
    assert reverse("admin:orders_order_change", args=[first.order_id]) in html
    assert first.order.number in html


def test_a_paypal_payment_shows_its_dollars_with_the_won_amount_and_rate(staff, kakaopay_emulator):
    order = kakaopay_order(quantity=1, price=27000)
    PaymentIntent.objects.create(
        order=order,
        provider="paypal",
        currency="USD",
        amount=Decimal("20.00"),
        order_amount=order.total_amount,
        fx_rate=Decimal("1350.000000"),
        fx_source="fixed",
        buyer_key="b-test",
    )

    html = staff.get(url("paymentintent_changelist")).content.decode()

    assert "20.00 USD" in html
    assert f"{order.total_amount:,.0f}원 @ 1,350.000000" in html


def test_list_filters_by_status_and_provider_and_finds_by_order_provider_id_and_reference(
    staff, kakaopay_emulator
):
    settled = paid(kakaopay_emulator)
    waiting, _sheet = pending(kakaopay_emulator)
    changelist = url("paymentintent_changelist")

    assert listed(staff.get(changelist, {"status__exact": "paid"})) == [settled.pk]
    assert set(listed(staff.get(changelist, {"provider": "kakaopay"}))) == {settled.pk, waiting.pk}
    assert listed(staff.get(changelist, {"provider": "paypal"})) == []
    assert listed(staff.get(changelist, {"q": waiting.order.number})) == [waiting.pk]
    assert listed(staff.get(changelist, {"q": settled.provider_payment_id})) == [settled.pk]
    assert listed(staff.get(changelist, {"q": str(waiting.public_id)})) == [waiting.pk]
    assert listed(staff.get(changelist, {"q": str(uuid.uuid4())})) == []
    assert staff.get(changelist, {"q": "no such thing"}).status_code == 200
    by_order = staff.get(changelist, {"order__id__exact": settled.order_id})
    assert listed(by_order) == [settled.pk]


def test_the_list_exports_as_an_audited_csv(staff, kakaopay_emulator):
    intent = paid(kakaopay_emulator)

    response = staff.post(
        url("paymentintent_changelist"),
        {"action": "export_csv", "_selected_action": [intent.pk]},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[1][0] == str(intent.public_id)
    assert intent.order.number in rows[1]
    exported = AuditEvent.objects.get(event_type="vendors.DataExported")
    assert exported.payload["model"] == "payments.PaymentIntent"


# --- The payment page --------------------------------------------------------------------------


def test_the_page_shows_the_ledger_and_its_totals_read_only(staff, kakaopay_emulator):
    intent = paid(kakaopay_emulator, quantity=3, price=10000)
    line = intent.order.lines.get()
    order_services.partial_cancel(order_id=intent.order_id, quantities={line.pk: 1}, reason="x")
    refund = Refund.objects.get(order_id=intent.order_id)
    services.refund_order_refund(refund_id=refund.pk)  # once more: a redelivered event
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PARTIALLY_REFUNDED

    response = staff.get(url("paymentintent_change", intent.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in html
    ledger = [
        row.original.operation or row.original.kind
        for row in response.context["inline_admin_formsets"][0]
    ]
    assert {"ready", "approve", "cancel"} <= set(ledger)
    assert "<details>" in html  # request and response, folded
    assert "&quot;total_amount&quot;: " in html
    fields = {
        line.field["name"]: line.contents()
        for fieldset in response.context["adminform"]
        for row in fieldset
        for line in row
    }
    captured = intent.order.total_amount
    assert fields["captured_display"] == f"{captured:,.0f}원"
    assert fields["refunded_display"] == f"{refund.amount:,.0f}원"
    assert fields["remaining_display"] == f"{captured - refund.amount:,.0f}원"
    # The buyer's one-time pg_token, kept to approve again, is never shown.
    pg_token = intent.provider_data["return"]["pg_token"]
    assert pg_token
    assert pg_token not in html
    assert refund.get_status_display() in html
    assert reverse("admin:orders_refund_change", args=[refund.pk]) in html
    assert "Retry refund at the provider" not in html  # it went through


def test_the_page_runs_the_same_queries_however_long_the_ledger(
    staff, kakaopay_emulator, django_assert_num_queries
):
    short, long = paid(kakaopay_emulator), paid(kakaopay_emulator)
    for index in range(15):
        note(long, PaymentEvent.Kind.WEBHOOK, PaymentEvent.Source.WEBHOOK, note=f"evt-{index}")
    staff.get(url("paymentintent_change", short.pk))
    with CaptureQueriesContext(connection) as few:
        staff.get(url("paymentintent_change", short.pk))

    with django_assert_num_queries(len(few)):
        response = staff.get(url("paymentintent_change", long.pk))

    assert len(response.context["inline_admin_formsets"][0].formset.forms) >= 17
    assert "evt-14" in response.content.decode()


def test_no_one_edits_adds_or_deletes_a_payment(staff, kakaopay_emulator):
    intent = paid(kakaopay_emulator)

    change = staff.post(url("paymentintent_change", intent.pk), {"status": "refunded"})
    add = staff.get(url("paymentintent_add"))
    delete = staff.post(url("paymentintent_delete", intent.pk), {"post": "yes"})

    assert (change.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PAID


# --- Ask the provider now ----------------------------------------------------------------------


def test_asking_about_an_unknown_outcome_settles_it_as_paid(staff, kakaopay_emulator, settings):
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    started = services.start_payment(order_id=kakaopay_order().pk, provider_code="kakaopay")
    params = kakaopay_emulator.approve(started.next_action.url)
    kakaopay_emulator.fault("approve", "timeout_after_processing")
    intent = services.confirm_payment(public_id=started.intent.public_id, params=params)
    assert intent.status == IntentStatus.UNKNOWN

    page = staff.get(url("paymentintent_change", intent.pk)).content.decode()
    response = staff.post(url("paymentintent_reconcile", intent.pk))

    assert "Ask the provider now" in page
    assert response.status_code == 302
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PAID
    assert kakaopay_emulator.calls("approve") == 1  # asked, never approved twice
    assert Order.objects.get(pk=intent.order_id).status == Order.Status.PAID
    assert intent.events.filter(source=PaymentEvent.Source.ADMIN).exists()
    assert messages_of(response) == [
        (
            "success",
            f"Payment {str(intent.public_id)[:8]} of order {intent.order.number}: "
            "asked 카카오페이; the payment is now “Paid”.",
        )
    ]


def test_asking_about_a_buyer_still_on_the_sheet_leaves_it_waiting(staff, kakaopay_emulator):
    intent, _sheet = pending(kakaopay_emulator)

    response = staff.post(url("paymentintent_reconcile", intent.pk))

    intent.refresh_from_db()
    assert intent.status == IntentStatus.PENDING_ACTION
    assert intent.last_synced_at is not None
    assert kakaopay_emulator.calls("order") == 1
    [(level, text)] = messages_of(response)
    assert level == "info"
    assert "still “Waiting for the buyer”" in text


def test_a_settled_payment_is_not_asked_about(staff, kakaopay_emulator):
    intent = paid(kakaopay_emulator)

    page = staff.get(url("paymentintent_change", intent.pk)).content.decode()
    response = staff.post(url("paymentintent_reconcile", intent.pk))

    assert "Ask the provider now" not in page
    assert kakaopay_emulator.calls("order") == 0
    [(level, text)] = messages_of(response)
    assert level == "error"
    assert "settled already" in text


def test_the_bulk_action_asks_about_the_open_ones_and_refuses_the_settled(staff, kakaopay_emulator):
    waiting, _sheet = pending(kakaopay_emulator)
    settled = paid(kakaopay_emulator)

    response = staff.post(
        url("paymentintent_changelist"),
        {"action": "reconcile_selected", "_selected_action": [waiting.pk, settled.pk]},
        follow=True,
    )

    levels = sorted(level for level, _text in messages_of(response))
    assert levels == ["error", "info"]
    assert kakaopay_emulator.calls("order") == 1
    waiting.refresh_from_db()
    assert waiting.last_synced_at is not None


# --- Retry refund at the provider --------------------------------------------------------------


def test_a_refused_refund_is_retried_from_the_payment_page(staff, kakaopay_emulator):
    intent, refund = refused_refund(kakaopay_emulator)
    page = staff.get(url("paymentintent_change", intent.pk)).content.decode()
    block_cancel_at_kakaopay(intent, blocked=False)  # KakaoPay accepts it now

    response = staff.post(url("paymentintent_retry_refund", intent.pk), {"refund": refund.pk})

    assert "Retry refund at the provider" in page
    assert "Refund failed: -2: cancel failure [NOT_CANCELABLE]" in page
    refund.refresh_from_db()
    intent.refresh_from_db()
    assert refund.status == Refund.Status.COMPLETED
    assert intent.status == IntentStatus.REFUNDED
    assert intent.refunded_amount == intent.order.total_amount
    assert kakaopay_emulator.calls("cancel") == 2
    [(level, text)] = messages_of(response)
    assert level == "success"
    assert "refunded at 카카오페이" in text
    # Done: no second refund from the button or the bulk action.
    again = staff.post(url("paymentintent_retry_refund", intent.pk), {"refund": refund.pk})
    bulk = staff.post(
        url("paymentintent_changelist"),
        {"action": "retry_refunds_of_selected", "_selected_action": [intent.pk]},
        follow=True,
    )
    assert messages_of(again)[-1] == (
        "error",
        f"{refund}: only a refund the provider refused can be retried here.",
    )
    assert "None of the selected payments has a refused refund." in bulk.content.decode()
    assert kakaopay_emulator.calls("cancel") == 2


def test_a_refund_refused_again_says_why_and_stays_requested(staff, kakaopay_emulator):
    intent, refund = refused_refund(kakaopay_emulator)

    response = staff.post(
        url("paymentintent_changelist"),
        {"action": "retry_refunds_of_selected", "_selected_action": [intent.pk]},
        follow=True,
    )

    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED
    assert kakaopay_emulator.calls("cancel") == 2
    [(level, text)] = messages_of(response)
    assert level == "error"
    assert "refused the refund again" in text
    assert "NOT_CANCELABLE" in text


# --- Permissions -------------------------------------------------------------------------------


def test_staff_who_may_only_look_get_no_buttons_and_403(kakaopay_emulator):
    waiting, _sheet = pending(kakaopay_emulator)
    intent, refund = refused_refund(kakaopay_emulator)
    viewer = staff_with("payments.view_paymentintent")

    responses = [viewer.get(url("paymentintent_change", pk)) for pk in (waiting.pk, intent.pk)]
    pages = [response.content.decode() for response in responses]
    reconcile = viewer.post(url("paymentintent_reconcile", waiting.pk))
    retry = viewer.post(url("paymentintent_retry_refund", intent.pk), {"refund": refund.pk})
    actions = viewer.get(url("paymentintent_changelist")).context["action_form"]

    assert all("Ask the provider now" not in page for page in pages)
    assert all("Retry refund at the provider" not in page for page in pages)
    # The ledger is shown to whoever sees the payment.
    ledger = responses[1].context["inline_admin_formsets"][0]
    assert {row.original.operation for row in ledger} >= {"ready", "approve", "cancel"}
    assert reconcile.status_code == retry.status_code == 403
    assert {value for value, _label in actions.fields["action"].choices} == {"", "export_csv"}
    assert kakaopay_emulator.calls("order") == 0
    assert kakaopay_emulator.calls("cancel") == 1


def test_retrying_a_refund_needs_the_orders_refund_permission(kakaopay_emulator):
    intent, refund = refused_refund(kakaopay_emulator)
    payments_staff = staff_with("payments.view_paymentintent", "payments.change_paymentintent")
    refunds_staff = staff_with("payments.view_paymentintent", "orders.change_refund")

    without = payments_staff.get(url("paymentintent_change", intent.pk)).content.decode()
    refused = payments_staff.post(
        url("paymentintent_retry_refund", intent.pk), {"refund": refund.pk}
    )
    with_perm = refunds_staff.get(url("paymentintent_change", intent.pk)).content.decode()

    assert "Retry refund at the provider" not in without
    assert refused.status_code == 403
    assert "Retry refund at the provider" in with_perm
    assert kakaopay_emulator.calls("cancel") == 1


def test_anonymous_and_shoppers_never_reach_the_pages(kakaopay_emulator, client, user):
    intent = paid(kakaopay_emulator)

    anonymous = client.post(url("paymentintent_reconcile", intent.pk))
    client.force_login(user)
    shopper = client.get(url("paymentintent_change", intent.pk))

    assert anonymous.status_code == 302
    assert urlsplit(anonymous["Location"]).path != url("paymentintent_change", intent.pk)
    assert shopper.status_code in (302, 403)
    assert kakaopay_emulator.calls("order") == 0


# --- Saved methods -----------------------------------------------------------------------------


def saved_method(emulator) -> tuple[StoredPaymentMethod, str]:
    """A member saves a KakaoPay method in my page; return it and its decrypted SID."""
    member = UserFactory(email="regular@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    to_kakaopay = client.post(reverse("payments:add_method", args=["kakaopay"]))
    back = urlsplit(emulator.buyer(to_kakaopay["Location"], "approve"))
    client.get(f"{back.path}?{back.query}")
    method = StoredPaymentMethod.objects.get()
    return method, crypto.decrypt(method.token_ciphertext)


def test_saved_method_pages_never_show_the_token_or_its_ciphertext(staff, kakaopay_emulator):
    method, token = saved_method(kakaopay_emulator)
    assert token

    pages = {
        "list": staff.get(url("storedpaymentmethod_changelist")),
        "search": staff.get(url("storedpaymentmethod_changelist"), {"q": "regular@"}),
        "page": staff.get(url("storedpaymentmethod_change", method.pk)),
        "csv": staff.post(
            url("storedpaymentmethod_changelist"),
            {"action": "export_csv", "_selected_action": [method.pk]},
        ),
        "registration": staff.get(url("paymentintent_change", PaymentIntent.objects.get().pk)),
        "payments": staff.get(url("paymentintent_changelist")),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        body = response.content.decode("utf-8-sig")
        assert token not in body, f"the token is on the {name} page"
        assert method.token_ciphertext not in body, f"the ciphertext is on the {name} page"
        if name in ("list", "search", "page", "csv"):
            assert method.buyer_key not in body, f"the buyer key is on the {name} page"
    assert method.label in pages["page"].content.decode()
    assert "regular@example.com" in pages["list"].content.decode()
    assert listed(pages["search"]) == [method.pk]
    assert "token" not in pages["page"].context["adminform"].form.fields
    header = next(csv.reader(io.StringIO(pages["csv"].content.decode("utf-8-sig"))))
    assert not any("token" in column.lower() for column in header)


def test_staff_remove_a_saved_method_and_it_is_deactivated_at_kakaopay(
    staff, staff_user, kakaopay_emulator
):
    method, token = saved_method(kakaopay_emulator)
    page = staff.get(url("storedpaymentmethod_change", method.pk)).content.decode()

    response = staff.post(url("storedpaymentmethod_remove", method.pk))

    assert "Remove this saved method" in page
    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.INACTIVE  # the task ran eagerly
    assert kakaopay_emulator.calls("inactive") == 1
    assert state.load("kakaopay", "sid", token)["status"] != "ACTIVE"
    [(level, _text)] = messages_of(response)
    assert level == "success"
    audit = AuditEvent.objects.get(
        event_type="shop.AdminObjectChanged", subject_type="payments.StoredPaymentMethod"
    )
    assert audit.payload["changes"] == {"status": ["active", "deactivating"]}
    assert audit.actor_kind == "staff"
    assert audit.actor_id == staff_user.pk
    assert token not in str(audit.payload)
    assert method.token_ciphertext not in str(audit.payload)
    # Removed already: no button, and the action refuses.
    page = staff.get(url("storedpaymentmethod_change", method.pk)).content.decode()
    again = staff.post(
        url("storedpaymentmethod_changelist"),
        {"action": "remove_selected", "_selected_action": [method.pk]},
        follow=True,
    )
    assert "Remove this saved method" not in page
    assert [level for level, _text in messages_of(again)] == ["error"]
    assert "removed already" in again.content.decode()
    assert kakaopay_emulator.calls("inactive") == 1


def test_removing_a_saved_method_needs_its_change_permission(kakaopay_emulator):
    method, _token = saved_method(kakaopay_emulator)
    viewer = staff_with("payments.view_storedpaymentmethod")

    page = viewer.get(url("storedpaymentmethod_change", method.pk))
    removal = viewer.post(url("storedpaymentmethod_remove", method.pk))

    assert page.status_code == 200
    assert "Remove this saved method" not in page.content.decode()
    assert removal.status_code == 403
    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.ACTIVE


# --- Webhooks and the order page ---------------------------------------------------------------


def test_provider_webhooks_are_listed_read_only(staff):
    hook = InboundWebhook.objects.create(
        provider="paypal", event_id="WH-1", event_type="PAYMENT.CAPTURE.COMPLETED", verified=True
    )

    listing = staff.get(url("inboundwebhook_changelist"), {"q": "WH-1"})
    page = staff.get(url("inboundwebhook_change", hook.pk))
    add = staff.get(url("inboundwebhook_add"))
    delete = staff.post(url("inboundwebhook_delete", hook.pk), {"post": "yes"})

    assert listed(listing) == [hook.pk]
    assert "PAYMENT.CAPTURE.COMPLETED" in listing.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert add.status_code == delete.status_code == 403
    assert InboundWebhook.objects.filter(pk=hook.pk).exists()


def test_the_order_page_links_to_its_payments(staff, kakaopay_emulator):
    intent = paid(kakaopay_emulator)
    pending(kakaopay_emulator)  # another order's attempt

    page = staff.get(reverse("admin:orders_order_change", args=[intent.order_id]))
    link = f"{url('paymentintent_changelist')}?order__id__exact={intent.order_id}"
    payments = staff.get(link)

    assert link in page.content.decode()
    assert listed(payments) == [intent.pk]


def test_the_order_page_has_no_payments_link_for_staff_who_cannot_see_payments(
    kakaopay_emulator,
):
    intent = paid(kakaopay_emulator)
    orders_staff = staff_with("orders.view_order")

    page = orders_staff.get(reverse("admin:orders_order_change", args=[intent.order_id]))

    assert page.status_code == 200
    assert url("paymentintent_changelist") not in page.content.decode()
