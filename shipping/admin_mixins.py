"""What the platform admin and the seller center share for shipping pages.

Saving or deleting a policy on either site goes through ``shipping.services`` (one
transaction, one audit event with before/after values); the pages only choose who
may act for which vendor.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shipping import engine, selectors, services
from shipping.exceptions import ShippingError
from shipping.forms import ShippingPolicyForm, ZoneInlineFormSet
from shipping.models import OverseasRate, OverseasZone, ShippingFeeTier, ShippingPolicy
from shop.money import format_krw

# Sample destinations of the quote preview: Seoul, Jeju city, Ulleung island.
PREVIEW_DESTINATIONS = [
    (_("Seoul"), engine.Destination("KR", "04524")),
    (_("Jeju"), engine.Destination("KR", "63100")),
    (_("Ulleung island"), engine.Destination("KR", "40230")),
]
PREVIEW_WEIGHT_GRAMS = 1000


class ShippingPolicyAdminMixin:
    """List, form layout and the quote preview of a policy page."""

    form = ShippingPolicyForm
    list_display = [
        "name",
        "fee_type",
        "base_fee",
        "free_threshold",
        "payer",
        "is_default",
        "active",
        "ships_overseas",
    ]
    list_filter = ["fee_type", "payer", "active", "ships_overseas"]
    search_fields = ["name"]
    readonly_fields = ["quote_preview"]
    fieldsets = [
        (None, {"fields": ["name", "active", "is_default"]}),
        (
            _("Fee"),
            {
                "fields": [
                    "fee_type",
                    "base_fee",
                    "free_threshold",
                    "per_quantity_unit",
                    "payer",
                    "bundlable",
                ],
                "description": _(
                    "Amount tiers are set below. The free shipping threshold counts the "
                    "items of this vendor shipped together under this policy."
                ),
            },
        ),
        (
            _("Remote areas (도서산간)"),
            {
                "fields": ["jeju_surcharge", "island_surcharge"],
                "description": _("Added per parcel, even when the base fee is waived."),
            },
        ),
        (_("Returns and exchanges"), {"fields": ["return_fee", "exchange_fee"]}),
        (_("Overseas"), {"fields": ["ships_overseas"]}),
        (_("Preview"), {"fields": ["quote_preview"]}),
    ]

    @admin.display(description=_("quote preview"))
    def quote_preview(self, obj: ShippingPolicy | None) -> str:
        if obj is None or obj.pk is None:
            return gettext("Save the policy to preview its quotes.")
        policy = selectors.with_rules(ShippingPolicy.objects.filter(pk=obj.pk)).get()
        return render_to_string("shipping/admin/quote_preview.html", {"rows": preview_rows(policy)})


def preview_rows(policy: ShippingPolicy) -> list[dict[str, Any]]:
    """Return sample quotes of ``policy`` as stored: a few carts sent to a few places."""
    snapshot = selectors.snapshot_of(policy)
    amounts = [Decimal(10000)]
    if policy.free_threshold:
        amounts.append(policy.free_threshold)
    amounts += [tier.min_amount for tier in policy.tiers.all() if tier.min_amount not in amounts]
    cases = [
        (amount, label, destination)
        for amount in amounts
        for label, destination in PREVIEW_DESTINATIONS
    ]
    cases += [
        (amounts[0], f"{zone.name} ({code})", engine.Destination(code))
        for zone in snapshot.zones
        for code in sorted(zone.countries)[:1]
    ]
    return [preview_row(snapshot, *case) for case in cases]


def preview_row(
    snapshot: engine.PolicySnapshot, amount: Decimal, label: str, destination: engine.Destination
) -> dict[str, Any]:
    line = engine.Line(
        line_id="preview",
        vendor_id=snapshot.vendor_id,
        policy=snapshot,
        unit_price=amount,
        quantity=1,
        weight_grams=PREVIEW_WEIGHT_GRAMS,
    )
    row: dict[str, Any] = {"amount": format_krw(amount), "destination": label}
    areas = (
        selectors.remote_areas_containing(destination.postcode) if destination.is_domestic else []
    )
    try:
        group = engine.quote([line], destination, remote_areas=areas).groups[0]
    except ShippingError as error:
        row["error"] = error.message
        return row
    row.update(
        fee=format_krw(group.fee),
        payable_now=format_krw(group.payable_now),
        breakdown=[
            (item.label, "" if item.amount is None else format_krw(item.amount))
            for item in group.breakdown
        ],
    )
    return row


def policy_values(form: Any) -> dict[str, Any]:
    """Return the policy fields the form edited, for the services."""
    return {
        name: form.cleaned_data[name]
        for name in ShippingPolicy.AUDITED_FIELDS
        if name in form.cleaned_data
    }


def save_policy(obj: ShippingPolicy, form: Any, *, change: bool, vendor_id: int) -> None:
    """Save the policy page's form through the services; ``obj`` becomes the stored row."""
    values = policy_values(form)
    if change:
        services.update_policy(policy_id=obj.pk, vendor_id=vendor_id, **values)
        return
    policy = services.create_policy(vendor_id=vendor_id, **values)
    # The inline formsets hold ``obj``: give it the new row's identity so they attach to it.
    obj.pk = policy.pk
    obj._state.adding = False
    obj._state.db = policy._state.db


TIER_FIELDS = ["min_amount", "fee"]
ZONE_FIELDS = ["name", "countries"]
RATE_FIELDS = ["max_weight_grams", "fee"]


class TierInlineMixin:
    model = ShippingFeeTier
    fields = TIER_FIELDS
    extra = 0
    verbose_name_plural = _("amount tiers (used by the 'fee by amount tiers' type)")


class ZoneInlineMixin:
    model = OverseasZone
    formset = ZoneInlineFormSet
    fields = ZONE_FIELDS
    extra = 0
    show_change_link = True  # weight rates are edited on the zone's own page


class RateInlineMixin:
    model = OverseasRate
    fields = RATE_FIELDS
    extra = 1
