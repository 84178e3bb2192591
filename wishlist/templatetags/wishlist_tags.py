"""``{% product_wished as wished %}``: whether the visitor wished the product of this page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from wishlist import selectors

register = template.Library()


@dataclass(frozen=True)
class Wished:
    product_id: int
    on: bool


@register.simple_tag(takes_context=True)
def product_wished(context: template.Context) -> Wished | None:
    """The heart's state, from the product id in the URL (per-visitor parts see no page context)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    product_id = match.kwargs.get("pk") if match is not None else None
    if product_id is None:
        return None
    user = request.user
    return Wished(
        int(product_id), bool(user.is_authenticated and selectors.is_wished(user, int(product_id)))
    )


@register.simple_tag(takes_context=True)
def wished_product_ids(context: template.Context) -> list[int]:
    """The visitor's wished product ids (newest 500), for the listing cards' hearts."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return selectors.wished_product_ids(user)
