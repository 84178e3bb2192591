"""Storefront pages kept whole (shop.pagecache): served from the cache, never stale,
never one visitor's page handed to another.

Each test warms the pages first and checks they really come from the cache (the
``X-Page-Cache`` header says ``hit``), so a change seen afterwards is seen through it.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.crypto import get_random_string

from catalog import services
from catalog.models import Product
from shop import pagecache
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def shop_page(db):
    """A product on sale in a category, findable by search, with one variant in stock."""
    category = CategoryFactory(slug="audio", name="Audio")
    product = ProductFactory(name="Earphone Alpha", slug="earphone-alpha", price=Decimal(10000))
    product.categories.add(category)
    variant = VariantFactory(product=product, stock=1, label="Black")
    urls = {
        "home": "/",
        "category": reverse("catalog:category", args=["audio"]),
        "search": reverse("catalog:search") + "?q=Earphone",
        "product": reverse("catalog:product", args=[product.pk, product.slug]),
    }
    return product, variant, urls


def get(client: Client, url: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def warm(client: Client, urls) -> None:
    """Fill the cache and check each page then comes from it."""
    for url in urls:
        get(client, url)
        assert get(client, url)[pagecache.HEADER] == "hit", url


def body(client: Client, url: str) -> str:
    return get(client, url).content.decode()


# --- Served from the cache ----------------------------------------------------------------------


def test_every_storefront_page_is_served_from_the_cache_without_a_query(
    client, shop_page, django_assert_num_queries
) -> None:
    _product, _variant, urls = shop_page
    for url in urls.values():
        assert get(client, url)[pagecache.HEADER] == "miss"
        with django_assert_num_queries(0):
            response = get(client, url)
        assert response[pagecache.HEADER] == "hit"
        assert pagecache.csrf_placeholder() not in response.content.decode()


def test_a_copy_in_the_shared_cache_serves_another_process(
    client, shop_page, django_assert_num_queries
) -> None:
    _product, _variant, urls = shop_page
    get(client, urls["product"])
    pagecache.forget_local()  # another web process: only the shared cache is common
    with django_assert_num_queries(0):
        assert get(client, urls["product"])[pagecache.HEADER] == "hit"


def test_with_the_page_cache_off_every_page_is_rendered(client, shop_page, settings) -> None:
    settings.CATALOG_CACHE_PAGES = False
    _product, _variant, urls = shop_page
    for url in urls.values():
        get(client, url)
        assert pagecache.HEADER not in get(client, url)


def test_with_the_read_cache_off_no_page_is_kept_either(client, shop_page, settings) -> None:
    settings.CATALOG_CACHE_READS = False
    _product, _variant, urls = shop_page
    get(client, urls["home"])
    assert pagecache.HEADER not in get(client, urls["home"])


# --- Never stale --------------------------------------------------------------------------------


def test_a_price_change_shows_at_once_on_every_cached_page(
    client, shop_page, django_capture_on_commit_callbacks
) -> None:
    product, _variant, urls = shop_page
    for url in urls.values():
        assert "10,000원" in body(client, url)
    warm(client, urls.values())
    with django_capture_on_commit_callbacks(execute=True):
        services.change_price(product_id=product.pk, price="12000")
    for url in urls.values():
        page = body(client, url)
        assert "12,000원" in page, url
        assert "10,000원" not in page, url
    api = client.get(reverse("api-product-detail", args=[product.pk])).json()
    assert Decimal(api["price"]) == Decimal(12000)


def test_a_variant_sold_out_shows_at_once_on_every_cached_page(
    client, shop_page, django_capture_on_commit_callbacks
) -> None:
    product, variant, urls = shop_page
    in_stock = urls["category"] + "?in_stock=true"
    assert 'class="product__soldout"' not in body(client, urls["product"])
    assert product.name in body(client, in_stock)
    warm(client, [*urls.values(), in_stock])
    with django_capture_on_commit_callbacks(execute=True):
        services.adjust_stock(variant_id=variant.pk, delta=-1)  # the last one
    page = body(client, urls["product"])
    assert 'class="product__soldout"' in page
    assert "is-soldout" in page or "disabled" in page
    # Sold out leaves the listings (they show what is on sale).
    for url in (urls["home"], urls["category"], urls["search"], in_stock):
        assert product.name not in body(client, url), url


@pytest.mark.parametrize("gone", ["hidden", "deleted"])
def test_a_hidden_or_deleted_product_leaves_every_cached_page_at_once(
    client, shop_page, django_capture_on_commit_callbacks, gone: str
) -> None:
    product, _variant, urls = shop_page
    warm(client, urls.values())
    with django_capture_on_commit_callbacks(execute=True):
        if gone == "hidden":
            services.change_status(product_id=product.pk, status=Product.Status.HIDDEN)
        else:
            services.delete_product(product_id=product.pk)
    assert client.get(urls["product"]).status_code == 404
    for name in ("home", "category", "search"):
        assert product.name not in body(client, urls[name]), name
    assert client.get(reverse("api-product-detail", args=[product.pk])).status_code == 404


def test_a_change_to_another_product_keeps_this_product_page(
    client, shop_page, django_capture_on_commit_callbacks
) -> None:
    """A product page waits for its own product's events: a sale elsewhere keeps it."""
    _product, _variant, urls = shop_page
    other = VariantFactory(stock=5)
    warm(client, [urls["product"], urls["home"]])
    with django_capture_on_commit_callbacks(execute=True):
        services.adjust_stock(variant_id=other.pk, delta=-1)
    assert get(client, urls["product"])[pagecache.HEADER] == "hit"
    assert get(client, urls["home"])[pagecache.HEADER] == "miss"  # listings show any product


