"""Checklist rows of degradation under dependency failure (section 5.13, DEG) and ASYNC-04.

Each fault is injected for real: the tests stop and start their own Redis, PostgreSQL,
gunicorn and Celery worker processes, or arm the payment emulator (tests/security/
degradation.py). Faults injected: 8, one per test. Redis is killed 3 times: under
browse, login session, cart and checkout; under the login and coupon-code limiters; and
after tasks were published, losing them. PostgreSQL is stopped once and restarted once
under load. The payment provider is silent twice, before and after approval. The mail
server is down once. Docs: docs/operations.md, "What still works when a dependency fails".
"""

from __future__ import annotations

SEC = "tests/security"
REDIS = f"{SEC}/test_degradation_redis.py"
POSTGRES = f"{SEC}/test_degradation_postgres.py"
PROVIDER = f"{SEC}/test_degradation_provider.py"

ROWS: dict[str, list[str] | str] = {
    "DEG-01": [
        f"{REDIS}::test_with_redis_dead_the_shop_browses_keeps_sessions_places_orders_and_reports_it",
        "tests/shop/test_health.py::test_healthz_fails_when_the_cache_is_unreachable",
    ],
    "DEG-02": [
        f"{REDIS}::test_with_redis_dead_security_limiters_fail_closed_while_browsing_stays_open",
    ],
    "DEG-03": [
        f"{REDIS}::test_with_redis_dead_the_shop_browses_keeps_sessions_places_orders_and_reports_it",
        "tests/shop/test_health.py::test_healthz_fails_when_the_broker_refuses_connections",
    ],
    # Proven: the read timeout, the buyer's try-again message beside the other methods,
    # reconciliation of a payment lost in a timeout, refused connections being "not sent"
    # and retryable, and the circuit breaker (payments/services/breaker.py). Ruff's S113
    # (the "S" rules) flags any requests/httpx call without a timeout.
    "DEG-04": [
        f"{PROVIDER}::test_a_silent_provider_at_checkout_ends_in_time_with_a_clear_try_again_message",
        f"{PROVIDER}::test_a_provider_silent_after_approving_is_reconciled_to_paid_by_the_job",
        "tests/payments/test_core_kakaopay.py::test_a_timeout_after_the_provider_approved_is_reconciled_to_paid",
        "tests/payments/test_kakaopay_client.py::test_a_provider_that_cannot_be_reached_is_unavailable_and_retryable",
        "tests/payments/test_paypal_client.py::test_a_refused_connection_means_not_sent",
        "tests/payments/test_breaker.py::test_after_three_failures_checkout_stops_calling_the_provider_until_it_half_opens",
        "tests/payments/test_breaker.py::test_a_failed_trial_call_opens_the_breaker_again_at_once",
        "tests/payments/test_breaker.py::test_with_the_cache_down_the_breaker_stays_closed",
    ],
    "DEG-05": [
        f"{POSTGRES}::test_a_stopped_database_answers_a_fast_503_and_the_shop_recovers_without_restart",
        f"{POSTGRES}::test_a_restart_under_load_fails_requests_with_503_never_500",
    ],
    "DEG-06": [
        f"{PROVIDER}::test_with_the_mail_server_down_orders_are_placed_and_their_mail_is_kept_for_a_retry",
        "tests/notifications/test_worker.py::test_the_worker_retries_through_the_broker_until_the_provider_answers",
        "tests/notifications/test_phone_channels.py::test_an_unreachable_provider_is_retried_then_the_sms_takes_over",
    ],
    # Scaled to the shared 2-core box: 50 threads instead of Locust (not a dependency),
    # one burst (about 350 requests in 11 s) instead of 60 s. No 5xx, no oversell, one
    # order per success; p50/p95 latency are printed and written to load.json.
    "DEG-07": [
        f"{SEC}/test_degradation_load.py::test_fifty_shoppers_at_once_get_no_5xx_and_never_oversell",
    ],
    "ASYNC-04": [
        f"{REDIS}::test_tasks_lost_with_a_redis_restarted_without_persistence_are_sent_again_from_the_outbox",
    ],
}
