"""Access-control meta-test (security.md AC-05): every route has a reviewed policy, and holds it.

``POLICIES`` classifies every URL pattern the resolver knows (storefront, API, allauth,
sandbox emulators); the admin and the seller center are classified by their site, whose
every page is requested below. A new route fails ``test_every_route_has_a_reviewed_policy``
until a developer classifies it; a removed one fails it until its row goes.

Then each non-public route is requested, with real objects of shopper A and vendor A in
its URL, as an anonymous visitor, as shopper B and as a member of vendor B. None of them
may get a 200 for A's object, a 5xx, or change any of A's rows.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.resolvers import RegexPattern

from orders.models import Cart, CartLine, VendorShipment
from payments.models import PaymentIntent, StoredPaymentMethod
from shop import plugins
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.orders.factories import ClaimFactory, OrderFactory, VendorShipmentFactory
from tests.promotions.factories import CouponFactory
from tests.reviews.factories import QuestionFactory, ReviewFactory, confirmed_line
from tests.vendors.factories import MembershipFactory, VendorFactory
from tests.vendors.scoping import make_row
from tests.wishlist.factories import RestockSubscriptionFactory, WishlistItemFactory
from vendors.sellercenter import VendorScopedModelAdmin, seller_site

pytestmark = pytest.mark.django_db

# The policies. Each answers: who may use the route, and on whose objects.
PUBLIC = "public"  # anyone; holds no one's private data
SESSION = "session-owned"  # anyone, on their own session's cart/checkout only
SHOPPER = "shopper"  # a signed-in member acting for themselves (no object of another in the URL)
SHOPPER_OWNED = "shopper-owned"  # a signed-in member, on their own objects only
GUEST_TOKEN = "guest-token"  # a guest holding the signed link of their own order
# The provider brings the buyer back with our random UUID reference, maybe in another
# browser session; the page only redirects to owner-checked pages and shows nothing.
REFERENCE = "unguessable-reference"
VENDOR = "vendor-scoped"  # a member of an approved vendor, on that vendor's rows only
STAFF = "staff"  # platform staff (the Django admin)
SANDBOX = "sandbox-only"  # a provider emulator, mounted only when SHOP_SANDBOX is on
WEBHOOK = "webhook-signed"  # a provider's callback, accepted only with a valid signature

# The reviewed table: route name (or pattern, for unnamed routes) -> policy.
POLICIES: dict[str, str] = {
    # allauth: sign-in, sign-up, recovery and the social login hand-offs are public by nature.
    "account_login": PUBLIC,
    "account_logout": PUBLIC,
    "account_inactive": PUBLIC,
    "account_signup": PUBLIC,
    "account_reauthenticate": SHOPPER,
    "account_email": SHOPPER,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SHOPPER,
    "account_set_password": SHOPPER,
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": PUBLIC,
    "account_confirm_email": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "socialaccount_login_cancelled": PUBLIC,
    "socialaccount_login_error": PUBLIC,
    "socialaccount_signup": PUBLIC,
    "socialaccount_connections": SHOPPER,
    # allauth's old paths: permanent redirects to the 3rdparty/ pages above.
    "accounts/social/login/cancelled/": PUBLIC,
    "accounts/social/login/error/": PUBLIC,
    "accounts/social/signup/": PUBLIC,
    "accounts/social/connections/": PUBLIC,
    "kakao_login": PUBLIC,
    "kakao_callback": PUBLIC,
    "naver_login": PUBLIC,
    "naver_callback": PUBLIC,
    # My page (accounts).
    "accounts:profile": SHOPPER,
    "accounts:marketing_consent": SHOPPER,
    "accounts:my_data": SHOPPER,
    "accounts:delete_account": SHOPPER,
    "accounts:identity": SHOPPER,
    "accounts:identity_return": SHOPPER,
    "accounts:identity_sdk": SHOPPER_OWNED,
    "accounts:address_list": SHOPPER,
    "accounts:address_add": SHOPPER,
    "accounts:address_edit": SHOPPER_OWNED,
    "accounts:address_delete": SHOPPER_OWNED,
    "accounts:address_set_default": SHOPPER_OWNED,
    "vendors:apply": SHOPPER,
    "vendors:apply_done": SHOPPER,
    "set_language": PUBLIC,
    # API v1.
    "api-me": SHOPPER,
    "api-me-data": SHOPPER,
    "api-me-delete": SHOPPER,
    "api-address-list": SHOPPER,
    "api-address-detail": SHOPPER_OWNED,
    "api-address-default": SHOPPER_OWNED,
    "api-category-tree": PUBLIC,
    "api-product-list": PUBLIC,
    "api-product-detail": PUBLIC,
    "api-seller-product-list": VENDOR,
    "api-seller-product-detail": VENDOR,
    "api-seller-product-status": VENDOR,
    "api-seller-product-options": VENDOR,
    "api-seller-product-variants": VENDOR,
    "api-seller-generate-variants": VENDOR,
    "api-seller-variant-stock": VENDOR,
    "api-cart": SESSION,
    "api-cart-lines": SESSION,
    "api-cart-line": SESSION,
    "api-checkout": SESSION,
    "api-order-list": SHOPPER,
    "api-order-lookup": GUEST_TOKEN,
    "api-order-detail": SHOPPER_OWNED,
    "api-order-cancel": SHOPPER_OWNED,
    "api-order-partial-cancel": SHOPPER_OWNED,
    "api-order-shipment-confirm": SHOPPER_OWNED,
    "api-order-shipment-claims": SHOPPER_OWNED,
    "api-seller-shipments": VENDOR,
    "api-seller-shipment": VENDOR,
    "api-seller-shipment-prepare": VENDOR,
    "api-seller-shipment-ship": VENDOR,
    "api-seller-shipment-tracking": VENDOR,
    "api-seller-shipment-deliver": VENDOR,
    "api-seller-claims": VENDOR,
    "api-seller-claim": VENDOR,
    "api-seller-claim-returned": VENDOR,
    "api-seller-claim-exchanged": VENDOR,
    "api-seller-claim-reject": VENDOR,
    "api-wishlist": SHOPPER,
    "api-wishlist-item": SHOPPER,  # removes the caller's own item of that product
    "api-restock-alerts": SHOPPER,
    "api-restock-alert": SHOPPER_OWNED,
    "api-product-reviews": PUBLIC,
    "api-product-rating": PUBLIC,
    "api-product-questions": PUBLIC,
    "api-review-vote": SHOPPER,
    "api-my-reviews": SHOPPER,
    "api-my-reviewable-lines": SHOPPER,
    "api-my-questions": SHOPPER,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    # Operations: liveness and health say up/down only; metrics hold no personal data.
    "livez": PUBLIC,
    "healthz": PUBLIC,
    "metrics": PUBLIC,
    # Payments.
    "payments:pay": SHOPPER_OWNED,
    "payments:start": SHOPPER_OWNED,
    "payments:return": REFERENCE,
    "payments:cancel": REFERENCE,
    "payments:fail": REFERENCE,
    "payments:status": REFERENCE,
    "payments:methods": SHOPPER,
    "payments:add_method": SHOPPER,
    "payments:remove_method": SHOPPER_OWNED,
    "payments:webhook": WEBHOOK,
    # Wishlist and restock alerts.
    "wishlist:my_wishlist": SHOPPER,
    "wishlist:cancel_restock": SHOPPER_OWNED,
    "wishlist:toggle": SHOPPER,
    "wishlist:add": SHOPPER,
    "wishlist:request_restock": PUBLIC,  # a guest may ask by e-mail, confirmed by link
    "wishlist:confirm_restock": PUBLIC,  # the signed token is the authority
    # Reviews and questions.
    "reviews:my_reviews": SHOPPER,
    "reviews:write": SHOPPER_OWNED,
    "reviews:vote": SHOPPER,
    "reviews:product_questions": PUBLIC,
    "reviews:ask": SHOPPER,
    # Coupons and points.
    "promotions:coupons": PUBLIC,
    "promotions:download": SHOPPER,
    "promotions:enter_code": SHOPPER,
    "promotions:my_coupons": SHOPPER,
    "promotions:my_points": SHOPPER,
    # Cart, checkout and orders.
    "orders:cart": SESSION,
    "orders:cart_add": SESSION,
    "orders:cart_update": SESSION,
    "orders:cart_remove": SESSION,
    "orders:checkout": SESSION,
    "orders:checkout_summary": SESSION,
    "orders:complete": SHOPPER_OWNED,
    "orders:guest_lookup": PUBLIC,
    "orders:guest_link": GUEST_TOKEN,
    "orders:guest_order_detail": GUEST_TOKEN,
    "orders:guest_order_cancel": GUEST_TOKEN,
    "orders:guest_order_cancel_lines": GUEST_TOKEN,
    "orders:guest_order_claim": GUEST_TOKEN,
    "orders:guest_order_confirm": GUEST_TOKEN,
    "orders:my_orders": SHOPPER,
    "orders:my_order_detail": SHOPPER_OWNED,
    "orders:my_order_cancel": SHOPPER_OWNED,
    "orders:my_order_cancel_lines": SHOPPER_OWNED,
    "orders:my_order_claim": SHOPPER_OWNED,
    "orders:my_order_confirm": SHOPPER_OWNED,
    # The storefront.
    "catalog:home": PUBLIC,
    "catalog:category": PUBLIC,
    "catalog:search": PUBLIC,
    "catalog:product_short": PUBLIC,
    "catalog:product": PUBLIC,
    "catalog:sitemap": PUBLIC,
    "home": PUBLIC,
    # Provider emulators (payments, social login, identity, SMS/AlimTalk).
    "notifications_sandbox:sens_sms": SANDBOX,
    "notifications_sandbox:sens_alimtalk": SANDBOX,
    "notifications_sandbox:sens_alimtalk_message": SANDBOX,
    "notifications_sandbox:sens_inbox": SANDBOX,
    "kakao_authorize": SANDBOX,
    "sandbox/kakao/kauth/oauth/token": SANDBOX,
    "sandbox/kakao/kapi/v2/user/me": SANDBOX,
    "naver_authorize": SANDBOX,
    "sandbox/naver/nid/oauth2.0/token": SANDBOX,
    "sandbox/naver/openapi/v1/nid/me": SANDBOX,
    "sandbox/portone/identity-verifications/<str:verification_id>": SANDBOX,
    "sandbox/portone/identity-verifications/<str:verification_id>/window": SANDBOX,
    "sandbox:kakaopay:ready": SANDBOX,
    "sandbox:kakaopay:approve": SANDBOX,
    "sandbox:kakaopay:order": SANDBOX,
    "sandbox:kakaopay:cancel": SANDBOX,
    "sandbox:kakaopay:subscription": SANDBOX,
    "sandbox:kakaopay:inactive": SANDBOX,
    "sandbox:kakaopay:subscription-status": SANDBOX,
    "sandbox:kakaopay:sheet": SANDBOX,
    "sandbox:naverpay-pay": SANDBOX,
    "sandbox:naverpay-regist": SANDBOX,
    "sandbox:naverpay-api": SANDBOX,
    "sandbox:paypal-oauth": SANDBOX,
    "sandbox:paypal-orders": SANDBOX,
    "sandbox:paypal-order": SANDBOX,
    "sandbox:paypal-capture": SANDBOX,
    "sandbox:paypal-capture-get": SANDBOX,
    "sandbox:paypal-refund": SANDBOX,
    "sandbox:paypal-refund-get": SANDBOX,
    "sandbox:paypal-verify-webhook": SANDBOX,
    "sandbox:paypal-checkoutnow": SANDBOX,
    "sandbox:paypal-send-webhook": SANDBOX,
    "sandbox:paypal-fx-rate": SANDBOX,
}

# Whole sites, classified by the site: AdminSite.admin_view guards every page it mounts.
# Their sign-in pages are the public exceptions. Every page is still requested below.
SITE_PREFIXES = {"admin/": STAFF, "seller/": VENDOR}
SITE_PUBLIC = {
    "admin:login",
    "admin:logout",
    "admin:jsi18n",
    "sellercenter:login",
    "sellercenter:logout",
    "sellercenter:jsi18n",
}
# Fields other members legitimately change on A's rows (a helpful vote on A's review).
SHARED_COUNTERS = {"review": {"helpful_count"}}

DENIED = {401, 403, 404, 405}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/", "/seller/login/")


@dataclass(frozen=True)
class Route:
    key: str  # the namespaced name, or the pattern of an unnamed route
    pattern: str
    kwargs: tuple[str, ...]
    methods: tuple[str, ...]


def _methods(callback: Any) -> tuple[str, ...]:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return ("get", "post")
    names = [
        name
        for name in view_class.http_method_names
        if name not in ("options", "head", "trace") and hasattr(view_class, name)
    ]
    return tuple(names) or ("get",)


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            text = prefix + str(pattern.pattern)
            key = f"{namespace}{pattern.name}" if pattern.name else text
            kwargs = tuple(pattern.pattern.regex.groupindex)
            prefix_kwargs = tuple(re.findall(r"<(?:\w+:)?(\w+)>", prefix))
            yield Route(key, text, prefix_kwargs + kwargs, _methods(pattern.callback))


def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


# The example plugins' routes (``make test`` installs them), reviewed like ours; checked
# only when mounted, so a checkout without them does not see them as gone.
PLUGIN_POLICIES = {
    "tosspayments:success": REFERENCE,  # Toss sends the buyer back with our reference
    "tosspayments:fail": REFERENCE,
    "tosspayments:window": PUBLIC,  # opens Toss's SDK from the query; holds no data
}


# Where plugins mounted emulators: register_urls(sandbox=True) keeps them to sandbox mode.
PLUGIN_SANDBOX_MOUNTS = tuple(
    mount
    for mount in (str(pattern.pattern) for pattern in plugins.url_patterns())
    if mount.startswith("sandbox/")
)


def policy_of(route: Route) -> str | None:
    if route.key in SITE_PUBLIC:
        return PUBLIC
    for prefix, policy in SITE_PREFIXES.items():
        if route.pattern.startswith(prefix):
            return policy
    if PLUGIN_SANDBOX_MOUNTS and route.pattern.startswith(PLUGIN_SANDBOX_MOUNTS):
        return SANDBOX
    return POLICIES.get(route.key) or PLUGIN_POLICIES.get(route.key)


ROUTES = all_routes()
CHECKED = [route for route in ROUTES if policy_of(route) not in (PUBLIC, None)]


def test_every_route_has_a_reviewed_policy():
    unclassified = sorted({route.key for route in ROUTES if policy_of(route) is None})
    assert not unclassified, f"classify these routes in POLICIES: {unclassified}"


def test_every_listed_route_still_exists():
    keys = {route.key for route in ROUTES}
    gone = sorted(set(POLICIES) - keys)
    assert not gone, f"these routes are gone, remove them from POLICIES: {gone}"


def test_the_emulators_are_mounted_only_in_sandbox_mode():
    assert settings.SHOP_SANDBOX  # the test settings run the emulators
    sandbox_keys = {key for key, policy in POLICIES.items() if policy == SANDBOX}
    for route in ROUTES:
        if route.key in sandbox_keys:
            assert route.pattern.startswith("sandbox/"), route.key
    production = (settings.BASE_DIR / "shop" / "settings" / "production.py").read_text()
    assert "SHOP_SANDBOX = True" not in production


# --- The objects of A, and the intruders -------------------------------------------------


@dataclass
class World:
    shopper_a: Any
    vendor_a: Any
    objects: dict[str, Any]
    intruders: dict[str, Client]
    markers: list[str]


def _intruder(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _build_world() -> World:
    shopper_a = UserFactory(email="victim-a@example.com")
    vendor_a = VendorFactory(name="피해자가게")
    MembershipFactory(vendor=vendor_a)
    vendor_b = VendorFactory(name="침입자가게")
    member_b = MembershipFactory(vendor=vendor_b)
    category = CategoryFactory()
    product = ProductFactory(vendor=vendor_a, name="피해자상품")
    variant = VariantFactory(product=product)
    order = OrderFactory(user=shopper_a, orderer_email=shopper_a.email)
    shipment = VendorShipmentFactory(
        order=order, vendor=vendor_a, status=VendorShipment.Status.DELIVERED
    )
    claim = ClaimFactory(shipment=shipment)
    cart = Cart.objects.create(user=shopper_a)
    objects = {
        "address": AddressFactory(user=shopper_a, detail_address="피해자주소 101호"),
        "category": category,
        "product": product,
        "variant": variant,
        "order": order,
        "shipment": shipment,
        "claim": claim,
        "order_line": confirmed_line(shopper_a, ProductFactory(vendor=vendor_a)),
        "cart_line": CartLine.objects.create(cart=cart, variant=variant, quantity=1),
        "wishlist_item": WishlistItemFactory(user=shopper_a, product=product),
        "restock": RestockSubscriptionFactory(
            user=shopper_a, variant=VariantFactory(product=product, stock=0)
        ),
        "review": ReviewFactory(user=shopper_a, product=product),
        "question": QuestionFactory(user=shopper_a, product=product),
        "coupon": CouponFactory(),
        "intent": PaymentIntent.objects.create(
            order=order,
            user=shopper_a,
            provider="kakaopay",
            amount=order.total_amount,
            order_amount=order.total_amount,
            buyer_key="victim-buyer",
        ),
        "stored_method": StoredPaymentMethod.objects.create(
            user=shopper_a,
            provider="kakaopay",
            token_ciphertext="not-a-real-token",
            label="피해자카드",
            buyer_key="victim-buyer",
        ),
    }
    intruders = {
        "anonymous": _intruder(None),
        "shopper B": _intruder(UserFactory(email="intruder-b@example.com")),
        "vendor B": _intruder(member_b.user),
    }
    markers = [shopper_a.email, "피해자주소", "피해자카드", "이수령"]
    return World(shopper_a, vendor_a, objects, intruders, markers)


def _kwarg_values(world: World) -> dict[str, Any]:
    objects = world.objects
    return {
        "address_id": objects["address"].pk,
        "product_id": objects["product"].pk,
        "variant_id": objects["variant"].pk,
        "number": objects["order"].number,
        "shipment_id": objects["shipment"].pk,
        "claim_id": objects["claim"].pk,
        "line_id": objects["cart_line"].pk,
        "subscription_id": objects["restock"].pk,
        "review_id": objects["review"].pk,
        "coupon_id": objects["coupon"].pk,
        "public_id": objects["intent"].public_id,
        "method_id": objects["stored_method"].pk,
        "provider": "kakaopay",
        "slug": objects["category"].slug,
        "pk": objects["product"].pk,
        "vendor_id": world.vendor_a.pk,
        "action": "suspend",
        "app_label": "orders",
    }


# Routes whose kwarg of a common name points at another kind of object.
KWARG_OVERRIDES = {"reviews:write": {"line_id": "order_line"}}


def _site_object_id(route: Route, world: World) -> str:
    """Return the pk of a row of A for an admin or seller-center object page."""
    parts = route.pattern.split("/")
    try:
        model = apps.get_model(parts[1], parts[2])
    except (LookupError, IndexError):
        return "1"
    admin = seller_site._registry.get(model)
    if isinstance(admin, VendorScopedModelAdmin):
        if admin.vendor_field == "pk":
            return str(world.vendor_a.pk)
        row = model._default_manager.filter(**{admin.vendor_field: world.vendor_a}).first()
        row = row or make_row(model, admin.vendor_field, world.vendor_a)
        return str(row.pk)
    row = model._default_manager.order_by("pk").first()
    return str(row.pk) if row else "1"


# Values that name no object, for the same request about a missing one.
MISSING = {
    "number": "NOSUCHORDER000000000",
    "public_id": "00000000-0000-4000-8000-000000000000",
}


def url_of(route: Route, world: World, *, missing: bool = False) -> str:
    values = _kwarg_values(world)
    for name, kind in KWARG_OVERRIDES.get(route.key, {}).items():
        values[name] = world.objects[kind].pk
    if missing:
        values = {
            name: MISSING.get(name, 987654321)
            if isinstance(value, int) or name in MISSING
            else value
            for name, value in values.items()
        }
    url = "/" + route.pattern
    for name in route.kwargs:
        if name == "object_id":
            value: Any = _site_object_id(route, world)
        elif name == "url":
            value = "no-such-page/"
        else:
            value = values.get(name, "unknown-value")
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
        url = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), url)
    return url.replace("^", "").replace("$", "")


def snapshot(world: World) -> dict[str, Any]:
    state = {}
    for name, obj in world.objects.items():
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        fields = fresh and model_to_dict(fresh, exclude=SHARED_COUNTERS.get(name, ()))
        state[name] = fields
    return state


# --- The expectations -------------------------------------------------------------------


def _to_login(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PAGES)


def _reveals(response: Any, world: World) -> list[str]:
    body = response.content.decode(errors="replace")
    return [marker for marker in world.markers if marker in body]


def verdict(
    route: Route, policy: str, who: str, method: str, response: Any, world: World
) -> str | None:
    """Return what is wrong with ``response``, or None when the policy held."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if leaked := _reveals(response, world):
        return f"{status} revealing {leaked}"
    if policy in (SANDBOX, SESSION, GUEST_TOKEN, REFERENCE, WEBHOOK):
        # Anyone may call these; what they must not do is reach or change A's objects,
        # which the markers above and the snapshot after every request prove.
        return None if status != 200 or policy != WEBHOOK else "200 without a signature"
    if who == "anonymous":
        return None if _to_login(response) or status in DENIED else f"{status}"
    if policy == STAFF:
        return None if _to_login(response) or status in DENIED else f"{status}"
    if policy == VENDOR and who == "shopper B":
        return None if _to_login(response) or status in DENIED else f"{status}"
    if policy == SHOPPER or (policy == VENDOR and not route.kwargs):
        return None  # their own page; the markers prove A's rows are not on it
    seller_page = policy == VENDOR and route.pattern.startswith("seller/")
    if seller_page and (status == 302 or _shared_seller_page(route)):
        return None  # an unknown object's page goes to the index; shared pages are read-only
    if status == 400 and method != "get":
        # The empty body is refused before the lookup: _existence_oracle proves a missing
        # id gets the same answer, and the snapshot after the request that nothing changed.
        return None
    return None if status in DENIED else f"{status}"


