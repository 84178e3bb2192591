"""Exchange rates for providers that do not take KRW (PayPal): quote once, convert once.

A quote says how many won one unit of the currency costs, where that number came from
and when it was read. The services fix it on the intent when they create it, so the
amount sent to the provider, refunds and the audit all use that one rate, never a
fresher one and never one the browser sent.

The rate comes from ``settings.PAYPAL_FX_RATE_URL`` (a GET answering JSON
``{"rate": "1380.5"}``; ``{currency}`` in the URL is replaced by the currency code),
cached for ``CACHE_SECONDS``, or, when no URL is configured, from
``settings.PAYPAL_FX_RATE``. A configured source that cannot be read refuses the
payment (``ProviderError("fx_unavailable")``): a stale or guessed rate would charge the
buyer a wrong amount.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from payments.providers import http
from payments.providers.base import Exchange, ProviderError, ProviderOutcomeUnknownError, Recorder
from shop.money import DEFAULT_CURRENCY, quantize, to_decimal

CACHE_SECONDS = 10 * 60
SETTINGS_SOURCE = "settings.PAYPAL_FX_RATE"


@dataclass(frozen=True)
class FxQuote:
    """``rate`` won per one unit of ``currency``, read from ``source`` at ``at``."""

    rate: Decimal
    source: str
    at: datetime
    currency: str = "USD"


def _ignore(exchange: Exchange) -> None:
    """Drop the record of a rate fetch when the caller keeps no ledger."""


def rate_for(currency: str, *, record: Recorder = _ignore) -> FxQuote:
    """Return the current quote for ``currency``; raise ``ProviderError("fx_unavailable")``.

    Reads the configured rate source at most once per ``CACHE_SECONDS`` per currency
    (the Django cache is shared by the web processes); ``record`` receives the HTTP
    exchange of a fetch, for the payment's ledger.
    """
    currency = currency.upper()
    if currency == DEFAULT_CURRENCY:
        return FxQuote(rate=Decimal(1), source="identity", at=timezone.now(), currency=currency)
    url = settings.PAYPAL_FX_RATE_URL
    if not url:
        return FxQuote(
            rate=_valid_rate(settings.PAYPAL_FX_RATE, SETTINGS_SOURCE),
            source=SETTINGS_SOURCE,
            at=timezone.now(),
            currency=currency,
        )
    url = url.replace("{currency}", currency)
    key = "payments:fx:" + hashlib.sha256(f"{currency}|{url}".encode()).hexdigest()[:24]
    cached = cache.get(key)
    if cached:
        return FxQuote(
            rate=Decimal(cached["rate"]),
            source=cached["source"],
            at=datetime.fromisoformat(cached["at"]),
            currency=currency,
        )
    quote = _fetch(url, currency, record)
    cache.set(
        key,
        {"rate": str(quote.rate), "source": quote.source, "at": quote.at.isoformat()},
        CACHE_SECONDS,
    )
    return quote


def convert(krw: Decimal | int | str, quote: FxQuote) -> Decimal:
    """Return ``krw`` won in the quote's currency, rounded half up to its minor unit."""
    return quantize(to_decimal(krw) / quote.rate, quote.currency)


def _fetch(url: str, currency: str, record: Recorder) -> FxQuote:
    source = _without_query(url)

    def record_without_query(exchange: Exchange) -> None:
        record(replace(exchange, url=source))

    try:
        response = http.call(
            operation="fx_rate", method="GET", url=url, record=record_without_query
        )
    except (ProviderError, ProviderOutcomeUnknownError) as failure:
        raise ProviderError("fx_unavailable", f"{source}: {failure}", retryable=True) from failure
    if response.status_code != 200:
        raise ProviderError(
            "fx_unavailable", f"{source} answered HTTP {response.status_code}", retryable=True
        )
    try:
        body = json.loads(response.content, parse_float=Decimal)
    except ValueError as failure:
        raise ProviderError("fx_unavailable", f"{source} did not answer JSON") from failure
    raw = body.get("rate") if isinstance(body, dict) else None
    return FxQuote(
        rate=_valid_rate(raw, source), source=source, at=timezone.now(), currency=currency
    )


def _valid_rate(raw: object, source: str) -> Decimal:
    try:
        rate = to_decimal(raw)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError) as failure:
        raise ProviderError("fx_unavailable", f"{source} gave no usable rate") from failure
    if rate <= 0:
        raise ProviderError("fx_unavailable", f"{source} gave a rate that is not positive")
    return rate


def _without_query(url: str) -> str:
    """Name the source without its query string, which may carry an API key."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
