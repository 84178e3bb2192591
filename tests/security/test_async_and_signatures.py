"""Celery's delivery guarantees as configured, and signatures compared in constant time.

ASYNC-03: a task whose worker dies is delivered again (acks late, rejected on worker
loss, one task prefetched), which the listeners' dedupe tables then make harmless.
ASYNC-05: no retry waits as long as Redis's visibility timeout, after which Redis would
hand the waiting task to a second worker. WH-02: every signature, digest or token
comparison of the app goes through ``hmac.compare_digest``, never ``==``.
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest
from django.conf import settings

from shop.celery import app as celery_app
from shop.webhooks import signing

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "catalog",
    "notifications",
    "orders",
    "payments",
    "promotions",
    "reviews",
    "shipping",
    "shop",
    "vendors",
    "wishlist",
]
SECRET_WORDS = ("signature", "sig", "digest", "hmac", "mac", "token")


def test_a_task_is_acknowledged_only_after_it_ran_and_redelivered_if_its_worker_died() -> None:
    conf = celery_app.conf

    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1  # a dying worker holds one task, not four


def test_no_retry_waits_as_long_as_the_brokers_visibility_timeout() -> None:
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    celery_app.loader.import_default_modules()

    waits = {
        name: task.retry_backoff_max
        for name, task in celery_app.tasks.items()
        if getattr(task, "retry_backoff", False) and not name.startswith("celery.")
    }

    assert waits, "no task retries with backoff: this check checks nothing"
    assert {name: wait for name, wait in waits.items() if wait * 2 > visibility} == {}
    assert visibility >= settings.CELERY_TASK_TIME_LIMIT * 2  # a running task is never re-sent


def _compared_secrets(tree: ast.AST) -> list[int]:
    """Lines where ``==``/``!=`` compares something named like a signature or a token."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            continue
        names = [part.lower() for side in [node.left, *node.comparators] for part in _names(side)]
        if any(word in name.split("_") for name in names for word in SECRET_WORDS):
            lines.append(node.lineno)
    return lines


def _names(node: ast.AST) -> list[str]:
    return [
        child.id if isinstance(child, ast.Name) else child.attr
        for child in ast.walk(node)
        if isinstance(child, ast.Name | ast.Attribute)
    ]


# Comparisons of values that are named like secrets but are not: (file, code on the line).
NOT_SECRETS = {
    # A fingerprint of the generated demo catalogue, to skip regenerating it.
    ("catalog/management/commands/generate_catalog.py", "_current_signature() == signature"),
    # The cart token is a digest of what the shopper reviewed, to spot a changed cart.
    ("orders/services/placement.py", "str(cart_token) != view.token"),
    # PayPal's order id comes back in the return URL: public, only checked to match.
    ("payments/providers/paypal.py", "token != order_id"),
}


def test_no_signature_or_token_is_compared_with_equals() -> None:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            name = str(path.relative_to(ROOT))
            lines = [
                number
                for number in _compared_secrets(ast.parse(source))
                if not any(
                    name == allowed and code in source.splitlines()[number - 1]
                    for allowed, code in NOT_SECRETS
                )
            ]
            if lines:
                found[name] = lines

    assert found == {}


def test_the_lint_above_would_see_a_signature_compared_with_equals() -> None:
    bad = ast.parse("def check(expected_signature, sig):\n    return expected_signature == sig\n")
    good = ast.parse("import hmac\nhmac.compare_digest(expected_signature, sig)\n")

    assert _compared_secrets(bad) == [2]
    assert _compared_secrets(good) == []


@pytest.mark.parametrize("position", [0, 63])
def test_a_signature_one_character_off_is_refused_over_the_raw_bytes(position) -> None:
    body = b'{"event": "order.paid", "amount": 10000}'
    now = int(time.time())
    header = signing.sign("whsec_test", now, body)
    signature = header.rsplit("v1=", 1)[-1]
    off = signature[:position] + ("0" if signature[position] != "0" else "1")
    forged = header.replace(signature, off + signature[position + 1 :])

    assert signing.verify("whsec_test", header, body)
    assert not signing.verify("whsec_test", forged, body)
    assert not signing.verify("whsec_test", header, body + b" ")  # the bytes, not the JSON
    assert not signing.verify("another-secret", header, body)
