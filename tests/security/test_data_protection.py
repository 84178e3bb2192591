"""Money records are never lost: deletion is refused, ledgers are append-only (DATA-01/02/03).

Orders, payments, refunds and the vendors' ledger are what the shop answers for to buyers,
vendors and the tax office; a product or vendor that has sold keeps its sales. The guard
is the database's own (PROTECT foreign keys, triggers), so raw SQL meets it as well.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from catalog.services import delete_product
from orders import services as order_services
from orders.models import Order, OrderLine, Refund
from payments.models import PaymentEvent, PaymentIntent
from tests.accounts.factories import UserFactory
from tests.orders.helpers import guest_cart, paid_order, place, placed_order, variant_of
from vendors.models import SettlementEntry, Vendor

pytestmark = pytest.mark.django_db


def refused(action) -> None:
    """``action`` must fail in the database (or before it) and change nothing."""
    with pytest.raises((ProtectedError, DatabaseError)), transaction.atomic():
        action()


# --- DATA-01: what has sold is never deleted -----------------------------------------------


def test_a_vendor_who_has_sold_cannot_be_deleted() -> None:
    order, _variant = placed_order()
    vendor = Vendor.objects.get(pk=order.lines.get().vendor_id)

    refused(vendor.delete)

    assert Vendor.objects.filter(pk=vendor.pk).exists()
    assert OrderLine.objects.filter(order=order).count() == 1


def test_a_member_who_has_ordered_cannot_be_deleted() -> None:
    member = UserFactory()
    cart = order_services.get_or_create_cart(user=member)
    order_services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=1)
    order = place(cart, user=member).order

    refused(member.delete)

    assert Order.objects.filter(pk=order.pk, user=member).exists()


def test_deleting_a_product_that_sold_archives_it_and_keeps_its_lines() -> None:
    order, variant = placed_order()
    sold = order.lines.get()

    delete_product(product_id=variant.product_id)

    product = Product.all_objects.get(pk=variant.product_id)
    assert product.deleted_at is not None  # archived, not gone
    line = OrderLine.objects.get(pk=sold.pk)
    assert (line.product_id, line.product_name, line.unit_price) == (
        product.pk,
        sold.product_name,
        sold.unit_price,
    )


def test_a_paid_order_with_a_refund_cannot_be_deleted() -> None:
    order, _variant = paid_order()
    order_services.cancel_order(order_id=order.pk, reason="changed my mind")
    assert Refund.objects.filter(order=order).exists()

    refused(order.delete)
    refused(lambda: Order.objects.filter(pk=order.pk).delete())

    assert Order.objects.filter(pk=order.pk).exists()


def test_an_order_with_a_payment_cannot_be_deleted() -> None:
    order, _variant = placed_order()
    intent = PaymentIntent.objects.create(
        order=order, provider="kakaopay", amount=order.total_amount, currency="KRW"
    )

    refused(order.delete)

    assert PaymentIntent.objects.filter(pk=intent.pk, order=order).exists()


@pytest.mark.postgres
def test_an_unpaid_order_cannot_be_deleted_even_in_raw_sql() -> None:
    order, _variant = placed_order()

    refused(order.delete)
    refused(lambda: Order.objects.filter(pk=order.pk).delete())

    def raw_delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM orders_order WHERE id = %s", [order.pk])

    refused(raw_delete)
    assert Order.objects.filter(pk=order.pk).exists()
    assert order.lines.count() == 1


def test_no_one_deletes_an_order_in_the_admin(admin_client) -> None:
    order, _variant = placed_order()

    page = admin_client.get(reverse("admin:orders_order_delete", args=[order.pk]))
    posted = admin_client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"},
    )

    assert page.status_code == 403
    assert posted.status_code in (200, 302)
    assert Order.objects.filter(pk=order.pk).exists()


# --- DATA-02: ledgers are append-only --------------------------------------------------------


@pytest.mark.postgres
def test_the_payment_ledger_cannot_be_changed_or_deleted() -> None:
    order, _variant = placed_order()
    intent = PaymentIntent.objects.create(
        order=order, provider="kakaopay", amount=order.total_amount, currency="KRW"
    )
    entry = PaymentEvent.objects.create(
        intent=intent,
        kind=PaymentEvent.Kind.CHARGE,
        source=PaymentEvent.Source.REDIRECT,
        amount=order.total_amount,
    )

    refused(lambda: PaymentEvent.objects.filter(pk=entry.pk).update(amount=Decimal(1)))
    refused(lambda: PaymentEvent.objects.filter(pk=entry.pk).delete())

    entry.refresh_from_db()
    assert entry.amount == order.total_amount


@pytest.mark.postgres
def test_the_vendors_ledger_cannot_lose_or_rewrite_an_entry() -> None:
    order, _variant = placed_order()
    vendor = Vendor.objects.get(pk=order.lines.get().vendor_id)
    entry = SettlementEntry.objects.create(
        vendor=vendor,
        kind=SettlementEntry.Kind.SALE,
        amount=Decimal(10000),
        order_id=order.pk,
        occurred_at=timezone.now(),
    )

    refused(lambda: SettlementEntry.objects.filter(pk=entry.pk).delete())
    refused(lambda: SettlementEntry.objects.filter(pk=entry.pk).update(amount=Decimal(1)))

    entry.refresh_from_db()
    assert entry.amount == Decimal(10000)


# --- DATA-03: the models and the migrations agree -------------------------------------------


def test_no_model_change_is_missing_its_migration() -> None:
    out = StringIO()

    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit as missing:  # --check exits 1 when a migration is missing
        pytest.fail(f"a migration is missing:\n{out.getvalue()}")
        raise AssertionError from missing


def test_a_cart_on_its_own_can_still_be_emptied() -> None:
    """The guards are for money records only: a shopper's cart comes and goes."""
    cart = guest_cart("comes-and-goes")
    order_services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=1)

    cart.delete()

    assert not type(cart).objects.filter(pk=cart.pk).exists()
