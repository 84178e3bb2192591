"""Server-side cleaning of the rich-text product description.

Sellers paste HTML from editors and other shops; shoppers' browsers must never run
any of it. ``nh3`` (the Rust ammonia sanitiser) keeps an allow-list of formatting
tags and attributes and drops everything else: scripts with their content, event
handler attributes (``onerror``), and URLs whose scheme is not http(s) or mailto
(``javascript:``).
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "div", "span", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s",
    "ul", "ol", "li", "blockquote", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template"}


def clean_description(html: str) -> str:
    """Return ``html`` with only safe formatting left."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()
