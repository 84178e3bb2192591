"""The product page's reviews, as a tag the catalog's template calls (``{% product_reviews %}``):
the catalog sits below reviews and does not import it; a template may name any tag library."""

from __future__ import annotations

from typing import Any

from django import template

from reviews import selectors

register = template.Library()


@register.inclusion_tag("reviews/_product_reviews.html")
def product_reviews(product: Any) -> dict[str, Any]:
    """The rating summary, the newest reviews and the Q&A placeholder of ``product``."""
    block = selectors.product_reviews(product.id)
    return {"product": product, "summary": block.summary, "reviews": block.reviews}


@register.filter
def stars(rating: Any) -> str:
    """5 -> "★★★★★", 3 -> "★★★☆☆"."""
    count = max(0, min(5, int(rating or 0)))
    return "★" * count + "☆" * (5 - count)
