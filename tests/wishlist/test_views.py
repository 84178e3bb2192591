"""The wishlist pages and API: members only, their own rows only, CSRF on forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from wishlist import services
from wishlist.models import RestockSubscription, WishlistItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client


def product_path(product) -> str:
    return reverse("catalog:product", kwargs={"pk": product.pk, "slug": product.slug})


def test_the_product_page_heart_toggles_the_wish(member_client, user) -> None:
    product = VariantFactory().product
    page = member_client.get(product_path(product))
    assert "♡" in page.content.decode()

    response = member_client.post(reverse("wishlist:toggle", args=[product.pk]))
    assert response.status_code == 302
    assert WishlistItem.objects.filter(user=user, product=product).exists()
    assert "♥" in member_client.get(product_path(product)).content.decode()

    member_client.post(reverse("wishlist:toggle", args=[product.pk]))
    assert not WishlistItem.objects.exists()


def test_a_visitor_is_sent_to_log_in_and_nothing_is_wished(client) -> None:
    product = VariantFactory().product
    response = client.post(reverse("wishlist:toggle", args=[product.pk]))

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not WishlistItem.objects.exists()


def test_the_forms_need_a_csrf_token(user) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    product = VariantFactory().product
    assert strict.post(reverse("wishlist:add", args=[product.pk])).status_code == 403


def test_my_wishlist_lists_only_mine_in_constant_queries(
    member_client, user, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        services.add_to_wishlist(user=user, product_id=ProductFactory().pk)
    theirs = ProductFactory(name="남의 상품")
    services.add_to_wishlist(user=UserFactory(), product_id=theirs.pk)
    sold_out = VariantFactory(stock=0)
    services.request_restock_alert(user=user, variant_id=sold_out.pk)

    with django_assert_max_num_queries(12):
        page = member_client.get(reverse("wishlist:my_wishlist"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="wish"') == 3
    assert "남의 상품" not in html
    assert sold_out.product.name in html


def test_a_sold_out_option_offers_notify_me_and_records_the_request(member_client, user) -> None:
    variant = VariantFactory(stock=0, label="레드 / M")
    page = member_client.get(product_path(variant.product))
    assert reverse("wishlist:request_restock", args=[variant.pk]) in page.content.decode()

    member_client.post(reverse("wishlist:request_restock", args=[variant.pk]))
    assert RestockSubscription.objects.filter(user=user, variant=variant).count() == 1


def test_another_members_alert_cannot_be_cancelled(member_client) -> None:
    theirs = services.request_restock_alert(
        user=UserFactory(), variant_id=VariantFactory(stock=0).pk
    )
    response = member_client.post(reverse("wishlist:cancel_restock", args=[theirs.pk]))
    assert response.status_code == 404
    assert RestockSubscription.objects.filter(pk=theirs.pk).exists()


def test_the_api_adds_lists_and_removes(user_client, user) -> None:
    product = ProductFactory()
    created = user_client.post("/api/v1/me/wishlist/", {"product_id": product.pk}, format="json")
    assert created.status_code == 201
    assert created.json()["product_id"] == product.pk

    listed = user_client.get("/api/v1/me/wishlist/")
    assert [row["product_id"] for row in listed.json()["results"]] == [product.pk]

    assert user_client.delete(f"/api/v1/me/wishlist/{product.pk}/").status_code == 204
    assert not WishlistItem.objects.filter(user=user).exists()


def test_the_api_names_the_bad_field(user_client) -> None:
    bad = user_client.post("/api/v1/me/wishlist/", {"product_id": "x"}, format="json")
    assert bad.status_code == 400
    assert "product_id" in str(bad.json())

    in_stock = VariantFactory(stock=5)
    refused = user_client.post(
        "/api/v1/me/restock-alerts/", {"variant_id": in_stock.pk}, format="json"
    )
    assert refused.status_code == 400
    assert "variant_id" in str(refused.json())

    missing = user_client.post("/api/v1/me/wishlist/", {"product_id": 999_999}, format="json")
    assert missing.status_code == 404


def test_the_api_needs_a_member(api_client) -> None:
    assert api_client.get("/api/v1/me/wishlist/").status_code == 403


def test_the_schema_documents_the_wishlist_endpoints(api_client) -> None:
    paths = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in [
        "/api/v1/me/wishlist/",
        "/api/v1/me/wishlist/{product_id}/",
        "/api/v1/me/restock-alerts/",
        "/api/v1/me/restock-alerts/{subscription_id}/",
    ]:
        assert path in paths, path
    refused = paths["/api/v1/me/restock-alerts/"]["post"]["responses"]["400"]
    assert refused["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_listing_cards_carry_a_heart_htmx_posts_with_the_csrf_header(user) -> None:
    from django.test import Client

    product = VariantFactory().product
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(reverse("home"))
    assert f'hx-post="/wishlist/{product.pk}/add/"' in page.content.decode()

    strict.force_login(user)
    token = strict.get(reverse("home")).cookies["csrftoken"].value
    filled = strict.post(
        f"/wishlist/{product.pk}/add/", HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
    )
    assert filled.status_code == 200
    assert "♥" in filled.content.decode()
    assert WishlistItem.objects.filter(user=user, product=product).exists()


def test_a_visitors_card_heart_sends_them_to_log_in(client) -> None:
    product = VariantFactory().product
    response = client.post(f"/wishlist/{product.pk}/add/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert "/accounts/login/" in response["HX-Redirect"]


def test_listing_pages_list_the_members_wished_ids_for_the_hearts(member_client, user) -> None:
    from django.test import Client

    wished = VariantFactory().product
    VariantFactory()
    services.add_to_wishlist(user=user, product_id=wished.pk)

    html = member_client.get(reverse("home")).content.decode()
    assert f'<script id="wished-ids" type="application/json">[{wished.pk}]</script>' in html
    assert "js/wishlist-hearts.js" in html
    assert 'id="wished-ids"' not in Client().get(reverse("home")).content.decode()  # a visitor
