"""Brand pay end to end over HTTP: save a method in my page, pay in one click, remove it.

Members act through the storefront's pages (Django's test client) and the buyer's steps
at the provider through its emulator on the live server; the real provider clients and
the real Celery task (in-process here) do the rest.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from orders.models import Order
from payments import crypto, services
from payments.emulators import state
from payments.models import IntentStatus, PaymentEvent, PaymentIntent, StoredPaymentMethod
from payments.providers.kakaopay import KakaoPay
from payments.providers.registry import get_provider
from payments.services.brandpay import stored_of
from payments.services.confirm import settle
from payments.services.ledger import CallLog, ref_of
from payments.tasks import deactivate_method
from shop.exceptions import NotFoundError
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.orders.helpers import variant_of
from tests.orders.test_views_checkout import fill_cart, place, review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0


@pytest.fixture
def member():
    return UserFactory(email="regular@example.com")


@pytest.fixture
def member_client(member) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    return client


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def html(response) -> str:
    return response.content.decode()


def messages_on(client: Client, url: str) -> str:
    return html(client.get(url))


def add_method(client: Client, provider: str):
    """Press "Add <provider>" in my page; return the answer (a redirect to the provider)."""
    return client.post(reverse("payments:add_method", args=[provider]))


def register(client: Client, provider: str, emulator, action: str = "approve") -> str:
    """Save a method through the provider's registration; return where the member lands."""
    to_provider = add_method(client, provider)
    assert to_provider.status_code == 302, html(to_provider)[:2000]
    back = emulator.buyer(to_provider["Location"], action)
    landed = client.get(path_of(back))
    assert landed.status_code == 302
    return landed["Location"]


def registered_method(client, provider, emulator) -> StoredPaymentMethod:
    assert register(client, provider, emulator) == reverse("payments:methods")
    return StoredPaymentMethod.objects.filter(provider=provider).latest("pk")


def checkout(client: Client, choice: str, *, price: int = 15000) -> str:
    """Fill the cart and place the order paying with ``choice``; return the start URL."""
    fill_cart(client, variant_of(price=price))
    response = place(client, review(client), payment_method=choice)
    assert response.status_code == 302, html(response)[:3000]
    return response["Location"]


def events(name: str) -> list[dict]:
    return list(AuditEvent.objects.filter(event_type=name).values_list("payload", flat=True))


def sid_is_active(method: StoredPaymentMethod) -> bool:
    return KakaoPay().stored_method_active(stored_of(method), record=lambda exchange: None)


# --- Saving a method from my page ----------------------------------------------------------------


def test_my_page_offers_to_add_the_providers_that_keep_a_method(member_client) -> None:
    page = html(member_client.get(reverse("payments:methods")))
    for provider in ("kakaopay", "naverpay"):
        action = reverse("payments:add_method", args=[provider])
        assert f'action="{action}"' in page
        assert f'data-provider="{provider}"' in page
    assert 'data-provider="paypal"' not in page  # PayPal's vault is not wired up
    assert "csrfmiddlewaretoken" in page


