"""Rendering template text with the caller's plain values."""

from __future__ import annotations

import re
from typing import Any

from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError

PLACEHOLDER = re.compile(r"#\{([^{}]+)\}")
# Staff edit these texts: only the built-in tags and filters, nothing loaded from apps.
_engine = Engine(autoescape=False, libraries={}, builtins=["django.templatetags.i18n"])


def render_text(source: str, context: dict[str, Any]) -> str:
    """Render Django template text as plain text (e-mail and SMS bodies are not HTML)."""
    if not source:
        return ""
    return _engine.from_string(source).render(Context(context, autoescape=False)).strip()


def fill_placeholders(source: str, context: dict[str, Any]) -> str:
    """Fill Kakao's ``#{name}`` placeholders; an unknown name becomes empty."""
    return PLACEHOLDER.sub(lambda match: str(context.get(match.group(1).strip(), "")), source)


def placeholders(source: str) -> list[str]:
    return [name.strip() for name in PLACEHOLDER.findall(source)]


def check_syntax(source: str) -> str:
    """Return why template text would not render, or ''.

    It is rendered once with no values: ``{% include %}`` and ``{% extends %}`` parse
    fine but fail only when rendered (this engine reads no template files), and a text
    that failed at every send would silently stop that notification.
    """
    try:
        _engine.from_string(source).render(Context({}, autoescape=False))
    except (TemplateSyntaxError, TemplateDoesNotExist) as error:
        return str(error)
    return ""
