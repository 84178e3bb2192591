"""Tenant matrix of the seller center (security.md AC-04): vendor A never reaches vendor B.

Parametrised over ``seller_site._registry``, so a page any app registers later is
covered without editing this file; it only needs a factory in
``tests/<app>/factories.py`` (see ``tests.vendors.scoping``).
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.forms.models import _get_foreign_key, model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.models import AuditEvent
from tests.vendors.scoping import (
    changeform_post_data,
    factory_for,
    form_fields_data,
    make_row,
    vendor_owned_fk_fields,
)
from vendors.sellercenter import (
    VendorScopedInline,
    VendorScopedModelAdmin,
    scope_filter,
    seller_site,
    vendor_id_of,
    vendor_path_for_model,
)

pytestmark = pytest.mark.django_db

SCOPED = sorted(
    (
        model
        for model, admin in seller_site._registry.items()
        if isinstance(admin, VendorScopedModelAdmin)
    ),
    key=lambda model: model._meta.label,
)
SHARED = sorted(
    (model for model in seller_site._registry if model not in SCOPED),
    key=lambda model: model._meta.label,
)


def label(model):
    return model._meta.label


def admin_of(model):
    return seller_site._registry[model]


def url(model, name, *args):
    return reverse(
        f"sellercenter:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args
    )


def own_and_other(model, tenants):
    vendor_field = admin_of(model).vendor_field
    return make_row(model, vendor_field, tenants.mine), make_row(
        model, vendor_field, tenants.theirs
    )


def snapshot(obj):
    obj.refresh_from_db()
    return model_to_dict(obj)


def request_of(client):
    """Return a real seller-center request of ``client`` (user, session and vendor set)."""
    return client.get(reverse("sellercenter:index")).wsgi_request


def test_every_seller_center_page_is_vendor_scoped_or_shared_read_only(seller_client):
    request = request_of(seller_client)
    for model in SHARED:
        admin = admin_of(model)
        assert not admin.has_add_permission(request), label(model)
        assert not admin.has_change_permission(request), label(model)
        assert not admin.has_delete_permission(request), label(model)
        assert vendor_path_for_model(model) is None, f"{label(model)} has vendor rows"
    for model in SCOPED:
        for inline in admin_of(model).inlines:
            assert issubclass(inline, VendorScopedInline), f"{inline} of {label(model)}"


def test_every_vendor_scoped_model_has_a_factory():
    models = set(SCOPED) | {inline.model for model in SCOPED for inline in admin_of(model).inlines}
    missing = [
        label(model)
        for model in models
        if label(model) != "vendors.Vendor" and not factory_for(model)
    ]
    assert not missing


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_changelist_lists_only_own_rows(model, tenants, seller_client):
    own, other = own_and_other(model, tenants)

    response = seller_client.get(url(model, "changelist"))

    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert own.pk in {row.pk for row in shown}
    assert other.pk not in {row.pk for row in shown}
    assert {vendor_id_of(row, admin_of(model).vendor_field) for row in shown} == {tenants.mine.pk}
    assert tenants.theirs.name not in response.content.decode()


@pytest.mark.parametrize("model", SCOPED, ids=label)
@pytest.mark.parametrize("page", ["change", "delete", "history"])
def test_other_vendors_object_pages_reveal_nothing(model, page, tenants, seller_client):
    _own, other = own_and_other(model, tenants)

    response = seller_client.get(url(model, page, other.pk), follow=True)

    assert response.redirect_chain or response.status_code in (403, 404)
    if response.redirect_chain:
        assert response.redirect_chain[0][1] == 302
    body = response.content.decode()
    assert str(other) not in body
    assert tenants.theirs.name not in body


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_posting_to_other_vendors_change_and_delete_pages_changes_nothing(
    model, tenants, seller_client
):
    own, other = own_and_other(model, tenants)
    before = snapshot(other)
    data = changeform_post_data(seller_client.get(url(model, "change", own.pk)))

    seller_client.post(url(model, "change", other.pk), data)
    seller_client.post(url(model, "delete", other.pk), {"post": "yes"})

    assert snapshot(other) == before


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_bulk_delete_with_other_vendors_ids_deletes_none_of_them(model, tenants, seller_client):
    _own, other = own_and_other(model, tenants)

    seller_client.post(
        url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )

    assert model._default_manager.filter(pk=other.pk).exists()


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_csv_export_holds_only_own_rows_and_is_audited(model, tenants, seller_client):
    own, other = own_and_other(model, tenants)

    response = seller_client.post(
        url(model, "changelist"),
        # Shipments and restock subscriptions hold customers' contact: a reason is asked.
        {"action": "export_csv", "_selected_action": [own.pk, other.pk], "export_reason": "stock"},
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and the one own row
    assert tenants.theirs.name not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(event_type="vendors.DataExported")
    assert event.payload["row_count"] == 1
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", tenants.mine.pk)


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_add_with_forged_vendor_never_creates_a_row_for_the_other_vendor(
    model, tenants, seller_client
):
    own, _other = own_and_other(model, tenants)
    vendor_field = admin_of(model).vendor_field
    theirs_before = model._default_manager.filter(
        **scope_filter(vendor_field, tenants.theirs)
    ).count()
    add_page = seller_client.get(url(model, "add"))
    if add_page.status_code == 403:
        return  # the page has no add form; the 403 is the refusal
    change_data = form_fields_data(
        seller_client.get(url(model, "change", own.pk)).context["adminform"].form
    )
    data = changeform_post_data(add_page)
    data.update({key: value for key, value in change_data.items() if key in data})
    data.update({"vendor": str(tenants.theirs.pk), "vendor_id": str(tenants.theirs.pk)})

    seller_client.post(url(model, "add"), data)

    assert (
        model._default_manager.filter(**scope_filter(vendor_field, tenants.theirs)).count()
        == theirs_before
    )


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_forged_foreign_keys_in_forms_are_field_errors(model, tenants, seller_client):
    own, _other = own_and_other(model, tenants)
    for page, args in [("add", ()), ("change", (own.pk,))]:
        response = seller_client.get(url(model, page, *args))
        if response.status_code != 200 or "adminform" not in response.context:
            continue
        form = response.context["adminform"].form
        for field_name in vendor_owned_fk_fields(form):
            related = form.fields[field_name].queryset.model
            theirs = make_row(related, vendor_path_for_model(related), tenants.theirs)
            data = changeform_post_data(response)
            data[form.add_prefix(field_name)] = str(theirs.pk)
            count = model._default_manager.count()

            posted = seller_client.post(url(model, page, *args), data)

            assert posted.status_code == 200, (page, field_name)
            assert field_name in posted.context["adminform"].form.errors
            assert model._default_manager.count() == count


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_inline_formsets_refuse_other_vendors_rows(model, tenants, seller_client):
    own, _other = own_and_other(model, tenants)
    request = request_of(seller_client)
    for inline_class in admin_of(model).inlines:
        inline = inline_class(model, seller_site)
        if not inline.has_change_permission(request, own):
            continue
        fk = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
        factory_for(inline.model)(**{fk.name: own})
        theirs = make_row(inline.model, inline.vendor_field, tenants.theirs)
        before = snapshot(theirs)
        page = seller_client.get(url(model, "change", own.pk))
        formset = next(
            item.formset
            for item in page.context["inline_admin_formsets"]
            if item.formset.model is inline.model
        )
        data = changeform_post_data(page)
        data[f"{formset.prefix}-0-{inline.model._meta.pk.name}"] = str(theirs.pk)

        response = seller_client.post(url(model, "change", own.pk), data)

        assert response.status_code == 200, inline_class
        assert snapshot(theirs) == before


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_changelist_query_count_does_not_grow_with_rows(
    model, tenants, seller_client, django_assert_num_queries
):
    vendor_field = admin_of(model).vendor_field
    make_row(model, vendor_field, tenants.mine)
    page = url(model, "changelist")
    seller_client.get(page)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one_row:
        seller_client.get(page)
    if vendor_field != "pk":
        for _ in range(4):
            make_row(model, vendor_field, tenants.mine)

    with django_assert_num_queries(len(one_row.captured_queries)):
        response = seller_client.get(page)

    assert response.status_code == 200
