"""The extension points: discovery, slots, URLs, policies, fee rules, media, deprecation."""

from __future__ import annotations

import datetime as dt
import io
import sys
import warnings
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from catalog.media import processing
from orders import selectors
from orders import services as order_services
from orders.models import Order
from shipping import engine
from shop import plugins
from shop.extend import deprecated, policy, register_slot, register_urls
from tests.orders.helpers import guest_cart, place, placed_order, variant_of
from vendors.services.settlements import previous_period

# --- Discovery -------------------------------------------------------------------------


def test_an_installed_distribution_is_discovered_by_its_entry_point(tmp_path, monkeypatch):
    info = tmp_path / "shop_fake_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shop-fake-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[shop.plugins]\nfake = shop_fake_plugin_app\n")
    assert "shop_fake_plugin_app" not in plugins.discover_plugin_apps()

    monkeypatch.syspath_prepend(str(tmp_path))

    assert "shop_fake_plugin_app" in plugins.discover_plugin_apps()
    assert ("shop-fake-plugin", "0.1", "shop_fake_plugin_app") in plugins.installed_plugins()


def test_settings_install_every_discovered_plugin_after_the_shop_apps() -> None:
    found = plugins.discover_plugin_apps()
    assert found, "make test installs examples/shop-tosspayments first"
    assert settings.INSTALLED_APPS[-len(found) :] == found
    assert settings.INSTALLED_APPS.index("reviews") < settings.INSTALLED_APPS.index(found[0])


def test_shop_plugins_lists_each_plugin_and_what_it_registers(capsys) -> None:
    call_command("shop_plugins")
    out = capsys.readouterr().out
    assert f"Extension API {plugins.API_VERSION}" in out
    assert "shop-tosspayments 1.0.0 (shop_tosspayments)" in out
    for line in (
        "payment provider: tosspayments",
        "model: shop_tosspayments.TossReceipt",
        "admin page (admin): shop_tosspayments.TossReceipt",
        "listener: shop_tosspayments.listeners.keep_receipt <- payments.PaymentCaptured",
        "urls: /tosspayments/",
        "sandbox urls: /sandbox/tosspayments/",
        "slot: checkout_extras: shop_tosspayments/checkout_extras.html",
    ):
        assert line in out
    # Nothing of the shop's own apps is attributed to the plugin.
    assert "kakaopay" not in out


# --- Template slots --------------------------------------------------------------------


@pytest.fixture
def slot_templates(tmp_path, settings, monkeypatch):
    """A fresh slot registry and a template folder the test writes blocks into."""
    monkeypatch.setattr(plugins, "_slots", {})
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return tmp_path


def test_a_slot_renders_its_blocks_in_order_escaped(slot_templates) -> None:
    (slot_templates / "late.html").write_text("<i>late {{ who }}</i>")
    (slot_templates / "early.html").write_text("<b>early {{ who }}</b>")
    register_slot("cart_extras", "late.html", order=10)
    register_slot("cart_extras", "early.html")
    register_slot("cart_extras", "early.html")  # a re-import registers nothing twice

    html = plugins.render_slot("cart_extras", {"who": "<script>"})

    assert html == "<b>early &lt;script&gt;</b><i>late &lt;script&gt;</i>"
    assert plugins.render_slot("mypage_extras", {}) == ""


def test_an_unknown_slot_is_refused_so_a_typo_is_not_silent(slot_templates) -> None:
    with pytest.raises(ValueError, match="product_extra"):
        register_slot("product_extra", "late.html")


def test_the_product_page_renders_its_slot_with_the_product(slot_templates, db, client):
    (slot_templates / "size_guide.html").write_text(
        '<p id="guide">Size guide for {{ product.name }}</p>'
    )
    register_slot("product_extras", "size_guide.html")
    variant = variant_of(name="반팔 티셔츠 <b>")

    product = variant.product
    page = client.get(reverse("catalog:product", args=[product.pk, product.slug])).content.decode()

    assert '<p id="guide">Size guide for 반팔 티셔츠 &lt;b&gt;</p>' in page


@pytest.mark.parametrize(
    ("name", "url"),
    [("cart_extras", "orders:cart"), ("checkout_extras", "orders:checkout")],
)
def test_cart_and_checkout_render_their_slots(slot_templates, db, name, url) -> None:
    (slot_templates / "block.html").write_text(f'<p id="{name}">here</p>')
    register_slot(name, "block.html")
    shopper = Client()
    shopper.post(reverse("orders:cart_add"), {"variant": variant_of().pk, "quantity": "1"})

    page = shopper.get(reverse(url)).content.decode()

    assert f'<p id="{name}">here</p>' in page


