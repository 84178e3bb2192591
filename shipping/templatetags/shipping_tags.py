"""Template tags other apps' pages load by name: ``{% load shipping_tags %}``.

The catalog never imports shipping (they are sibling apps), so the product page asks
for its shipping fee summary through this tag with the ids it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django import template
from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shipping.models import ShippingPolicy
from shop import pagecache
from shop.money import format_krw

register = template.Library()

SUMMARIES_KEPT = 1024  # fee summaries per process, least recently used out

SUMMARY_FIELDS = (
    "id",
    "vendor_id",
    "name",
    "fee_type",
    "base_fee",
    "free_threshold",
    "per_quantity_unit",
    "payer",
    "bundlable",
    "jeju_surcharge",
    "island_surcharge",
    "return_fee",
    "exchange_fee",
    "ships_overseas",
)


@dataclass
class PolicySummary:
    """A shipping policy in shoppers' words: a headline fee and the details below it."""

    headline: str
    details: list[str] = field(default_factory=list)
    cash_on_delivery: bool = False


def policy_for(*, policy_id: int | None, vendor_id: int) -> ShippingPolicy | None:
    """Return the product's own active policy of its vendor, else the vendor's default: one query."""
    condition = Q(vendor_id=vendor_id, is_default=True)
    if policy_id:
        condition |= Q(pk=policy_id, vendor_id=vendor_id, active=True)
    named_first = Case(
        When(pk=policy_id or 0, then=Value(0)), default=1, output_field=IntegerField()
    )
    return (
        ShippingPolicy.objects.filter(condition)
        .only(*SUMMARY_FIELDS)
        .order_by(named_first, "id")
        .first()
    )


def summarize(policy: ShippingPolicy) -> PolicySummary:
    """Describe ``policy``; amount tiers are read only for a tiered policy (one more query)."""
    fee_type = ShippingPolicy.FeeType
    base = format_krw(policy.base_fee)
    details: list[str] = []
    if policy.fee_type == fee_type.FREE:
        headline = _("Free shipping")
    elif policy.fee_type == fee_type.CONDITIONAL_FREE:
        headline = _("Shipping %(fee)s") % {"fee": base}
        details.append(
            _("Free shipping on orders of %(amount)s or more")
            % {"amount": format_krw(policy.free_threshold or Decimal(0))}
        )
    elif policy.fee_type == fee_type.PER_QUANTITY:
        headline = _("Shipping %(fee)s") % {"fee": base}
        details.append(_("Charged per %(count)s items") % {"count": policy.per_quantity_unit or 1})
    elif policy.fee_type == fee_type.AMOUNT_TIERS:
        headline = _("Shipping fee by order amount")
        details.extend(
            _("%(amount)s or more: %(fee)s")
            % {"amount": format_krw(tier.min_amount), "fee": format_krw(tier.fee)}
            for tier in policy.tiers.order_by("min_amount")
        )
    else:
        headline = _("Shipping %(fee)s") % {"fee": base}
    cod = policy.payer == ShippingPolicy.Payer.CASH_ON_DELIVERY
    if cod:
        details.append(_("Paid to the carrier on delivery (착불)"))
    if policy.bundlable:
        details.append(_("Ships together with this seller's other items (묶음배송)"))
    if policy.jeju_surcharge:
        details.append(_("Jeju: %(fee)s extra") % {"fee": format_krw(policy.jeju_surcharge)})
    if policy.island_surcharge:
        details.append(
            _("Islands and mountain areas: %(fee)s extra")
            % {"fee": format_krw(policy.island_surcharge)}
        )
    if policy.return_fee:
        details.append(_("Return fee %(fee)s") % {"fee": format_krw(policy.return_fee)})
    if policy.exchange_fee:
        details.append(_("Exchange fee %(fee)s") % {"fee": format_krw(policy.exchange_fee)})
    if policy.ships_overseas:
        details.append(_("Ships overseas"))
    return PolicySummary(headline=headline, details=details, cash_on_delivery=cod)


@register.simple_tag
def shipping_summary(policy_id: int | None, vendor_id: int) -> PolicySummary | None:
    """``{% shipping_summary product.shipping_policy_id product.vendor_id as shipping %}``.

    None when the vendor has no policy at all (the page then shows nothing rather than
    a fee it cannot vouch for). Kept in the process under the page cache's generation,
    which ``shipping.listeners`` moves on at every policy change; read fresh each time
    when the storefront's read cache is off or the cache does not answer.
    """
    reads_cached = getattr(settings, "CATALOG_CACHE_READS", True)
    generation = pagecache.generation() if reads_cached else None
    if generation is None:
        return _summary(policy_id, vendor_id)
    return _kept_summary(generation, policy_id, vendor_id, get_language())


def _summary(policy_id: int | None, vendor_id: int) -> PolicySummary | None:
    policy = policy_for(policy_id=policy_id, vendor_id=vendor_id)
    return summarize(policy) if policy is not None else None


@lru_cache(maxsize=SUMMARIES_KEPT)
def _kept_summary(
    generation: str, policy_id: int | None, vendor_id: int, language: str | None
) -> PolicySummary | None:
    # A summary under a generation never changes (a change moves the generation on), so
    # the process keeps it by that and the language its sentences are in; callers never
    # mutate it. This was the product page's one query and a fifth of its CPU.
    return _summary(policy_id, vendor_id)