def test_a_shipping_policy_change_shows_on_the_cached_product_page(
    client, django_capture_on_commit_callbacks
) -> None:
    from shipping.models import ShippingPolicy
    from shipping.services import update_policy
    from tests.shipping.factories import ShippingPolicyFactory

    product = ProductFactory()
    policy = ShippingPolicyFactory(
        vendor=product.vendor, fee_type=ShippingPolicy.FeeType.FIXED, base_fee=Decimal(3100)
    )
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert "3,100원" in body(client, url)
    warm(client, [url])
    with django_capture_on_commit_callbacks(execute=True):
        update_policy(policy_id=policy.pk, base_fee=Decimal(4700))
    page = body(client, url)
    assert "4,700원" in page
    assert "3,100원" not in page


def test_a_page_built_from_a_product_read_before_its_change_is_never_found(
    client, shop_page, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    """The race of delete-then-refill caches: a request reads the old row, the change
    commits and its listener runs, then the request stores what it read. The copy lies
    under the token read before the change, which the change moved: nobody finds it."""
    from catalog.selectors import product_page as reads

    product, _variant, urls = shop_page
    build = reads._build

    def change_meanwhile(product_id: int):
        page = build(product_id)  # the old price, read from the database
        with django_capture_on_commit_callbacks(execute=True):
            services.change_price(product_id=product.pk, price="15000")
        return page

    monkeypatch.setattr(reads, "_build", change_meanwhile)
    assert "10,000원" in body(client, urls["product"])  # rendered during the change
    monkeypatch.setattr(reads, "_build", build)
    page = body(client, urls["product"])
    assert "15,000원" in page
    assert "10,000원" not in page


# --- One visitor's page is never another's ------------------------------------------------------


def csrf_of(response) -> str:
    tokens = set(CSRF_INPUT.findall(response.content.decode()))
    tokens |= set(re.findall(r'"X-CSRFToken": "([^"]+)"', response.content.decode()))
    assert tokens, "the page carries no CSRF token"
    return tokens.pop() if len(tokens) == 1 else sorted(tokens)[0]


def assert_own_token(client: Client, response) -> None:
    """Every token on the page unmasks to the secret in this visitor's own cookie."""
    secret = client.cookies["csrftoken"].value
    page = response.content.decode()
    tokens = CSRF_INPUT.findall(page) + re.findall(r'"X-CSRFToken": "([^"]+)"', page)
    assert tokens
    for token in tokens:
        assert _unmask_cipher_token(token) == secret


def test_two_visitors_never_see_each_others_name_cart_or_token(shop_page) -> None:
    _product, _variant, urls = shop_page
    alice = UserFactory(name="Alice Kim-Visitor", email="alice@example.com")
    anonymous, shopper = Client(), Client()
    shopper.force_login(alice)
    session = shopper.session
    session["orders_cart_count"] = 7
    session.save()
    for url in urls.values():
        before = get(shopper, url)  # a visitor with a session: rendered, not kept
        assert before[pagecache.HEADER] == "pass"
        get(anonymous, url)  # kept
        served = get(shopper, url)
        assert served[pagecache.HEADER] == "hit"
        page = served.content.decode()
        assert "Alice Kim-Visitor" in page
        assert re.search(r'id="cart-count" class="cart-count">7<', page)
        assert_own_token(shopper, served)
        theirs = get(anonymous, url)
        assert theirs[pagecache.HEADER] == "hit"
        other = theirs.content.decode()
        assert "Alice" not in other
        assert 'id="cart-count" class="cart-count" hidden' in other
        assert reverse("account_login") in other
        assert_own_token(anonymous, theirs)
        assert shopper.cookies["csrftoken"].value != anonymous.cookies["csrftoken"].value


def test_a_visitor_sees_their_messages_once_and_nobody_else_does(client, shop_page) -> None:
    _product, _variant, urls = shop_page
    url = urls["category"]
    warm(client, [url])
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "A note for this visitor only")
    carrier = HttpResponse()
    storage.update(carrier)
    visitor = Client()
    visitor.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    served = get(visitor, url)
    assert served[pagecache.HEADER] == "hit"
    assert "A note for this visitor only" in served.content.decode()
    assert "A note for this visitor only" not in body(visitor, url)  # shown once
    assert "A note for this visitor only" not in body(client, url)


