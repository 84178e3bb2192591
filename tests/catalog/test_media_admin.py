"""The gallery inline and the media status page add, remove and retry through the services."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from catalog.media import services
from catalog.media.admin import ProductMediaInline
from catalog.media.models import ProductMedia
from catalog.models import Product
from shop.models import AuditEvent
from tests.catalog import media_files
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their English source text; the shop's default is Korean.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def product() -> Product:
    return Product.objects.create(
        vendor=VendorFactory(), name="머그컵", slug="mug", price=Decimal(12000)
    )


@pytest.fixture
def admin_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def gallery_formset(product, staff_user, data=None, files=None):
    request = RequestFactory().post("/")
    request.user = staff_user
    inline = ProductMediaInline(Product, admin.site)
    formset_class = inline.get_formset(request, obj=product)
    return formset_class(data=data, files=files, instance=product, prefix="media")


def formset_data(total=1, initial=0, **rows):
    return {"media-TOTAL_FORMS": str(total), "media-INITIAL_FORMS": str(initial), **rows}


def test_the_inline_passes_the_admin_checks(product):
    assert ProductMediaInline(Product, admin.site).check() == []


def test_an_upload_in_the_gallery_inline_goes_through_the_service(
    product, staff_user, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("front.png", media_files.image_bytes(400, 300, "PNG"))
    formset = gallery_formset(
        product,
        staff_user,
        formset_data(**{"media-0-alt_text": "앞면", "media-0-position": "0"}),
        {"media-0-original": upload},
    )

    assert formset.is_valid(), formset.errors
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        formset.save()

    media = ProductMedia.objects.get()
    assert (media.product, media.alt_text, media.status) == (product, "앞면", "pending")
    assert media.original.name.endswith(".png")
    assert AuditEvent.objects.filter(event_type="catalog.MediaAdded").count() == 1
    assert "process_image" in repr(callbacks[-1])


def test_a_fake_image_in_the_gallery_inline_is_a_field_error_naming_the_file(product, staff_user):
    upload = SimpleUploadedFile("cat.png", media_files.HTML_PRETENDING_TO_BE_PNG)
    formset = gallery_formset(
        product, staff_user, formset_data(**{"media-0-position": "0"}), {"media-0-original": upload}
    )

    assert not formset.is_valid()
    assert '"cat.png" is neither' in formset.errors[0]["original"][0]
    assert not ProductMedia.objects.exists()


def test_deleting_in_the_gallery_inline_removes_the_row_and_its_files(
    product, staff_user, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        media = services.add_media(
            product_id=product.pk, file=ContentFile(media_files.image_bytes(400, 300), "a.jpg")
        )
    data = formset_data(
        initial=1,
        **{
            "media-0-id": str(media.pk),
            "media-0-product": str(product.pk),
            "media-0-position": "0",
            "media-0-DELETE": "on",
        },
    )
    formset = gallery_formset(product, staff_user, data)

    assert formset.is_valid(), formset.errors
    with django_capture_on_commit_callbacks(execute=True):
        formset.save()

    assert not ProductMedia.objects.exists()
    assert [path for path in media_root.rglob("*") if path.is_file()] == []


def test_the_status_page_shows_the_failure_reason_and_processes_again(
    product, admin_client, django_capture_on_commit_callbacks
):
    media = ProductMedia(product=product, kind="image", original_name="a.jpg")
    media.original.save("a.jpg", ContentFile(media_files.image_bytes(300, 200)), save=False)
    media.save()
    services.fail_media(media_id=media.pk, reason="storage was down")
    change_url = reverse("admin:catalog_productmedia_change", args=[media.pk])

    page = admin_client.get(change_url)
    listing = admin_client.get(reverse("admin:catalog_productmedia_changelist"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:catalog_productmedia_changelist"),
            {"action": "process_again", "_selected_action": [str(media.pk)]},
        )

    assert "storage was down" in page.content.decode()
    assert listing.status_code == 200
    assert response.status_code == 302
    media.refresh_from_db()
    assert (media.status, media.failure_reason) == ("ready", "")
    assert 'src="/media/catalog/renditions/' in admin_client.get(change_url).content.decode()


def test_an_image_uploaded_on_the_product_page_is_queued_and_shown_with_its_status(
    admin_client, django_capture_on_commit_callbacks
):
    from tests.catalog.factories import ProductFactory
    from tests.vendors.scoping import changeform_post_data

    product = ProductFactory()
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = changeform_post_data(admin_client.get(url))
    data["media-0-original"] = SimpleUploadedFile("front.jpg", media_files.image_bytes(700, 500))
    data["media-0-alt_text"] = "앞면"

    with django_capture_on_commit_callbacks(execute=True):  # eager: processed right away
        response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    media = ProductMedia.objects.get(product=product)
    assert (media.alt_text, media.status) == ("앞면", "ready")
    page = admin_client.get(url).content.decode()
    assert f'src="/media/catalog/renditions/{media.pk}/320.webp"' in page


def test_the_empty_upload_row_shows_no_processing_status(admin_client):
    from tests.catalog.factories import ProductFactory

    product = ProductFactory()
    page = admin_client.get(
        reverse("admin:catalog_product_change", args=[product.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    # One extra row and the "add another" template: no file yet, so nothing is pending.
    cells = re.findall(
        r'<td class="field-processing_status">(.*?)</td>', page.content.decode(), re.DOTALL
    )
    assert [re.sub(r"\s+", "", cell) for cell in cells] == ["<p>-</p>", "<p>-</p>"]