def _shared_seller_page(route: Route) -> bool:
    parts = route.pattern.split("/")
    try:
        model = apps.get_model(parts[1], parts[2])
    except (LookupError, IndexError):
        return False
    return not isinstance(seller_site._registry.get(model), VendorScopedModelAdmin)


def _request(client: Client, method: str, url: str) -> Any:
    send = getattr(client, method)
    if method in ("get", "delete"):
        return send(url)
    return send(url, data="{}", content_type="application/json")


def _probe(route: Route, world: World) -> tuple[list[str], int]:
    """Request ``route`` as each intruder; return what went wrong and how many requests."""
    policy = policy_of(route)
    url = url_of(route, world)
    site_page = route.pattern.startswith(tuple(SITE_PREFIXES))
    methods = ("get",) if site_page else route.methods
    failures, before = [], snapshot(world)
    for who, client in world.intruders.items():
        for method in methods:
            response = _request(client, method, url)
            if problem := verdict(route, policy, who, method, response, world):
                failures.append(f"{who} {method.upper()} {url} [{policy}]: {problem}")
            elif oracle := _existence_oracle(client, method, route, response, world):
                failures.append(f"{who} {method.upper()} {url} [{policy}]: {oracle}")
            # The admin sites refuse a stranger's GET before any view code runs; the rest
            # may write on any method (a provider return page does on GET).
            if not site_page and snapshot(world) != before:
                failures.append(f"{who} {method.upper()} {url} [{policy}]: changed A's rows")
                before = snapshot(world)
    if site_page and snapshot(world) != before:
        failures.append(f"GET {url} [{policy}]: changed A's rows")
    return failures, len(world.intruders) * len(methods)


