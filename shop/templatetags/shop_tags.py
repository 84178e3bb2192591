"""Template helpers of every storefront page: ``{% load shop_tags %}``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from shop import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def per_visitor(context: template.Context, template_name: str) -> SafeString:
    """``{% per_visitor "partials/messages.html" %}``: a part of the page that is the visitor's own.

    Whatever shows who the visitor is (name, cart, messages) goes in such a part, so a
    page kept whole by ``shop.pagecache`` is completed per visitor. The part sees the
    request and the context processors only, not the page's context; parts do not nest.
    """
    return pagecache.per_visitor_part(context.get("request"), template_name)


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str) -> SafeString:
    """``{% slot "product_extras" %}``: the blocks plugins registered for this place.

    Each block is a template rendered with this page's context (``shop.plugins``); with
    no plugin installed the tag renders nothing.
    """
    from shop import plugins

    return plugins.render_slot(name, context.flatten())
