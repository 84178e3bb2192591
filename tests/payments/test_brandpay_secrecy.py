"""A saved method's token never leaves the provider calls, and is unreadable at rest.

After a registration, a one-click charge and a removal through the storefront, the
token (KakaoPay SID, NaverPay recurrentId) is looked for everywhere it could leak: every
response body (my page, checkout, complete page, the API), the templates, every log
record, the audit log and its payloads, the Celery task arguments, the payment ledger
and the intents' own fields, the e-mails sent, and the admin pages if payments has any.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from celery.signals import before_task_publish, task_prerun
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings as django_settings
from django.contrib import admin
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from orders.models import Order
from payments import crypto
from payments.emulators import state
from payments.models import PaymentEvent, PaymentIntent, StoredPaymentMethod
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.orders.helpers import variant_of
from tests.orders.test_views_checkout import fill_cart, place, review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url


class RecordingClient(Client):
    """A test client that keeps the body of every response it received."""

    def __init__(self, **defaults):
        super().__init__(**defaults)
        self.bodies: list[str] = []

    def request(self, **request):
        response = super().request(**request)
        if not getattr(response, "streaming", False):
            self.bodies.append(response.content.decode("utf-8", "replace"))
        self.bodies.extend(f"{name}: {value}" for name, value in response.items())
        return response


@pytest.fixture
def task_arguments():
    """The arguments of every Celery task sent or run while the test runs."""
    seen: list[object] = []

    def published(sender=None, body=None, headers=None, **_kwargs):
        seen.append({"task": sender, "body": body, "argsrepr": (headers or {}).get("argsrepr")})

    def ran(sender=None, task_id=None, task=None, args=None, kwargs=None, **_kwargs):
        seen.append({"task": getattr(task, "name", sender), "args": args, "kwargs": kwargs})

    before_task_publish.connect(published, weak=False)
    task_prerun.connect(ran, weak=False)
    yield seen
    before_task_publish.disconnect(published)
    task_prerun.disconnect(ran)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def rows(queryset) -> str:
    return json.dumps(list(queryset.values()), default=str, ensure_ascii=False)


def admin_pages(client: Client) -> list[str]:
    """Every admin list and change page of payments' models that are registered."""
    visited = []
    for model in (StoredPaymentMethod, PaymentIntent, PaymentEvent):
        if not admin.site.is_registered(model):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        visited.append(reverse("admin:{}_{}_changelist".format(*info)))
        for pk in model.objects.values_list("pk", flat=True):
            visited.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
    for url in visited:
        assert client.get(url).status_code == 200, url
    return visited


@pytest.mark.parametrize("provider", ["kakaopay", "naverpay"])
def test_the_token_appears_nowhere_after_saving_paying_and_removing(
    request, provider, caplog, task_arguments
) -> None:
    emulator = request.getfixturevalue(f"{provider}_emulator")
    caplog.set_level(logging.DEBUG)
    member = UserFactory(email="regular@example.com", is_staff=True, is_superuser=True)
    client = RecordingClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)

    # 1. Save a method in my page through the provider's registration.
    client.get(reverse("payments:methods"))
    to_provider = client.post(reverse("payments:add_method", args=[provider]))
    back = emulator.buyer(to_provider["Location"], "approve")
    assert client.get(path_of(back))["Location"] == reverse("payments:methods")
    client.get(reverse("payments:methods"))
    method = StoredPaymentMethod.objects.get()
    token = crypto.decrypt(method.token_ciphertext)
    assert token  # the provider issued one: the search below is for something real
    kind = "sid" if provider == "kakaopay" else "recurrent"
    assert state.load(provider, kind, token) is not None

    # 2. Pay an order in one click; look at checkout, the complete page and the API.
    fill_cart(client, variant_of(price=15000))
    placed = place(client, review(client), payment_method=f"brandpay:{method.pk}")
    complete = client.get(placed["Location"])["Location"]
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    client.get(complete)
    client.get(reverse("orders:my_orders"))
    client.get(f"/api/v1/orders/{order.number}/")
    client.get("/api/v1/orders/")
    fill_cart(client, variant_of(price=9000))
    client.get(reverse("orders:checkout"))  # the saved method offered again, by its label
    client.get("/api/v1/cart/")
    visited_admin = admin_pages(client)

    # 3. Remove it: deactivated at the provider by the task.
    client.post(reverse("payments:remove_method", args=[method.pk]))
    client.get(reverse("payments:methods"))
    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.INACTIVE
    deactivations = [seen for seen in task_arguments if "deactivate_method" in str(seen["task"])]
    assert deactivations, "the removal went through the Celery task"
    assert all(
        list(seen.get("args") or []) == [method.pk] for seen in deactivations if "args" in seen
    )

    templates = [
        path.read_text(encoding="utf-8")
        for path in (Path(django_settings.BASE_DIR) / "templates").rglob("*.html")
    ]
    logs = [
        "\n".join(
            [record.getMessage(), repr(record.args), record.exc_text or "", repr(record.__dict__)]
        )
        for record in caplog.records
    ]
    places = {
        "response bodies and headers": "\n".join(client.bodies),
        "templates": "\n".join(templates),
        "log records": "\n".join(logs),
        "audit log": rows(AuditEvent.objects.all()),
        "task arguments": json.dumps(task_arguments, default=str),
        "ledger": rows(PaymentEvent.objects.all()),
        "intents": rows(PaymentIntent.objects.all()),
        "e-mails": "\n".join(f"{m.subject}\n{m.body}\n{m.alternatives}" for m in mail.outbox),
    }
    assert len(client.bodies) > 20
    assert caplog.records, "the run logged something to look through"
    assert AuditEvent.objects.filter(event_type="payments.PaymentMethodSaved").exists()
    assert PaymentEvent.objects.filter(kind=PaymentEvent.Kind.CALL).count() >= 2
    for where, text in places.items():
        assert token not in text, f"the {provider} token leaked into the {where}"
    # What is shown is the masked label, in my page and at checkout.
    assert method.label in places["response bodies and headers"]
    assert "token_ciphertext" not in places["templates"]
    if visited_admin:
        assert method.token_ciphertext not in places["response bodies and headers"]


def test_the_token_column_holds_ciphertext_only_the_token_key_opens(
    settings, kakaopay_emulator
) -> None:
    member = UserFactory(email="regular@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    to_kakaopay = client.post(reverse("payments:add_method", args=["kakaopay"]))
    client.get(path_of(kakaopay_emulator.buyer(to_kakaopay["Location"], "approve")))
    method = StoredPaymentMethod.objects.get()
    sid = crypto.decrypt(method.token_ciphertext)

    assert StoredPaymentMethod._meta.db_table == "payments_storedpaymentmethod"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token_ciphertext FROM payments_storedpaymentmethod WHERE id = %s", [method.pk]
        )
        (stored,) = cursor.fetchone()
    assert stored == method.token_ciphertext
    assert sid not in stored
    assert crypto.decrypt(stored) == sid  # PAYMENTS_TOKEN_KEY opens it

    # Any other key cannot: a fresh one, and SECRET_KEY (the keys are separate).
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(stored.encode())
    with pytest.raises(InvalidToken):
        Fernet(crypto._fernet_key(settings.SECRET_KEY)).decrypt(stored.encode())
    settings.PAYMENTS_TOKEN_KEY = Fernet.generate_key().decode()
    with pytest.raises(ValueError, match="cannot be decrypted"):
        crypto.decrypt(stored)