def test_the_order_complete_page_renders_its_slot(slot_templates, db) -> None:
    from tests.orders.test_views_checkout import fill_cart, review
    from tests.orders.test_views_checkout import place as place_in_browser

    (slot_templates / "thanks.html").write_text('<p id="thanks">{{ order.number }}</p>')
    register_slot("order_complete_extras", "thanks.html")
    shopper = Client()
    fill_cart(shopper, variant_of())
    placed = place_in_browser(shopper, review(shopper))

    page = shopper.get(placed["Location"]).content.decode()

    assert f'<p id="thanks">{Order.objects.get().number}</p>' in page


# --- URLs ------------------------------------------------------------------------------


def test_a_plugin_cannot_mount_urls_over_the_shops_own(monkeypatch) -> None:
    monkeypatch.setattr(plugins, "_urls", [])
    for prefix in ("admin", "api/v2", "payments", "/checkout/", ""):
        with pytest.raises(ValueError, match="cannot mount"):
            register_urls(prefix, "shop_tosspayments.urls")
    register_urls("kakaowork", "shop_tosspayments.urls")
    assert [entry.prefix for entry in plugins._urls] == ["kakaowork"]


def test_sandbox_urls_are_mounted_only_in_sandbox_mode(settings) -> None:
    mounted = {str(pattern.pattern) for pattern in plugins.url_patterns()}
    assert {"tosspayments/", "sandbox/tosspayments/"} <= mounted

    settings.SHOP_SANDBOX = False
    live = {str(pattern.pattern) for pattern in plugins.url_patterns()}
    assert "tosspayments/" in live
    assert "sandbox/tosspayments/" not in live


# --- Policies by dotted path -------------------------------------------------------------


def dated_order_number() -> str:
    return "T" + dt.date(2026, 12, 4).strftime("%Y%m%d") + next(_serials)


_serials = iter(f"{n:05d}" for n in range(1, 100000))


def too_long_order_number() -> str:
    return "X" * 21


def fortnight(*, today: dt.date) -> tuple[dt.date, dt.date]:
    end = today - dt.timedelta(days=1)
    return end - dt.timedelta(days=13), end


def test_the_order_number_policy_makes_the_numbers(settings, db) -> None:
    settings.ORDER_NUMBER_POLICY = "tests.shop.test_plugins.dated_order_number"
    order, _variant = placed_order()
    assert order.number.startswith("T20261204")
    assert len(order.number) == 14
    assert policy("ORDER_NUMBER_POLICY") is dated_order_number


def test_an_order_number_policy_breaking_the_rules_is_refused(settings, db) -> None:
    settings.ORDER_NUMBER_POLICY = "tests.shop.test_plugins.too_long_order_number"
    with pytest.raises(ValueError, match="ORDER_NUMBER_POLICY"):
        placed_order()


def test_the_default_order_numbers_stay_random() -> None:
    from orders.models.order import new_order_number

    numbers = {new_order_number() for _ in range(50)}
    assert len(numbers) == 50
    assert all(len(number) == 20 for number in numbers)


def test_the_settlement_period_policy_decides_the_period() -> None:
    today = dt.date(2026, 12, 4)
    path = "tests.shop.test_plugins.fortnight"
    assert previous_period(today=today, kind=path) == (dt.date(2026, 11, 20), dt.date(2026, 12, 3))
    assert previous_period(today=today, kind="monthly") == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )


# --- Shipping fee rules ------------------------------------------------------------------


def cold_chain(policy, lines, destination):
    """A plugin's rule: frozen goods ship in a cooler box (2,500 won a parcel)."""
    return [engine.BreakdownLine("cooler_box", "Cooler box", Decimal(2500))]


def big_discount(policy, lines, destination):
    return [engine.BreakdownLine("promo", "Promo", Decimal(-1_000_000))]


