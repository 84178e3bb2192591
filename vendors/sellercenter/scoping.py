"""The base classes that keep every seller-center page inside the member's vendor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.admin import AuditedModelAdmin
from shop.models import AuditEvent
from vendors.models import Vendor
from vendors.sellercenter.export import default_csv_fields, export_csv_response
from vendors.sellercenter.site import current_vendor, role_allows, seller_site


def scope_filter(vendor_field: str, vendor: Vendor) -> dict[str, Any]:
    """Return the ``filter()`` keywords selecting rows of ``vendor`` along ``vendor_field``."""
    if vendor_field == "pk":
        return {"pk": vendor.pk}
    return {f"{vendor_field}_id" if "__" not in vendor_field else vendor_field: vendor.pk}


def vendor_id_of(obj: models.Model, vendor_field: str) -> Any:
    """Return the id of the vendor ``obj`` belongs to, following ``vendor_field``."""
    if vendor_field == "pk":
        return obj.pk
    *parents, last = vendor_field.split("__")
    for name in parents:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def vendor_path_for_model(model: type[models.Model]) -> str | None:
    """Return how rows of ``model`` reach their vendor, or None if they belong to none.

    The seller center's own registrations say it (their ``vendor_field``); otherwise a
    direct foreign key named ``vendor`` to ``Vendor`` counts.
    """
    if model is Vendor:
        return "pk"
    model_admin = seller_site._registry.get(model)
    if isinstance(model_admin, VendorScopedMixin):
        return model_admin.vendor_field
    try:
        field = model._meta.get_field("vendor")
    except FieldDoesNotExist:  # the model is not vendor-owned
        return None
    if field.is_relation and field.related_model is Vendor:
        return "vendor"
    return None


def limit_choices(
    model: type[models.Model], queryset: models.QuerySet | None, request: HttpRequest
) -> models.QuerySet | None:
    """Return ``queryset`` (or all of ``model``) cut down to what the request's vendor may pick.

    Vendor-owned models: the vendor's rows. Users: the vendor's members (the shop's
    customer list is not the vendor's to browse). Anything else (categories) is shared.
    """
    from django.contrib.auth import get_user_model

    vendor = current_vendor(request)
    base = queryset if queryset is not None else model._default_manager.all()
    if model is get_user_model():
        return base.filter(
            vendor_memberships__vendor=vendor, vendor_memberships__is_active=True
        ).distinct()
    vendor_path = vendor_path_for_model(model)
    if vendor_path is None:
        return queryset
    return base.filter(**scope_filter(vendor_path, vendor))


def direct_vendor_fk(model: type[models.Model], vendor_field: str) -> str | None:
    """Return the name of ``model``'s own foreign key to Vendor when ``vendor_field`` is one."""
    if "__" in vendor_field or vendor_field == "pk":
        return None
    field = model._meta.get_field(vendor_field)
    return field.name if field.is_relation and field.related_model is Vendor else None


def scoped_form(form_class: type[forms.ModelForm], field_name: str, vendor: Vendor) -> type:
    """Return ``form_class`` that assigns ``vendor`` to new instances before validation.

    Doing it before validation (not at save) lets unique constraints that include the
    vendor, such as a slug unique per vendor, fail as form errors instead of a 500.
    """

    class VendorScopedForm(form_class):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if self.instance._state.adding:
                setattr(self.instance, f"{field_name}_id", vendor.pk)

        def _get_validation_exclusions(self) -> set[str]:
            exclusions = super()._get_validation_exclusions()
            exclusions.discard(field_name)
            return exclusions

    VendorScopedForm.__name__ = form_class.__name__
    return VendorScopedForm


class VendorScopedMixin:
    """What a seller-center ModelAdmin and inline share: the vendor filter and role checks.

    ``vendor_field`` is the lookup path from the model to its vendor: ``"vendor"`` for a
    direct foreign key, ``"product__vendor"`` for a child row, ``"pk"`` for Vendor itself.
    """

    vendor_field = "vendor"
    model: type[models.Model]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return queryset.filter(**scope_filter(self.vendor_field, current_vendor(request)))

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        exclude = list(super().get_exclude(request, obj) or [])  # type: ignore[misc]
        direct = direct_vendor_fk(self.model, self.vendor_field)
        if direct and direct not in exclude:
            exclude.append(direct)
        return exclude

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        limited = limit_choices(db_field.related_model, kwargs.get("queryset"), request)
        if limited is not None:
            kwargs["queryset"] = limited
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> Any:
        limited = limit_choices(db_field.related_model, kwargs.get("queryset"), request)
        if limited is not None:
            kwargs["queryset"] = limited
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def owns(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or vendor_id_of(obj, self.vendor_field) == current_vendor(request).pk

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_allows(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_allows(request, "view") and self.owns(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return role_allows(request, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_allows(request, "change") and self.owns(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_allows(request, "delete") and self.owns(request, obj)


class VendorScopedInline(VendorScopedMixin, admin.options.InlineModelAdmin):
    """Base of every seller-center inline: rows, choices and new rows scoped to the vendor.

    Use ``VendorScopedTabularInline`` or ``VendorScopedStackedInline``. A forged row id
    in the formset fails validation because the formset's queryset is scoped.
    """

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = scoped_formset(super().get_formset(request, obj, **kwargs))
        direct = direct_vendor_fk(self.model, self.vendor_field)
        if direct:
            formset.form = scoped_form(formset.form, direct, current_vendor(request))
        return formset


def scoped_formset(formset_class: type) -> type:
    """Return ``formset_class`` whose row ids must be rows of its own (scoped) queryset.

    Django checks a submitted row id only against the whole table and then silently
    ignores an id outside the formset; here it is a validation error instead.
    """

    class VendorScopedFormSet(formset_class):  # type: ignore[misc, valid-type]
        def add_fields(self, form: forms.Form, index: int | None) -> None:
            super().add_fields(form, index)
            id_field = form.fields.get(self._pk_field.name)
            if isinstance(id_field, forms.ModelChoiceField):
                id_field.queryset = self.get_queryset()

    VendorScopedFormSet.__name__ = formset_class.__name__
    return VendorScopedFormSet


class VendorScopedTabularInline(VendorScopedInline, admin.TabularInline):
    pass


class VendorScopedStackedInline(VendorScopedInline, admin.StackedInline):
    pass


class VendorScopedModelAdmin(VendorScopedMixin, AuditedModelAdmin):
    """Base of every seller-center ModelAdmin (see the module docstring)."""

    actions = ["export_csv"]
    # Fields written by the CSV export; empty: every concrete field but secrets.
    csv_fields: list[str] = []

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        direct = direct_vendor_fk(self.model, self.vendor_field)
        if direct:
            form = scoped_form(form, direct, current_vendor(request))
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        vendor = current_vendor(request)
        direct = direct_vendor_fk(self.model, self.vendor_field)
        if direct and not change:
            setattr(obj, f"{direct}_id", vendor.pk)
        if vendor_id_of(obj, self.vendor_field) != vendor.pk:
            raise PermissionDenied  # a row never moves to, or is saved for, another vendor
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        vendor = current_vendor(request)
        inline_path = getattr(formset, "vendor_field", None)
        for inline_form in formset.forms:
            instance = inline_form.instance
            if inline_path and inline_form.has_changed():
                owner = vendor_id_of(instance, inline_path)
                if owner is not None and owner != vendor.pk:
                    raise PermissionDenied
        super().save_formset(request, form, formset, change)

    def get_formsets_with_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if not isinstance(inline, VendorScopedMixin):
                raise TypeError(f"{inline!r} must inherit VendorScopedInline")
            formset.vendor_field = inline.vendor_field
            yield formset, inline

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        vendor = current_vendor(request)
        super().delete_queryset(request, queryset.filter(**scope_filter(self.vendor_field, vendor)))

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        """Show the object's audit entries; another vendor's id is "not found"."""
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        vendor = current_vendor(request)
        entries = AuditEvent.objects.filter(
            subject_type=obj._meta.label, subject_id=str(obj.pk)
        ).order_by("-id")[:200]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History: %s") % obj,
            "opts": self.opts,
            "object": obj,
            "entries": [history_row(entry, vendor) for entry in entries],
            **(extra_context or {}),
        }
        return TemplateResponse(request, "sellercenter/object_history.html", context)

    @admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse:
        vendor = current_vendor(request)
        rows = queryset.filter(**scope_filter(self.vendor_field, vendor))
        return export_csv_response(
            request, rows, self.csv_fields or default_csv_fields(self.model), vendor=vendor
        )


def history_row(entry: AuditEvent, vendor: Vendor) -> dict[str, Any]:
    """Return one audit entry as the vendor may see it: no platform staff names."""
    own = entry.actor_vendor_id == vendor.pk
    actor = entry.actor_label if own else entry.get_actor_kind_display()
    return {
        "created_at": entry.created_at,
        "event_type": entry.event_type,
        "actor": actor,
        "changes": entry.payload.get("changes", {}),
    }