def _existence_oracle(client: Client, method: str, route: Route, response: Any, world: World):
    """Return a complaint when a refused write tells A's own object from a missing one.

    Only for owned objects: that a public product exists is no secret.
    """
    if response.status_code != 400 or policy_of(route) not in (SHOPPER_OWNED, VENDOR):
        return None
    missing = _request(client, method, url_of(route, world, missing=True))
    if missing.status_code == response.status_code:
        return None
    return f"400 for A's object but {missing.status_code} for a missing one"


def test_no_intruder_reaches_any_non_public_route(capsys, record_property):
    world = _build_world()
    failures, requests = [], 0
    for route in CHECKED:
        route_failures, route_requests = _probe(route, world)
        failures += route_failures
        requests += route_requests
    figures = f"{len(ROUTES)} routes, {len(CHECKED)} non-public, {requests} requests"
    record_property("route_policies", figures)
    with capsys.disabled():
        sys.stdout.write(f"\nroute policies: {figures}\n")
    assert not failures, "\n".join(failures)
    assert len(CHECKED) > 300
    assert requests > 1000


def test_public_routes_answer_anonymous_visitors_without_a_server_error():
    world = _build_world()
    anonymous = Client()
    failures = []
    for route in ROUTES:
        if policy_of(route) == PUBLIC:
            response = anonymous.get(url_of(route, world))
            if response.status_code >= 500 or _reveals(response, world):
                failures.append(f"GET {url_of(route, world)}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_verdict_catches_a_leak_and_a_granted_page():
    """The matrix can fail: a 200 on A's object, and a body with A's data, are reported."""
    world = World(None, None, {}, {}, ["victim-a@example.com"])
    route = Route("api-order-detail", "api/v1/orders/<str:number>/", ("number",), ("get",))

    class Answer:
        def __init__(self, status: int, body: bytes = b"") -> None:
            self.status_code, self.content = status, body

        def __getitem__(self, name: str) -> str:
            return ""

    assert verdict(route, SHOPPER_OWNED, "shopper B", "get", Answer(200), world) == "200"
    assert "revealing" in verdict(
        route, SHOPPER, "shopper B", "get", Answer(200, b"victim-a@example.com"), world
    )
    assert verdict(route, SHOPPER_OWNED, "shopper B", "get", Answer(404), world) is None


def _forgotten_view(request: Any, address_id: int) -> HttpResponse:
    return HttpResponse("victim-a@example.com")  # no login, no owner check


def test_a_forgotten_route_is_reported_unclassified_and_fails_the_matrix():
    """The negative control: a new, unguarded route is caught both ways."""
    urlconf = URLResolver(
        RegexPattern(r"^/"), [path("my/forgotten/<int:address_id>/", _forgotten_view, name="oops")]
    )
    (route,) = _walk(urlconf)
    world = World(None, None, {}, {}, ["victim-a@example.com"])

    assert policy_of(route) is None  # test_every_route_has_a_reviewed_policy fails on it
    response = _forgotten_view(None, address_id=1)
    assert verdict(route, SHOPPER_OWNED, "anonymous", "get", response, world)
    assert verdict(route, SHOPPER_OWNED, "shopper B", "get", response, world)
