"""The media gallery on the seller center's product page: the vendor's own media only."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from catalog.media import services
from catalog.media.models import ProductMedia
from shop.models import AuditEvent
from tests.catalog import media_files
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.vendors.factories import MembershipFactory, VendorFactory
from tests.vendors.scoping import changeform_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seller():
    vendor = VendorFactory()
    client = Client(headers={"accept-language": "en"})
    client.force_login(MembershipFactory(vendor=vendor).user)
    return vendor, client


def change_url(product):
    return reverse("sellercenter:catalog_product_change", args=[product.pk])


def add_image(product, name="a.jpg"):
    return services.add_media(
        product_id=product.pk, file=ContentFile(media_files.image_bytes(400, 300), name)
    )


def gallery(response):
    return next(
        item.formset
        for item in response.context["inline_admin_formsets"]
        if item.formset.model is ProductMedia
    )


def test_the_seller_product_page_shows_the_gallery_with_thumbnails_and_status(
    seller, django_capture_on_commit_callbacks
):
    vendor, client = seller
    product = ProductFactory(vendor=vendor)
    with django_capture_on_commit_callbacks(execute=True):  # eager: processed right away
        ready = add_image(product, "ready.jpg")
    pending = ProductMedia.objects.create(
        product=product, kind="image", original="catalog/originals/x.jpg", position=5
    )
    services.fail_media(media_id=pending.pk, reason="could not decode")

    response = client.get(change_url(product))
    page = response.content.decode()

    assert response.status_code == 200
    assert f'src="/media/catalog/renditions/{ready.pk}/320.webp"' in page
    assert "Ready" in page
    assert "Failed: could not decode" in page
    assert [form.instance.pk for form in gallery(response).initial_forms] == [ready.pk, pending.pk]


def test_an_upload_on_the_seller_page_is_added_for_the_sellers_product(
    seller, django_capture_on_commit_callbacks
):
    vendor, client = seller
    product = ProductFactory(vendor=vendor)
    data = changeform_post_data(client.get(change_url(product)))
    data["media-0-original"] = SimpleUploadedFile(
        "front.png", media_files.image_bytes(500, 400, "PNG")
    )
    data["media-0-alt_text"] = "앞면"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(product), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    media = ProductMedia.objects.get(product=product)
    assert (media.alt_text, media.status) == ("앞면", "ready")
    event = AuditEvent.objects.get(event_type="catalog.MediaAdded")
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", vendor.pk)


def test_a_fake_image_is_a_field_error_and_nothing_is_stored(seller, media_root):
    vendor, client = seller
    product = ProductFactory(vendor=vendor)
    data = changeform_post_data(client.get(change_url(product)))
    data["media-0-original"] = SimpleUploadedFile("cat.png", media_files.HTML_PRETENDING_TO_BE_PNG)

    response = client.post(change_url(product), data)

    assert response.status_code == 200
    assert '"cat.png" is neither' in str(gallery(response).errors)
    assert not ProductMedia.objects.exists()


def test_another_vendors_product_page_and_its_media_stay_out_of_reach(seller):
    _vendor, client = seller
    theirs = ProductFactory()
    add_image(theirs, "theirs.jpg")

    response = client.get(change_url(theirs))

    assert response.status_code == 302  # "does not exist" back to the list
    assert "theirs.jpg" not in client.get(response.url).content.decode()


def test_a_forged_media_row_of_another_vendor_cannot_be_changed(seller):
    vendor, client = seller
    own = ProductFactory(vendor=vendor)
    add_image(own, "mine.jpg")
    theirs = add_image(ProductFactory(), "theirs.jpg")
    data = changeform_post_data(client.get(change_url(own)))
    data["media-0-id"] = str(theirs.pk)
    data["media-0-alt_text"] = "가로챔"

    response = client.post(change_url(own), data)

    assert response.status_code == 200
    assert "id" in gallery(response).errors[0]
    theirs.refresh_from_db()
    assert theirs.alt_text == ""


def test_a_forged_media_row_of_another_vendor_cannot_be_deleted(seller):
    vendor, client = seller
    own = ProductFactory(vendor=vendor)
    mine = add_image(own, "mine.jpg")
    theirs = add_image(ProductFactory(), "theirs.jpg")
    data = changeform_post_data(client.get(change_url(own)))
    data["media-0-id"] = str(theirs.pk)
    data["media-0-DELETE"] = "on"

    client.post(change_url(own), data)

    assert ProductMedia.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2
    assert not AuditEvent.objects.filter(event_type="catalog.MediaRemoved").exists()


def test_the_seller_edits_alt_text_and_deletes_own_media(seller, media_root):
    vendor, client = seller
    own = ProductFactory(vendor=vendor)
    keep, drop = add_image(own, "keep.jpg"), add_image(own, "drop.jpg")
    data = changeform_post_data(client.get(change_url(own)))
    index = {data[f"media-{n}-id"]: n for n in range(2)}
    data[f"media-{index[str(keep.pk)]}-alt_text"] = "정면 사진"
    data[f"media-{index[str(drop.pk)]}-DELETE"] = "on"

    response = client.post(change_url(own), data)

    assert response.status_code == 302
    assert list(ProductMedia.objects.values_list("pk", "alt_text")) == [(keep.pk, "정면 사진")]
    event = AuditEvent.objects.get(event_type="catalog.MediaRemoved")
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", vendor.pk)


def test_only_the_products_own_variants_can_be_picked(seller):
    vendor, client = seller
    own = ProductFactory(vendor=vendor)
    own_variant = VariantFactory(product=own)
    foreign = VariantFactory(product=ProductFactory())
    response = client.get(change_url(own))
    choices = [value for value, _label in gallery(response).forms[0].fields["variant"].choices]
    assert own_variant.pk in [getattr(value, "value", value) for value in choices]
    assert foreign.pk not in [getattr(value, "value", value) for value in choices]

    data = changeform_post_data(response)
    data["media-0-original"] = SimpleUploadedFile("v.png", media_files.image_bytes(300, 300, "PNG"))
    data["media-0-variant"] = str(foreign.pk)
    response = client.post(change_url(own), data)

    assert response.status_code == 200
    assert "variant" in gallery(response).errors[0]
    assert not ProductMedia.objects.exists()


def test_reordering_on_the_seller_page_goes_through_the_service(seller):
    vendor, client = seller
    product = ProductFactory(vendor=vendor)
    first, second = add_image(product, "1.jpg"), add_image(product, "2.jpg")
    data = changeform_post_data(client.get(change_url(product)))
    index = {data[f"media-{n}-id"]: n for n in range(2)}
    data[f"media-{index[str(first.pk)]}-position"] = "7"
    data[f"media-{index[str(second.pk)]}-position"] = "1"

    response = client.post(change_url(product), data)

    assert response.status_code == 302
    ordered = list(ProductMedia.objects.filter(product=product).order_by("position"))
    assert ordered == [second, first]
    event = AuditEvent.objects.get(event_type="catalog.MediaReordered")
    assert event.payload["media_ids"] == [second.pk, first.pk]
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", vendor.pk)


def test_the_seller_product_page_query_count_does_not_grow_with_media(seller):
    vendor, client = seller
    product = ProductFactory(vendor=vendor)
    VariantFactory(product=product)
    add_image(product, "1.jpg")
    with CaptureQueriesContext(connection) as one:
        assert client.get(change_url(product)).status_code == 200
    for n in range(5):
        add_image(product, f"more-{n}.jpg")
    with CaptureQueriesContext(connection) as six:
        assert client.get(change_url(product)).status_code == 200
    assert len(six) == len(one)