def shipping_of(variant) -> Decimal:
    cart = guest_cart(f"rule-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    return selectors.cart_view(cart, postcode="06236").shipping_amount


def test_a_fee_rule_adds_its_line_to_every_parcel(db, monkeypatch) -> None:
    monkeypatch.setattr(engine, "_fee_rules", [])
    variant = variant_of(price=10000)
    before = shipping_of(variant)

    engine.register_fee_rule(cold_chain)
    engine.register_fee_rule(cold_chain)

    assert shipping_of(variant) == before + 2500
    cart = guest_cart(f"rule-{variant.pk}")
    view = selectors.cart_view(cart, postcode="06236")
    codes = [line.code for group in view.quote.groups for line in group.breakdown]
    assert codes.count("cooler_box") == 1
    assert place(cart).order.shipping_amount == before + 2500


def test_a_fee_rule_never_makes_a_parcel_pay_the_buyer(db, monkeypatch) -> None:
    monkeypatch.setattr(engine, "_fee_rules", [big_discount])
    assert shipping_of(variant_of()) == 0


# --- Media processors --------------------------------------------------------------------


def paint_red(picture: Image.Image) -> Image.Image:
    return Image.new(picture.mode, picture.size, (255, 0, 0))


def first_pixel(rendition) -> tuple[int, ...]:
    return Image.open(io.BytesIO(rendition.data)).convert("RGB").getpixel((0, 0))


def png(colour=(0, 0, 255)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def test_an_image_processor_runs_before_the_renditions(monkeypatch) -> None:
    monkeypatch.setattr(processing, "_image_processors", [])
    plain = processing.make_image_renditions(png())
    assert first_pixel(plain.renditions[0])[2] > 200  # blue, untouched

    processing.register_image_processor(paint_red)
    painted = processing.make_image_renditions(png())

    assert all(
        first_pixel(item)[0] > 200 and first_pixel(item)[2] < 50 for item in painted.renditions
    )


# --- Deprecation ---------------------------------------------------------------------------


def test_a_deprecated_function_warns_once_per_call_and_still_works() -> None:
    @deprecated(since="1.1", removed_in="1.2", use="shop.extend.register_slot")
    def add_block(name: str) -> str:
        return name.upper()

    with pytest.warns(
        DeprecationWarning, match=r"add_block is deprecated since extension API 1\.1"
    ) as caught:
        assert add_block("x") == "X"
    assert "removed in 1.2; use shop.extend.register_slot instead." in str(caught[0].message)
    assert caught[0].filename == __file__  # the warning points at the caller's line


def test_a_deprecated_class_warns_when_built() -> None:
    @deprecated(since="1.1", removed_in="1.2")
    class OldRule:
        def __init__(self, fee: int) -> None:
            self.fee = fee

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert OldRule(3).fee == 3
    assert [item.category for item in caught] == [DeprecationWarning]
    assert "OldRule is deprecated since extension API 1.1 and is removed in 1.2." in str(
        caught[0].message
    )


def test_the_api_version_is_the_changelogs() -> None:
    changelog = (settings.BASE_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"Extension API {plugins.API_VERSION}" in changelog
    assert sys.modules["shop.extend"].API_VERSION == plugins.API_VERSION


# --- Identity providers and notification channels ---------------------------------------------


def test_a_plugins_identity_provider_is_offered_and_listed(monkeypatch) -> None:
    from accounts import identity
    from accounts.extend import IdentityProvider, register_identity_provider

    monkeypatch.setattr(identity, "_registered", {})
    monkeypatch.setattr(plugins, "_registrations", [])

    class PassIdentity(IdentityProvider):
        code = "pass"
        name = "PASS"

        def begin(self, *, verification_id, return_url): ...

        def fetch(self, *, verification_id): ...

    register_identity_provider(PassIdentity)

    assert identity.providers()["pass"] is PassIdentity
    assert [(item.kind, item.name) for item in plugins.registrations(__name__)] == [
        ("identity provider", "pass")
    ]


def test_a_plugins_notification_channel_is_registered_and_turned_on_by_the_setting(
    monkeypatch, settings
) -> None:
    from notifications import channels
    from notifications.extend import Channel, register_channel

    monkeypatch.setattr(channels, "_registry", dict(channels._registry))

    class KakaoWorkChannel(Channel):
        code = "kakaowork"
        medium = "phone"

    register_channel(KakaoWorkChannel())
    assert "kakaowork" not in [channel.code for channel in channels.enabled()]

    settings.NOTIFICATIONS_CHANNELS = ["kakaowork", "email"]
    assert [channel.code for channel in channels.enabled()] == ["kakaowork", "email"]


def test_a_slot_block_costs_the_page_no_query(slot_templates, db) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shopper = Client()
    shopper.post(reverse("orders:cart_add"), {"variant": variant_of().pk, "quantity": "1"})
    shopper.get(reverse("orders:cart"))  # warm what is cached per process

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert shopper.get(reverse("orders:cart")).status_code == 200
        return len(captured)

    without = queries()
    (slot_templates / "note.html").write_text("<p>{{ view.total_amount }}</p>")
    register_slot("cart_extras", "note.html")

    assert queries() == without


def test_a_plugins_payment_method_is_offered_and_listed(monkeypatch) -> None:
    from orders import payment_methods
    from orders.extend import PaymentOption, register_payment_method

    monkeypatch.setattr(payment_methods, "_options", dict(payment_methods._options))
    monkeypatch.setattr(plugins, "_registrations", [])

    register_payment_method(PaymentOption(code="invoice", label="세금계산서 후불", online=False))

    assert "invoice" in [option.code for option in payment_methods.options_for(country="KR")]
    assert [(item.kind, item.name) for item in plugins.registrations(__name__)] == [
        ("payment method", "invoice")
    ]
