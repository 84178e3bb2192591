"""The settlement ledger fed by order events, and the statements built from it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from orders.events import OrderLineRefunded, PurchaseConfirmed
from shop.events import publish
from shop.models import AuditEvent
from shop.outbox import deliver_event
from tests.vendors.factories import SettlementEntryFactory, VendorFactory
from vendors import services
from vendors.exceptions import VendorError
from vendors.models import Settlement, SettlementEntry
from vendors.services.settlements import commission_for, previous_period

pytestmark = pytest.mark.django_db

JANUARY = {"period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 1, 31)}


def confirmed(vendor, *, order_id=1, lines=(1, 2), gross="10000", shipping="3000", at=None):
    return PurchaseConfirmed(
        order_id=order_id,
        order_line_ids=list(lines),
        vendor_id=vendor.pk,
        gross_amount=gross,
        shipping_amount=shipping,
        confirmed_at=at or "2025-01-10T15:00:00+09:00",
    )


def refunded(vendor, *, order_id=1, refund_id=1, amount="5000", shipping="0"):
    return OrderLineRefunded(
        order_id=order_id,
        vendor_id=vendor.pk,
        refund_id=refund_id,
        amount=amount,
        shipping_amount=shipping,
    )


def publish_and_deliver(event, capture):
    with capture(execute=True):
        return publish(event)


def ledger(vendor):
    return sorted(
        (entry.kind, entry.amount) for entry in SettlementEntry.objects.filter(vendor=vendor)
    )


def test_purchase_confirmed_books_sale_commission_and_shipping(
    django_capture_on_commit_callbacks,
):
    vendor = VendorFactory(commission_rate=Decimal("10.00"))

    publish_and_deliver(confirmed(vendor), django_capture_on_commit_callbacks)

    assert ledger(vendor) == [
        ("commission", Decimal(-1000)),
        ("sale", Decimal(10000)),
        ("shipping", Decimal(3000)),
    ]
    booked = AuditEvent.objects.get(event_type="vendors.LedgerEntriesBooked")
    assert booked.payload["amounts"] == {
        "sale": "10000",
        "commission": "-1000",
        "shipping": "3000",
    }


def test_redelivered_and_republished_purchase_books_once(django_capture_on_commit_callbacks):
    vendor = VendorFactory()
    record = publish_and_deliver(confirmed(vendor), django_capture_on_commit_callbacks)
    AuditEvent.objects.filter(pk=record.pk).update(delivery_status="pending")

    deliver_event(event_id=record.pk)  # the outbox re-delivers the same event
    publish_and_deliver(confirmed(vendor, lines=(2, 1)), django_capture_on_commit_callbacks)

    assert len(ledger(vendor)) == 3
    assert AuditEvent.objects.filter(event_type="vendors.LedgerEntriesBooked").count() == 1


def test_calling_the_service_twice_books_once():
    vendor = VendorFactory()
    event = confirmed(vendor)
    arguments = {
        "order_id": event.order_id,
        "order_line_ids": event.order_line_ids,
        "vendor_id": event.vendor_id,
        "gross_amount": event.gross_amount,
        "shipping_amount": event.shipping_amount,
        "confirmed_at": event.confirmed_at,
    }

    first = services.record_purchase_confirmed(**arguments)
    second = services.record_purchase_confirmed(**arguments)

    assert (len(first), second) == (3, [])


@pytest.mark.parametrize(
    ("gross", "rate", "commission"),
    [
        ("10005", "10.5", "1051"),  # 1050.525 rounds half up
        ("10000", "3.35", "335"),
        ("999", "10", "100"),  # 99.9
        ("15", "10", "2"),  # 1.5 rounds up, not to even
        ("25", "10", "3"),  # 2.5 rounds up, not to even
        ("10000", "0", "0"),
        ("10000", "100", "10000"),
    ],
)
def test_commission_rounds_half_up_to_the_won(gross, rate, commission):
    assert commission_for(Decimal(gross), Decimal(rate)) == Decimal(commission)


def test_refund_gives_back_the_commission_in_proportion(django_capture_on_commit_callbacks):
    vendor = VendorFactory(commission_rate=Decimal("10.5"))
    publish_and_deliver(confirmed(vendor, gross="10005"), django_capture_on_commit_callbacks)

    publish_and_deliver(
        refunded(vendor, amount="5000", shipping="3000"), django_capture_on_commit_callbacks
    )

    entries = SettlementEntry.objects.filter(vendor=vendor, kind="commission")
    assert sorted(entry.amount for entry in entries) == [Decimal(-1051), Decimal(525)]
    assert ("refund", Decimal(-5000)) in ledger(vendor)
    assert ("shipping", Decimal(-3000)) in ledger(vendor)


def test_refunds_never_give_back_more_commission_than_was_charged(
    django_capture_on_commit_callbacks,
):
    vendor = VendorFactory(commission_rate=Decimal("10"))
    publish_and_deliver(confirmed(vendor, gross="1005"), django_capture_on_commit_callbacks)

    for refund_id in (1, 2, 3):  # 335 + 335 + 335 = 1005, the whole sale
        publish_and_deliver(
            refunded(vendor, refund_id=refund_id, amount="335"), django_capture_on_commit_callbacks
        )

    given_back = sum(
        entry.amount
        for entry in SettlementEntry.objects.filter(vendor=vendor, kind="commission", amount__gt=0)
    )
    assert given_back == Decimal(101)  # all of the 101 charged, none more


def test_redelivered_refund_books_once(django_capture_on_commit_callbacks):
    vendor = VendorFactory()
    publish_and_deliver(confirmed(vendor), django_capture_on_commit_callbacks)

    publish_and_deliver(refunded(vendor, refund_id=9), django_capture_on_commit_callbacks)
    publish_and_deliver(refunded(vendor, refund_id=9), django_capture_on_commit_callbacks)

    assert SettlementEntry.objects.filter(vendor=vendor, kind="refund").count() == 1


def test_refund_of_a_purchase_never_confirmed_books_nothing(django_capture_on_commit_callbacks):
    vendor = VendorFactory()

    publish_and_deliver(refunded(vendor, order_id=42), django_capture_on_commit_callbacks)

    assert ledger(vendor) == []


@pytest.mark.parametrize("gross", ["-1", "100.5", "abc", "NaN"])
def test_bad_amounts_are_refused_naming_the_field(gross):
    vendor = VendorFactory()

    with pytest.raises(VendorError) as refused:
        services.record_purchase_confirmed(
            order_id=1,
            order_line_ids=[1],
            vendor_id=vendor.pk,
            gross_amount=gross,
            shipping_amount="0",
            confirmed_at="2025-01-10T15:00:00+09:00",
        )

    assert "gross_amount" in refused.value.fields
    assert not SettlementEntry.objects.exists()


def test_a_failing_listener_is_recorded_and_retried_by_the_outbox(
    django_capture_on_commit_callbacks,
):
    event = PurchaseConfirmed(
        order_id=1,
        order_line_ids=[1],
        vendor_id=999_999,  # no such vendor yet
        gross_amount="1000",
        shipping_amount="0",
        confirmed_at="2025-01-10T15:00:00+09:00",
    )

    record = publish_and_deliver(event, django_capture_on_commit_callbacks)

    record.refresh_from_db()
    assert record.delivery_status == "pending"
    assert "vendor" in record.last_delivery_error.lower()


def test_run_settlements_makes_one_statement_per_vendor_and_period(
    django_capture_on_commit_callbacks,
):
    vendor, other = VendorFactory(commission_rate=Decimal("10")), VendorFactory()
    publish_and_deliver(confirmed(vendor, gross="20000"), django_capture_on_commit_callbacks)
    publish_and_deliver(
        confirmed(vendor, order_id=2, gross="10000", shipping="0"),
        django_capture_on_commit_callbacks,
    )
    publish_and_deliver(confirmed(other, order_id=3), django_capture_on_commit_callbacks)
    SettlementEntryFactory(
        vendor=vendor,
        kind="refund",
        amount=-5000,
        occurred_at=dt.datetime(2025, 1, 20, tzinfo=dt.UTC),
    )

    first = services.run_settlements(**JANUARY)
    second = services.run_settlements(**JANUARY)

    assert [item.pk for item in first] == [item.pk for item in second]
    assert Settlement.objects.count() == 2
    statement = Settlement.objects.get(vendor=vendor)
    assert (statement.gross, statement.refunds, statement.commission, statement.shipping) == (
        Decimal(30000),
        Decimal(5000),
        Decimal(3000),
        Decimal(3000),
    )
    assert statement.payout == Decimal(30000 - 5000 - 3000 + 3000)
    assert statement.status == Settlement.Status.DRAFT
    assert not SettlementEntry.objects.filter(settlement__isnull=True).exists()
    assert AuditEvent.objects.filter(event_type="vendors.SettlementDrafted").count() == 2


def test_entries_after_the_period_wait_for_the_next_statement(django_capture_on_commit_callbacks):
    vendor = VendorFactory()
    publish_and_deliver(
        confirmed(vendor, at="2025-02-01T00:00:00+09:00"), django_capture_on_commit_callbacks
    )
    publish_and_deliver(
        confirmed(vendor, order_id=2, at="2025-01-31T23:59:59+09:00"),
        django_capture_on_commit_callbacks,
    )

    [january] = services.run_settlements(**JANUARY)

    assert set(january.entries.values_list("order_id", flat=True)) == {2}
    assert SettlementEntry.objects.filter(settlement__isnull=True, order_id=1).count() == 3


def test_late_entries_join_a_draft_but_never_a_confirmed_statement(
    django_capture_on_commit_callbacks,
):
    vendor = VendorFactory(commission_rate=Decimal("0"))
    publish_and_deliver(confirmed(vendor, shipping="0"), django_capture_on_commit_callbacks)
    [statement] = services.run_settlements(**JANUARY)
    publish_and_deliver(
        confirmed(vendor, order_id=2, gross="500", shipping="0"),
        django_capture_on_commit_callbacks,
    )
    services.run_settlements(**JANUARY)
    statement.refresh_from_db()
    assert statement.gross == Decimal(10500)

    services.confirm_settlement(settlement_id=statement.pk)
    publish_and_deliver(
        confirmed(vendor, order_id=3, gross="700", shipping="0"),
        django_capture_on_commit_callbacks,
    )
    services.run_settlements(**JANUARY)

    statement.refresh_from_db()
    assert statement.gross == Decimal(10500)
    assert SettlementEntry.objects.get(order_id=3).settlement is None


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(VendorError) as refused:
        services.run_settlements(period_start=dt.date(2025, 2, 1), period_end=dt.date(2025, 1, 1))

    assert "period_end" in refused.value.fields


@pytest.mark.parametrize(
    ("path", "end"),
    [
        (["confirm", "pay"], "paid"),
        (["hold", "release", "confirm"], "confirmed"),
        (["confirm", "hold", "confirm", "pay"], "paid"),
    ],
)
def test_allowed_statement_transitions_are_audited(path, end):
    statement = Settlement.objects.create(vendor=VendorFactory(), **JANUARY)
    steps = {
        "confirm": services.confirm_settlement,
        "pay": services.mark_settlement_paid,
        "hold": services.hold_settlement,
        "release": services.release_settlement,
    }

    for step in path:
        steps[step](settlement_id=statement.pk, note=step)

    statement.refresh_from_db()
    assert statement.status == end
    events = AuditEvent.objects.filter(event_type="vendors.SettlementStatusChanged")
    assert [event.payload["after"] for event in events.order_by("id")][-1] == end
    assert events.count() == len(path)
    if end == "paid":
        assert statement.paid_at
        assert statement.confirmed_at


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], "pay"),
        (["confirm", "pay"], "hold"),
        (["confirm", "pay"], "confirm"),
        ([], "release"),
        (["confirm"], "release"),
    ],
)
def test_refused_statement_transitions_change_nothing(path, refused):
    statement = Settlement.objects.create(vendor=VendorFactory(), **JANUARY)
    steps = {
        "confirm": services.confirm_settlement,
        "pay": services.mark_settlement_paid,
        "hold": services.hold_settlement,
        "release": services.release_settlement,
    }
    for step in path:
        steps[step](settlement_id=statement.pk)
    statement.refresh_from_db()
    before = statement.status

    with pytest.raises(VendorError) as error:
        steps[refused](settlement_id=statement.pk)

    assert error.value.code == "invalid_transition"
    statement.refresh_from_db()
    assert statement.status == before


def test_adjustments_count_in_the_payout(monkeypatch):
    vendor = VendorFactory()
    SettlementEntryFactory(
        vendor=vendor, amount=10000, occurred_at=dt.datetime(2025, 1, 5, tzinfo=dt.UTC)
    )
    # Booked on 6 January (the ledger is append-only: the entry's date cannot be moved later).
    with monkeypatch.context() as in_january:
        in_january.setattr(timezone, "now", lambda: dt.datetime(2025, 1, 6, tzinfo=dt.UTC))
        services.book_adjustment(vendor_id=vendor.pk, amount="-2500", description="반품 택배비")

    [statement] = services.run_settlements(**JANUARY)

    assert (statement.adjustments, statement.payout) == (Decimal(-2500), Decimal(7500))


@pytest.mark.parametrize(
    ("today", "kind", "period"),
    [
        (dt.date(2025, 3, 15), "monthly", (dt.date(2025, 2, 1), dt.date(2025, 2, 28))),
        (dt.date(2025, 1, 1), "monthly", (dt.date(2024, 12, 1), dt.date(2024, 12, 31))),
        (dt.date(2025, 3, 12), "weekly", (dt.date(2025, 3, 3), dt.date(2025, 3, 9))),
        (dt.date(2025, 3, 10), "weekly", (dt.date(2025, 3, 3), dt.date(2025, 3, 9))),
    ],
)
def test_previous_period_is_the_last_complete_week_or_month(today, kind, period):
    assert previous_period(today=today, kind=kind) == period


def test_command_settles_the_given_period(django_capture_on_commit_callbacks):
    vendor = VendorFactory()
    publish_and_deliver(confirmed(vendor), django_capture_on_commit_callbacks)
    out = io.StringIO()

    call_command("run_settlements", "--start", "2025-01-01", "--end", "2025-01-31", stdout=out)
    call_command("run_settlements", "--start", "2025-01-01", "--end", "2025-01-31", stdout=out)

    assert Settlement.objects.filter(vendor=vendor).count() == 1
    assert "1 statement(s)" in out.getvalue()


def test_staff_csv_export_has_translated_headers_a_bom_and_the_rows(staff_user):
    statement = Settlement.objects.create(
        vendor=VendorFactory(name="서울마켓"), gross=10000, payout=9000, **JANUARY
    )
    client = Client()
    client.force_login(staff_user)

    response = client.post(
        "/admin/vendors/settlement/",
        {"action": "export_csv", "_selected_action": [statement.pk]},
    )

    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = [str(Settlement._meta.get_field(name).verbose_name) for name in ("vendor", "gross")]
    assert rows[0][:1] == header[:1]
    assert header[1] in rows[0]
    assert rows[1][0] == str(statement.vendor_id)
    assert "10000" in rows[1]
    event = AuditEvent.objects.get(event_type="vendors.DataExported")
    assert (event.payload["model"], event.payload["row_count"]) == ("vendors.Settlement", 1)


def test_beat_runs_the_settlement_task_daily():
    from django.conf import settings

    from shop.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["run-settlements"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert settings.SETTLEMENT_PERIOD in {"weekly", "monthly"}


def test_due_settlement_task_settles_the_last_complete_period(settings):
    from django.utils import timezone

    from vendors.tasks import run_due_settlements

    settings.SETTLEMENT_PERIOD = "weekly"
    start, end = previous_period(today=timezone.localdate(), kind="weekly")
    vendor = VendorFactory()
    SettlementEntryFactory(
        vendor=vendor,
        occurred_at=timezone.make_aware(dt.datetime.combine(end, dt.time(12))),
    )

    assert run_due_settlements() == 1

    statement = Settlement.objects.get(vendor=vendor)
    assert (statement.period_start, statement.period_end) == (start, end)
