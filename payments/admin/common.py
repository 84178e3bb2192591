"""What the payments pages share: money in its currency, folded JSON, links, read-only rows."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.admin.common import TransitionOnlyMixin, payment_method_label
from payments.models import PaymentIntent
from payments.providers.http import redact
from payments.providers.registry import provider_codes
from shop.admin import AuditedModelAdmin
from shop.money import CURRENCY_DECIMALS, format_krw, quantize

# --- Display helpers --------------------------------------------------------------------------


def money(value: Any, currency: str) -> str:
    """``12,000원`` for won, ``12.34 USD`` for a currency with cents."""
    if value is None:
        return "-"
    if currency == "KRW":
        return format_krw(value)
    places = CURRENCY_DECIMALS.get(currency, 2)
    amount = quantize(value, currency) if currency in CURRENCY_DECIMALS else Decimal(value)
    return f"{amount:,.{places}f} {currency}"


def pretty_json(value: Any) -> str:
    """The (already redacted) JSON of a call, folded so that a long ledger stays readable."""
    if not value:
        return "-"
    text = json.dumps(redact(value), ensure_ascii=False, indent=2, sort_keys=True, default=str)
    summary = gettext("%(count)d fields") % {"count": len(value)} if isinstance(value, dict) else ""
    return format_html(
        "<details><summary>{}</summary><pre style='white-space:pre-wrap;max-width:40em'>{}</pre>"
        "</details>",
        summary or gettext("show"),
        text,
    )


def intent_label(intent: PaymentIntent) -> str:
    number = intent.order.number if intent.order_id else "-"
    return gettext("Payment %(reference)s of order %(number)s") % {
        "reference": str(intent.public_id)[:8],
        "number": number,
    }


def order_link(order: Any) -> str:
    if order is None:
        return "-"
    url = reverse("admin:orders_order_change", args=[order.pk])
    return format_html('<a href="{}">{}</a>', url, order.number)


def member_link(user: Any) -> str:
    if user is None:
        return gettext("Guest")
    url = reverse(f"admin:{user._meta.app_label}_{user._meta.model_name}_change", args=[user.pk])
    return format_html('<a href="{}">{}</a>', url, str(user))


class ProviderFilter(admin.SimpleListFilter):
    """The providers offered now, by their label."""

    title = _("provider")
    parameter_name = "provider"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(code, payment_method_label(code)) for code in provider_codes()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(provider=self.value()) if self.value() else queryset


class ReadOnlyAdmin(TransitionOnlyMixin, AuditedModelAdmin):
    """Rows written by the services only; staff look, and press the buttons they are given."""
