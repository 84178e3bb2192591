"""What the payment page's buttons and bulk actions do: one service call each, with a message.

A refusal (a settled payment asked about, a refund the provider refuses again) is
shown as the message and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from orders.admin.common import payment_method_label, run_service
from orders.models import Refund
from payments import services
from payments.admin.common import intent_label
from payments.models import UNSETTLED, PaymentEvent, PaymentIntent
from payments.providers.base import ProviderError, ProviderOutcomeUnknownError
from payments.services.refunds import key_for
from shop.money import format_krw

REFUND_KINDS = [
    PaymentEvent.Kind.REFUND_REQUEST,
    PaymentEvent.Kind.REFUND,
    PaymentEvent.Kind.REFUND_FAILURE,
]


def reconcile(request: HttpRequest, intent: PaymentIntent) -> None:
    """Ask the provider about one unsettled payment and say what came of it."""
    label = intent_label(intent)
    provider = payment_method_label(intent.provider)
    if intent.status not in UNSETTLED:
        messages.error(
            request,
            gettext(
                "%(payment)s: it is “%(status)s”, settled already; only a payment whose outcome "
                "is still open is asked about."
            )
            % {"payment": label, "status": intent.get_status_display()},
        )
        return
    before = (intent.status, intent.last_synced_at)
    answer: dict[str, PaymentIntent] = {}

    def ask() -> None:
        answer["intent"] = services.reconcile_payment(
            intent_id=intent.pk, source=PaymentEvent.Source.ADMIN
        )

    try:
        asked = run_service(request, label, ask)
    except (ProviderError, ProviderOutcomeUnknownError) as failure:
        messages.error(
            request,
            gettext("%(payment)s: %(provider)s did not answer (%(error)s). Try again later.")
            % {"payment": label, "provider": provider, "error": failure},
        )
        return
    if not asked:
        return
    now = answer["intent"]
    if now.status != before[0]:
        messages.success(
            request,
            gettext("%(payment)s: asked %(provider)s; the payment is now “%(status)s”.")
            % {"payment": label, "provider": provider, "status": now.get_status_display()},
        )
    elif now.last_synced_at != before[1]:
        messages.info(
            request,
            gettext("%(payment)s: asked %(provider)s; the payment is still “%(status)s”.")
            % {"payment": label, "provider": provider, "status": now.get_status_display()},
        )
    else:
        messages.warning(
            request,
            gettext(
                "%(payment)s: a request is confirming this payment right now; "
                "ask again in a few minutes."
            )
            % {"payment": label},
        )


def refunds_of(intent: PaymentIntent) -> list[dict[str, Any]]:
    """The order's refunds with the ledger's last word on each, in two queries.

    A refund is "failed" when it is still requested and the last ledger line of its key
    is the provider's refusal: retrying it is then safe, nothing is in flight.
    """
    if not intent.order_id:
        return []
    refunds = list(Refund.objects.filter(order_id=intent.order_id).order_by("pk"))
    if not refunds:
        return []
    keys = {key_for(refund.pk): refund for refund in refunds}
    last: dict[str, PaymentEvent] = {}
    for event in intent.events.filter(kind__in=REFUND_KINDS, idempotency_key__in=keys).order_by(
        "pk"
    ):
        last[event.idempotency_key] = event
    rows = []
    for key, refund in keys.items():
        event = last.get(key)
        rows.append(
            {
                "refund": refund,
                "amount": format_krw(refund.amount),
                "url": reverse("admin:orders_refund_change", args=[refund.pk]),
                "last": event,
                "failed": refund.status == Refund.Status.REQUESTED
                and event is not None
                and event.kind == PaymentEvent.Kind.REFUND_FAILURE,
            }
        )
    return rows


def retry_refund(request: HttpRequest, intent: PaymentIntent, refund: Refund) -> None:
    """Ask the provider again for a refund it refused, and say what came of it."""
    label = gettext("%(refund)s of order %(number)s") % {
        "refund": refund,
        "number": intent.order.number,
    }
    provider = payment_method_label(intent.provider)
    try:
        if not run_service(
            request, label, lambda: services.refund_order_refund(refund_id=refund.pk)
        ):
            return
    except ProviderOutcomeUnknownError:
        messages.warning(
            request,
            gettext(
                "%(refund)s: %(provider)s did not answer; the refund is asked again "
                "automatically, with the same key."
            )
            % {"refund": label, "provider": provider},
        )
        return
    refund.refresh_from_db(fields=["status"])
    if refund.status == Refund.Status.COMPLETED:
        messages.success(
            request,
            gettext("%(refund)s: refunded at %(provider)s.")
            % {"refund": label, "provider": provider},
        )
        return
    refusal = (
        intent.events.filter(
            kind=PaymentEvent.Kind.REFUND_FAILURE, idempotency_key=key_for(refund.pk)
        )
        .order_by("-pk")
        .values_list("note", flat=True)
        .first()
    )
    messages.error(
        request,
        gettext("%(refund)s: %(provider)s refused the refund again: %(reason)s")
        % {"refund": label, "provider": provider, "reason": refusal or "-"},
    )
