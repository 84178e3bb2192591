"""Optional error tracking with Sentry, started from the settings when ``SENTRY_DSN`` is set.

Personal data stays out (``send_default_pii=False``: no cookies, no user, no client IP);
performance tracing is off unless ``SENTRY_TRACES_SAMPLE_RATE`` asks for it.
"""

from __future__ import annotations


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
    )