def test_adding_to_the_cart_from_a_page_served_from_the_cache_passes_the_csrf_check(
    shop_page,
) -> None:
    product, variant, urls = shop_page
    get(Client(), urls["product"])  # kept by someone else's visit
    shopper = Client(enforce_csrf_checks=True)
    page = get(shopper, urls["product"])
    assert page[pagecache.HEADER] == "hit"
    token = CSRF_INPUT.search(page.content.decode()).group(1)
    added = shopper.post(
        reverse("orders:cart_add"),
        {"csrfmiddlewaretoken": token, "product": product.pk, "variant": variant.pk, "quantity": 1},
    )
    assert added.status_code == 302  # a refused token answers 403
    back = get(shopper, added.url)
    assert back[pagecache.HEADER] == "hit"
    assert re.search(r'id="cart-count" class="cart-count">1<', back.content.decode())
    # htmx's header token passes too.
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', back.content.decode()).group(1)
    again = shopper.post(
        reverse("orders:cart_add"),
        {"product": product.pk, "variant": variant.pk, "quantity": 1},
        HTTP_X_CSRFTOKEN=header_token,
    )
    assert again.status_code == 302


def test_a_logged_in_visitor_served_from_the_cache_costs_their_session_and_user_only(
    client, shop_page, django_assert_max_num_queries
) -> None:
    _product, _variant, urls = shop_page
    warm(client, [urls["category"]])
    shopper = Client()
    shopper.force_login(UserFactory(name="Bora Visitor"))
    get(shopper, urls["category"])
    with django_assert_max_num_queries(2):  # the session (cached_db) and the user
        served = get(shopper, urls["category"])
    assert served[pagecache.HEADER] == "hit"
    assert "Bora Visitor" in served.content.decode()


def test_languages_are_kept_apart(client, shop_page) -> None:
    _product, _variant, urls = shop_page
    for url in urls.values():
        for _ in range(2):
            english = get(client, url, HTTP_ACCEPT_LANGUAGE="en")
            korean = get(client, url, HTTP_ACCEPT_LANGUAGE="ko")
            assert '<html lang="en">' in english.content.decode()
            assert '<html lang="ko">' in korean.content.decode()
            assert english.content != korean.content
        assert english[pagecache.HEADER] == korean[pagecache.HEADER] == "hit"
    chooser = Client()
    chooser.cookies["django_language"] = "en"
    assert '<html lang="en">' in body(chooser, urls["home"])


# --- What is never kept ---------------------------------------------------------------------------


def test_answers_other_than_a_page_are_not_kept(client, shop_page) -> None:
    product, _variant, _urls = shop_page
    for _ in range(2):
        assert client.get(reverse("catalog:product", args=[999999, "x"])).status_code == 404
        moved = client.get(reverse("catalog:product", args=[product.pk, "old-slug"]))
        assert moved.status_code == 301
        assert moved[pagecache.HEADER] == "pass"


def test_the_htmx_results_and_the_whole_page_are_kept_apart(client, shop_page) -> None:
    _product, _variant, urls = shop_page
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "listing-results"}
    for _ in range(2):
        part = get(client, urls["category"], **htmx).content.decode()
        whole = body(client, urls["category"])
        assert "<html" not in part
        assert 'id="listing-results"' in part
        assert "<html" in whole


def test_query_parameters_in_another_order_share_a_copy_and_values_do_not(
    client, shop_page
) -> None:
    _product, _variant, urls = shop_page
    category = urls["category"]
    get(client, f"{category}?sort=price_asc&in_stock=true")
    assert get(client, f"{category}?in_stock=true&sort=price_asc")[pagecache.HEADER] == "hit"
    assert get(client, f"{category}?sort=price_desc&in_stock=true")[pagecache.HEADER] == "miss"
    search = reverse("catalog:search")
    assert "Earphone Alpha" in body(client, f"{search}?q=nothing&q=Earphone")
    assert "Earphone Alpha" not in body(client, f"{search}?q=Earphone&q=nothing")


@pytest.mark.redis
def test_on_redis_as_deployed_a_change_shows_at_once_in_every_process(
    client, shop_page, settings, django_capture_on_commit_callbacks
) -> None:
    """The tokens and copies in Redis (django-redis, pickled), each process with its own
    memory: a change made by one process is seen by the next request of another."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.TEST_REDIS_URL,
            "KEY_PREFIX": f"pagecache-test-{get_random_string(8)}",
        }
    }
    from django.core.cache import cache

    product, _variant, urls = shop_page
    try:
        warm(client, urls.values())
        pagecache.forget_local()  # another process, with nothing in memory yet
        warm(client, urls.values())
        with django_capture_on_commit_callbacks(execute=True):
            services.change_price(product_id=product.pk, price="13000")
        for url in urls.values():
            page = body(client, url)
            assert "13,000원" in page, url
            assert "10,000원" not in page, url
    finally:
        cache.delete_pattern("*")  # this test's keys only (its prefix)