def test_a_member_saves_kakaopay_in_my_page_without_paying(
    member, member_client, kakaopay_emulator
) -> None:
    to_kakaopay = add_method(member_client, "kakaopay")
    assert to_kakaopay["Location"].startswith(kakaopay_emulator.base_url)
    intent = PaymentIntent.objects.get()
    assert (intent.flow, intent.status, intent.order_id) == ("register", "pending_action", None)
    assert (intent.user_id, intent.amount, intent.register_method) == (member.pk, 0, True)
    assert intent.provider_data["cid"] == "TCSUBSCRIP"  # the subscription CID issues a SID
    sheet = kakaopay_emulator.buyer  # the member approves the zero-won sheet
    page = html(member_client.get(reverse("payments:methods")))
    assert "No saved payment method yet" in page
    back = sheet(to_kakaopay["Location"], "approve", method="CARD")

    landed = member_client.get(path_of(back))
    assert landed["Location"] == reverse("payments:methods")
    page = messages_on(member_client, landed["Location"])
    assert "Your payment method is saved for one-click payment." in page
    assert "카카오페이 수협은행 6216****" in page  # the masked label only

    intent.refresh_from_db()
    method = StoredPaymentMethod.objects.get()
    assert intent.status == IntentStatus.REGISTERED
    assert intent.order_id is None
    assert intent.stored_method_id == method.pk
    assert (method.user_id, method.provider, method.status) == (member.pk, "kakaopay", "active")
    assert method.label == "카카오페이 수협은행 6216****"
    assert method.buyer_key == intent.buyer_key
    assert intent.captured_amount == 0  # no money moved: no charge in the ledger
    assert not intent.events.filter(kind=PaymentEvent.Kind.CHARGE).exists()
    assert sid_is_active(method)
    assert [payload["label"] for payload in events("payments.PaymentMethodSaved")] == [method.label]
    assert not events("payments.PaymentCaptured")

    # The same return again (a refresh) approves nothing twice and saves nothing twice.
    assert member_client.get(path_of(back))["Location"] == reverse("payments:methods")
    assert kakaopay_emulator.calls("approve") == 1
    assert StoredPaymentMethod.objects.count() == 1


def test_a_member_saves_naverpay_in_my_page_and_nothing_is_charged(
    member, member_client, naverpay_emulator
) -> None:
    landed = register(member_client, "naverpay", naverpay_emulator)

    assert landed == reverse("payments:methods")
    intent = PaymentIntent.objects.get()
    method = StoredPaymentMethod.objects.get()
    assert intent.status == IntentStatus.REGISTERED
    assert (method.user_id, method.provider, method.label) == (member.pk, "naverpay", "네이버페이")
    assert naverpay_emulator.calls("regist_approval") == 1
    assert naverpay_emulator.calls("recurrent_reserve") == 0  # a registration charges nothing
    assert "네이버페이" in messages_on(member_client, landed)


@pytest.mark.postgres
def test_a_registration_return_hit_by_many_requests_at_once_saves_one_method(
    member, kakaopay_emulator
) -> None:
    started = services.start_registration(user=member, provider_code="kakaopay")
    params = kakaopay_emulator.approve(started.next_action.url)

    def confirm(_index: int) -> str:
        try:
            return services.confirm_payment(
                public_id=started.intent.public_id, params=params
            ).status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(confirm, range(10)))

    assert kakaopay_emulator.calls("approve") == 1
    assert StoredPaymentMethod.objects.count() == 1
    assert PaymentIntent.objects.get().status == IntentStatus.REGISTERED
    assert set(statuses) <= {IntentStatus.AUTHORIZING, IntentStatus.REGISTERED}
    assert len(events("payments.PaymentMethodSaved")) == 1


def test_a_registration_cancelled_at_the_provider_saves_nothing(
    member_client, kakaopay_emulator
) -> None:
    landed = register(member_client, "kakaopay", kakaopay_emulator, action="cancel")

    assert landed == reverse("payments:methods")
    assert "The payment method was not saved." in messages_on(member_client, landed)
    assert PaymentIntent.objects.get().status == IntentStatus.CANCELLED
    assert not StoredPaymentMethod.objects.exists()
    assert kakaopay_emulator.calls("approve") == 0


def test_a_registration_the_provider_declines_saves_nothing(
    member_client, kakaopay_emulator
) -> None:
    kakaopay_emulator.fault("approve", "decline")
    landed = register(member_client, "kakaopay", kakaopay_emulator)

    assert "The payment method was not saved." in messages_on(member_client, landed)
    assert PaymentIntent.objects.get().status == IntentStatus.FAILED
    assert not StoredPaymentMethod.objects.exists()


