"""The product page's shipping fee summary, kept per process under the page cache's generation.

Rendered pages (the page cache off, the read cache on): the summary is read once, and
a policy change shows on the very next request.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shipping.models import ShippingPolicy
from shipping.services import update_policy
from tests.catalog.factories import ProductFactory
from tests.shipping.factories import ShippingPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_rendered(settings):
    settings.CATALOG_CACHE_READS = True
    settings.CATALOG_CACHE_PAGES = False


@pytest.fixture
def product_with_policy():
    product = ProductFactory()
    policy = ShippingPolicyFactory(
        vendor=product.vendor, fee_type=ShippingPolicy.FeeType.FIXED, base_fee=Decimal(3100)
    )
    return reverse("catalog:product", args=[product.pk, product.slug]), policy


def render(client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries]


def policy_reads(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if '"shipping_shippingpolicy"' in sql]


def test_the_summary_is_read_once_and_then_kept(client, product_with_policy) -> None:
    url, _policy = product_with_policy
    page, first = render(client, url)
    assert "3,100원" in page
    assert policy_reads(first)
    page, again = render(client, url)
    assert "3,100원" in page
    assert policy_reads(again) == []


def test_a_policy_change_shows_on_the_next_request(
    client, product_with_policy, django_capture_on_commit_callbacks
) -> None:
    url, policy = product_with_policy
    render(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        update_policy(policy_id=policy.pk, base_fee=Decimal(4700))
    page, _ = render(client, url)
    assert "4,700원" in page
    assert "3,100원" not in page


def test_only_the_change_event_moves_it_on(client, product_with_policy) -> None:
    """The negative control: a write around the services (no event) is not seen, which
    shows the summary above really came from what was kept."""
    url, policy = product_with_policy
    render(client, url)
    ShippingPolicy.objects.filter(pk=policy.pk).update(base_fee=Decimal(5900))
    page, _ = render(client, url)
    assert "3,100원" in page


def test_with_the_read_cache_off_every_page_reads_the_policy(
    client, settings, product_with_policy
) -> None:
    settings.CATALOG_CACHE_READS = False
    url, policy = product_with_policy
    render(client, url)
    ShippingPolicy.objects.filter(pk=policy.pk).update(base_fee=Decimal(5900))
    page, sqls = render(client, url)
    assert "5,900원" in page
    assert policy_reads(sqls)
