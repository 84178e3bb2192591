"""Optional error tracking with Sentry, started from the settings when ``SENTRY_DSN`` is set.

Personal data stays out (``send_default_pii=False``: no cookies, no user, no client IP),
and every report and breadcrumb is masked like a log line before it leaves (``scrub_event``:
tokens, billing keys, card numbers, phone numbers); performance tracing is off unless
``SENTRY_TRACES_SAMPLE_RATE`` asks for it.
"""

from __future__ import annotations

from typing import Any

from shop.dlp import REDACTED, mask_log_text

# Request parts an error report never carries, whatever the SDK's defaults become.
DROPPED_HEADERS = {"authorization", "cookie", "x-csrftoken", "x-naver-client-secret"}


def init_sentry(*, dsn: str, environment: str | None, traces_sample_rate: float) -> None:
    """Start the Sentry SDK with the Django and Celery integrations."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        # Stack frames' local variables may hold a provider's token or a decrypted
        # saved-payment token; error reports carry the traceback without them.
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )


def scrub(value: Any) -> Any:
    """Return ``value`` with every string masked like a log line (tokens, cards, phones)."""
    if isinstance(value, str):
        return mask_log_text(value)
    if isinstance(value, dict):
        return {
            key: REDACTED if str(key).lower() in DROPPED_HEADERS else scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def scrub_event(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's ``before_send``: the error report goes out with its secrets masked (PRIV-05)."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)  # a form or JSON body may hold a password or a card number
    return scrub(event)


def scrub_breadcrumb(crumb: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    return scrub(crumb)