def test_adding_a_method_needs_a_member_a_post_and_a_provider_that_keeps_one(
    member, member_client, kakaopay_emulator
) -> None:
    url = reverse("payments:add_method", args=["kakaopay"])
    guest = Client()
    assert guest.post(url)["Location"].startswith(reverse("account_login"))
    assert member_client.get(url).status_code == 405
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(member)
    assert forged.post(url).status_code == 403  # a cross-site form cannot start one
    assert add_method(member_client, "bitcoin").status_code == 404

    refused = add_method(member_client, "paypal")
    assert refused["Location"] == reverse("payments:methods")
    assert "cannot be saved for one-click payment" in messages_on(
        member_client, refused["Location"]
    )
    assert not PaymentIntent.objects.exists()
    assert kakaopay_emulator.calls("ready") == 0


def test_a_provider_that_does_not_answer_leaves_the_member_in_my_page(
    member_client, kakaopay_emulator
) -> None:
    kakaopay_emulator.fault("ready", "server_error")
    refused = add_method(member_client, "kakaopay")

    assert refused["Location"] == reverse("payments:methods")
    assert "did not answer" in messages_on(member_client, refused["Location"])
    assert PaymentIntent.objects.get().status == IntentStatus.FAILED


def test_my_page_lists_the_methods_in_a_fixed_number_of_queries(
    member, member_client, kakaopay_emulator, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        registered_method(member_client, "kakaopay", kakaopay_emulator)
    assert StoredPaymentMethod.objects.filter(user=member).count() == 3
    with django_assert_max_num_queries(3):  # the session's member, the methods
        page = html(member_client.get(reverse("payments:methods")))
    assert page.count('class="saved-method"') == 3


# --- Saving a method while paying -----------------------------------------------------------------


def pay_page_start(client: Client, start: str, provider: str) -> str:
    """From the order's pay page, tick "save this method" and start paying."""
    number = re.search(r"/orders/([^/]+)/start/", start).group(1)
    page = html(client.get(reverse("payments:pay", args=[number])))
    assert 'name="save" value="1"' in page
    return reverse("payments:start", args=[number]) + f"?method={provider}&save=1"


@pytest.mark.parametrize("provider", ["kakaopay", "naverpay"])
def test_ticking_save_this_method_saves_it_with_the_payment(
    request, provider, member, member_client
) -> None:
    emulator = request.getfixturevalue(f"{provider}_emulator")
    start = pay_page_start(member_client, checkout(member_client, provider), provider)

    to_provider = member_client.get(start)
    back = emulator.buyer(to_provider["Location"], "approve")
    landed = member_client.get(path_of(back))

    order = Order.objects.get()
    assert landed["Location"] == reverse("orders:complete", args=[order.number])
    assert order.status == Order.Status.PAID
    intent = PaymentIntent.objects.get()
    assert (intent.status, intent.register_method) == (IntentStatus.PAID, True)
    assert intent.captured_amount == order.total_amount
    method = StoredPaymentMethod.objects.get()
    assert (method.user_id, method.provider, method.status) == (member.pk, provider, "active")
    assert method.buyer_key == intent.buyer_key

    # The saved method then pays the next order in one click.
    second = member_client.get(checkout(member_client, f"brandpay:{method.pk}", price=9000))
    paid = Order.objects.exclude(pk=order.pk).get()
    assert second["Location"] == reverse("orders:complete", args=[paid.number])
    assert paid.status == Order.Status.PAID


def test_without_the_tick_nothing_is_saved(member_client, kakaopay_emulator) -> None:
    start = checkout(member_client, "kakaopay")
    back = kakaopay_emulator.buyer(member_client.get(start)["Location"], "approve")
    member_client.get(path_of(back))

    assert Order.objects.get().status == Order.Status.PAID
    assert PaymentIntent.objects.get().provider_data["cid"] == "TC0ONETIME"
    assert not StoredPaymentMethod.objects.exists()


# --- One click at checkout -----------------------------------------------------------------------


def test_checkout_offers_the_members_saved_methods_by_their_labels(
    member_client, kakaopay_emulator
) -> None:
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    fill_cart(member_client, variant_of(price=15000))
    page = html(member_client.get(reverse("orders:checkout")))

    assert f'value="brandpay:{method.pk}"' in page
    assert f"One-click: {method.label}" in page
    guest = Client(HTTP_ACCEPT_LANGUAGE="en")
    fill_cart(guest, variant_of(price=15000))
    assert "brandpay:" not in html(guest.get(reverse("orders:checkout")))


def test_one_click_places_charges_and_lands_on_the_complete_page(
    member_client, kakaopay_emulator
) -> None:
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    start = checkout(member_client, f"brandpay:{method.pk}")
    assert f"?method=brandpay%3A{method.pk}&sig=" in start  # signed for this order

    landed = member_client.get(start)

    order = Order.objects.get()
    assert landed["Location"] == reverse("orders:complete", args=[order.number])
    assert "Your payment is confirmed." in html(member_client.get(landed["Location"]))
    assert order.status == Order.Status.PAID
    intent = PaymentIntent.objects.get(order=order)
    assert (intent.flow, intent.status, intent.stored_method_id) == ("stored", "paid", method.pk)
    assert intent.captured_amount == order.total_amount
    assert intent.amount == order.total_amount
    assert kakaopay_emulator.calls("subscription") == 1
    assert kakaopay_emulator.calls("ready") == 1  # the registration's only: no sheet this time
    method.refresh_from_db()
    assert method.last_used_at is not None
    assert [payload["source"] for payload in events("payments.PaymentCaptured")] == ["checkout"]

    # A second visit of the start URL charges nothing more.
    member_client.get(start)
    assert kakaopay_emulator.calls("subscription") == 1


def test_a_declined_one_click_sends_the_buyer_to_pay_another_way(
    member_client, kakaopay_emulator
) -> None:
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    kakaopay_emulator.fault("subscription", "decline")
    landed = member_client.get(checkout(member_client, f"brandpay:{method.pk}"))

    order = Order.objects.get()
    assert landed["Location"].startswith(reverse("payments:pay", args=[order.number]))
    assert "did not go through" in messages_on(member_client, landed["Location"])
    assert order.status == Order.Status.PENDING_PAYMENT
    assert PaymentIntent.objects.get(order=order).status == IntentStatus.FAILED


def test_above_the_threshold_the_buyer_confirms_on_the_providers_page(
    settings, member_client, kakaopay_emulator
) -> None:
    settings.PAYMENTS_BRANDPAY_REAUTH_ABOVE = 10000
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    start = checkout(member_client, f"brandpay:{method.pk}", price=15000)
    order = Order.objects.get()

    refused = member_client.get(start)

    # No one-click charge: straight on to KakaoPay's own sheet for this order.
    assert refused["Location"] == reverse("payments:start", args=[order.number]) + (
        "?method=kakaopay"
    )
    assert kakaopay_emulator.calls("subscription") == 0
    assert not PaymentIntent.objects.filter(order=order).exists()
    to_kakaopay = member_client.get(refused["Location"])
    assert to_kakaopay["Location"].startswith(kakaopay_emulator.base_url)
    back = kakaopay_emulator.buyer(to_kakaopay["Location"], "approve")
    landed = member_client.get(path_of(back))

    assert landed["Location"] == reverse("orders:complete", args=[order.number])
    complete = html(member_client.get(landed["Location"]))
    assert "One-click payment goes up to 10,000원." in complete
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    intent = PaymentIntent.objects.get(order=order)
    assert (intent.flow, intent.status) == ("redirect", "paid")
    assert kakaopay_emulator.calls("approve") == 2  # the registration's and this one


def test_at_the_threshold_one_click_still_pays(settings, member, kakaopay_emulator) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    method = registered_method(client, "kakaopay", kakaopay_emulator)
    start = checkout(client, f"brandpay:{method.pk}", price=15000)
    order = Order.objects.get()
    settings.PAYMENTS_BRANDPAY_REAUTH_ABOVE = int(order.total_amount)

    assert client.get(start)["Location"] == reverse("orders:complete", args=[order.number])
    assert kakaopay_emulator.calls("subscription") == 1


# --- Removal ------------------------------------------------------------------------------------


def remove(client: Client, method: StoredPaymentMethod):
    return client.post(reverse("payments:remove_method", args=[method.pk]))


def test_a_removed_method_is_deactivated_at_kakaopay_and_gone_from_checkout(
    member_client, kakaopay_emulator
) -> None:
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    kakaopay_emulator.fault("inactive", "server_error")  # the first attempt fails

    removed = remove(member_client, method)

    assert removed["Location"] == reverse("payments:methods")
    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.INACTIVE
    assert method.deactivated_at is not None
    assert kakaopay_emulator.calls("inactive") == 2  # retried until KakaoPay answered
    assert not sid_is_active(method)
    page = messages_on(member_client, removed["Location"])
    assert "The payment method is removed." in page
    assert method.label not in page
    fill_cart(member_client, variant_of())
    assert "brandpay:" not in html(member_client.get(reverse("orders:checkout")))
    assert [payload["method_id"] for payload in events("payments.PaymentMethodRemoved")] == [
        method.pk
    ]


def test_the_removal_task_retries_until_the_provider_answers(
    member_client, kakaopay_emulator
) -> None:
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    kakaopay_emulator.fault("inactive", "server_error", times=100)  # KakaoPay is down

    remove(member_client, method)

    # Gone from checkout at once, although KakaoPay has not deactivated it yet.
    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.DEACTIVATING
    assert sid_is_active(method)
    fill_cart(member_client, variant_of())
    assert "brandpay:" not in html(member_client.get(reverse("orders:checkout")))
    with pytest.raises(NotFoundError):  # and no longer usable in one click
        services.owned_method(user=method.user, method_id=method.pk)

    state.reset("kakaopay")
    kakaopay_emulator.fault("inactive", "server_error")
    # A worker runs the task: the failed attempt raises, so Celery retries it later.
    with pytest.raises(Exception, match="HTTP 500"):
        deactivate_method(method.pk)
    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.DEACTIVATING
    deactivate_method(method.pk)  # the retry, with KakaoPay back

    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.INACTIVE
    assert not sid_is_active(method)
    assert kakaopay_emulator.calls("inactive") == 2
    deactivate_method(method.pk)  # a late duplicate retry does nothing
    assert kakaopay_emulator.calls("inactive") == 2


def test_a_removed_naverpay_method_is_expired_at_naverpay(member_client, naverpay_emulator) -> None:
    method = registered_method(member_client, "naverpay", naverpay_emulator)
    remove(member_client, method)

    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.INACTIVE
    assert naverpay_emulator.calls("expire") == 1
    recurrent = state.load("naverpay", "recurrent", stored_of(method).token)
    assert recurrent["state"] == "EXPIRED"


# --- Another member's method ----------------------------------------------------------------------


def test_another_members_method_cannot_pay_nor_be_removed(member_client, kakaopay_emulator) -> None:
    theirs = registered_method(member_client, "kakaopay", kakaopay_emulator)
    intruder = Client(HTTP_ACCEPT_LANGUAGE="en")
    intruder.force_login(UserFactory(email="intruder@example.com"))

    # At checkout the choice is not offered to them: the form refuses it, nothing is placed.
    fill_cart(intruder, variant_of(price=15000))
    placed = place(intruder, review(intruder), payment_method=f"brandpay:{theirs.pk}")
    assert placed.status_code == 400  # the form again, the choice refused
    assert "Select a valid choice" in html(placed)
    assert not Order.objects.exists()

    # Their own order, started with the other member's method id: not found, nothing charged.
    start = checkout(intruder, "kakaopay")
    number = Order.objects.get().number
    forged = reverse("payments:start", args=[number]) + f"?method=brandpay:{theirs.pk}"
    assert intruder.get(forged).status_code == 302  # unsigned: back to confirm, no charge
    chosen = {"method": f"brandpay:{theirs.pk}"}
    assert intruder.post(reverse("payments:start", args=[number]), chosen).status_code == 404
    chosen["method"] = "brandpay:not-a-number"
    assert intruder.post(reverse("payments:start", args=[number]), chosen).status_code == 404
    assert kakaopay_emulator.calls("subscription") == 0
    assert not PaymentIntent.objects.filter(order__number=number).exists()
    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT
    assert start  # their own payment is still possible

    # Removing it: not found, still active here and at KakaoPay.
    assert remove(intruder, theirs).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == StoredPaymentMethod.Status.ACTIVE
    assert kakaopay_emulator.calls("inactive") == 0
    assert sid_is_active(theirs)
    assert f"brandpay:{theirs.pk}" not in html(intruder.get(reverse("payments:methods")))


def test_one_click_never_charges_another_members_order(
    member, member_client, kakaopay_emulator
) -> None:
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(UserFactory(email="someone@example.com"))
    checkout(other, "kakaopay")
    their_order = Order.objects.get()

    with pytest.raises(NotFoundError):
        services.pay_with_saved_method(order_id=their_order.pk, method_id=method.pk, user=member)
    assert kakaopay_emulator.calls("subscription") == 0
    assert not PaymentIntent.objects.filter(order=their_order).exists()


def test_the_registration_return_of_one_member_cannot_be_replayed_for_another(
    member_client, kakaopay_emulator
) -> None:
    to_kakaopay = add_method(member_client, "kakaopay")
    params = dict(parse_qsl(urlsplit(kakaopay_emulator.buyer(to_kakaopay["Location"])).query))
    mine = PaymentIntent.objects.get()
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(UserFactory(email="other@example.com"))
    to_kakaopay_too = add_method(other, "kakaopay")
    theirs = PaymentIntent.objects.exclude(pk=mine.pk).get()

    # The other member's return carrying my pg_token: KakaoPay refuses it for their tid.
    other.get(
        reverse("payments:return", args=[theirs.public_id]) + f"?pg_token={params['pg_token']}"
    )

    theirs.refresh_from_db()
    assert theirs.status == IntentStatus.FAILED
    assert not StoredPaymentMethod.objects.exists()
    assert to_kakaopay_too.status_code == 302


def test_a_registration_answer_naming_another_reference_saves_nothing(member, kakaopay_emulator):
    started = services.start_registration(user=member, provider_code="kakaopay")
    params = kakaopay_emulator.approve(started.next_action.url)
    intent = PaymentIntent.objects.get()
    result = get_provider("kakaopay").confirm(ref_of(intent), params, record=CallLog())
    PaymentIntent.objects.filter(pk=intent.pk).update(status=IntentStatus.AUTHORIZING)

    # What a confused provider (or a replayed answer) would say: another payment's reference.
    foreign = replace(result, merchant_reference="00000000-0000-0000-0000-000000000000")
    settled = settle(intent.pk, foreign, CallLog(), source=PaymentEvent.Source.REDIRECT)

    assert settled.status == IntentStatus.FAILED
    assert settled.failure_code == "reference_mismatch"
    assert not StoredPaymentMethod.objects.exists()
    assert [payload["reason"] for payload in events("payments.PaymentRefused")] == [
        "reference_mismatch"
    ]


def test_a_registration_the_provider_charged_for_is_cancelled_and_saves_nothing(
    member, kakaopay_emulator
) -> None:
    started = services.start_registration(user=member, provider_code="kakaopay")
    params = kakaopay_emulator.approve(started.next_action.url)
    kakaopay_emulator.fault("approve", "amount_mismatch")  # KakaoPay takes 1,000 won

    intent = services.confirm_payment(public_id=started.intent.public_id, params=params)

    assert intent.status == IntentStatus.REFUNDED  # cancelled at KakaoPay at once
    assert intent.refunded_amount == intent.captured_amount == Decimal(1000)
    assert kakaopay_emulator.calls("cancel") == 1
    assert not StoredPaymentMethod.objects.exists()
    assert [payload["reason"] for payload in events("payments.PaymentRefused")] == [
        "amount_mismatch"
    ]


def test_the_token_is_unreadable_without_the_key(settings, member_client, kakaopay_emulator):
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    sid = crypto.decrypt(method.token_ciphertext)
    assert sid.startswith("S")
    assert sid not in method.token_ciphertext

    settings.PAYMENTS_TOKEN_KEY = "another-key-entirely"
    with pytest.raises(ValueError, match="cannot be decrypted"):
        crypto.decrypt(method.token_ciphertext)
    # Checkout then refuses the one click with a message rather than failing.
    start = checkout(member_client, f"brandpay:{method.pk}")
    refused = member_client.get(start)
    order = Order.objects.get()
    assert refused["Location"] == reverse("payments:pay", args=[order.number])
    assert "cannot be used now" in messages_on(member_client, refused["Location"])
    assert kakaopay_emulator.calls("subscription") == 0


# --- A saved method charges at once: only checkout's signed link or a POST may use it --------


def test_a_link_from_another_site_cannot_make_the_member_pay(member_client, kakaopay_emulator):
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    signed = checkout(member_client, "kakaopay")  # an order awaiting payment
    order = Order.objects.get()
    # What an <img src> on another site could make the member's browser fetch:
    bare = reverse("payments:start", args=[order.number]) + f"?method=brandpay:{method.pk}"

    answer = member_client.get(bare)

    assert answer["Location"].startswith(reverse("payments:pay", args=[order.number]))
    assert kakaopay_emulator.calls("subscription") == 0
    assert not PaymentIntent.objects.filter(order=order, flow="stored").exists()
    assert signed  # the member's own way to pay is untouched


def test_a_signed_link_is_for_its_own_order_only(member_client, kakaopay_emulator):
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    first = checkout(member_client, f"brandpay:{method.pk}")
    signature = parse_qs(urlsplit(first).query)["sig"][0]
    member_client.get(first)  # pays the first order
    second_start = checkout(member_client, "kakaopay")
    second = Order.objects.latest("pk")
    assert second_start

    reused = (
        reverse("payments:start", args=[second.number])
        + f"?method=brandpay:{method.pk}&sig={signature}"
    )
    member_client.get(reused)

    assert kakaopay_emulator.calls("subscription") == 1  # the first order's charge only
    assert second.status == Order.Status.PENDING_PAYMENT


def test_the_pay_page_confirms_a_saved_method_with_a_post(member_client, kakaopay_emulator):
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    checkout(member_client, "kakaopay")
    order = Order.objects.get()

    page = member_client.get(reverse("payments:pay", args=[order.number])).content.decode()
    assert 'method="post"' in page
    assert f'value="brandpay:{method.pk}"' in page
    landed = member_client.post(
        reverse("payments:start", args=[order.number]), {"method": f"brandpay:{method.pk}"}
    )

    assert landed["Location"] == reverse("orders:complete", args=[order.number])
    assert Order.objects.get().status == Order.Status.PAID


def test_a_post_without_the_csrf_token_charges_nothing(member, member_client, kakaopay_emulator):
    method = registered_method(member_client, "kakaopay", kakaopay_emulator)
    checkout(member_client, "kakaopay")
    order = Order.objects.get()
    forged = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    forged.force_login(member)

    answer = forged.post(
        reverse("payments:start", args=[order.number]), {"method": f"brandpay:{method.pk}"}
    )

    assert answer.status_code == 403
    assert kakaopay_emulator.calls("subscription") == 0
