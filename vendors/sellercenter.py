"""The seller center (판매자센터): a second admin site where vendor staff manage their own rows.

Higher apps register their vendor-owned models here with ``VendorScopedModelAdmin``
(``from vendors.sellercenter import seller_site, VendorScopedModelAdmin``). The base
class is what keeps a vendor inside its own data: every queryset is filtered to the
signed-in member's vendor, new rows get that vendor, foreign-key choices are limited
to the vendor's rows (a forged id in a form field or inline formset is a validation
error), and permissions come from the member's role instead of Django's model
permissions, which vendor staff do not have.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shop import audit
from shop.admin import AuditedModelAdmin
from shop.events import publish
from shop.models import AuditEvent
from vendors.events import DataExported
from vendors.models import Vendor, VendorMembership

SESSION_VENDOR_KEY = "sellercenter_vendor_id"

# What each role may do on every seller-center page (pages may narrow it further).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    VendorMembership.Role.OWNER: frozenset({"view", "add", "change", "delete"}),
    VendorMembership.Role.MANAGER: frozenset({"view", "add", "change", "delete"}),
    VendorMembership.Role.STAFF: frozenset({"view", "change"}),
}


# --- The dashboard's to-do counts ---------------------------------------------------------


@dataclass(frozen=True)
class DashboardCount:
    label: str
    count: Callable[[Vendor], int]
    url_name: str = ""


_dashboard_counts: list[DashboardCount] = []


def register_dashboard_count(
    label: str, count: Callable[[Vendor], int], *, url_name: str = ""
) -> None:
    """Show ``count(vendor)`` under ``label`` on the seller-center dashboard.

    ``url_name`` (e.g. ``"sellercenter:shipping_shippingpolicy_changelist"``) links it.
    Registering the same label twice replaces the first (modules may be re-imported).
    """
    _dashboard_counts[:] = [item for item in _dashboard_counts if str(item.label) != str(label)]
    _dashboard_counts.append(DashboardCount(label, count, url_name))


def dashboard_counts(vendor: Vendor) -> list[dict[str, Any]]:
    """Return the dashboard's counts for ``vendor``, in registration order."""
    rows = []
    for item in _dashboard_counts:
        url = reverse(item.url_name) if item.url_name else ""
        rows.append({"label": item.label, "count": item.count(vendor), "url": url})
    return rows


# --- Who is signed in for which vendor ---------------------------------------------------------


def active_memberships(user: Any) -> models.QuerySet[VendorMembership]:
    """Return ``user``'s active memberships in approved vendors, first vendor first."""
    return (
        VendorMembership.objects.filter(
            user=user, is_active=True, vendor__status=Vendor.Status.APPROVED
        )
        .select_related("vendor")
        .order_by("vendor__name", "vendor_id")
    )


def membership_for(request: HttpRequest) -> VendorMembership | None:
    """Return the membership the request acts under (the session's choice, else the first).

    Worked out once per request; sets ``request.vendor`` and ``request.audit_vendor_id``
    so every event published while serving it is recorded as done by that vendor.
    """
    if hasattr(request, "vendor_membership"):
        return request.vendor_membership
    membership = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        memberships = active_memberships(user)
        chosen = request.session.get(SESSION_VENDOR_KEY)
        if chosen is not None:
            membership = memberships.filter(vendor_id=chosen).first()
        membership = membership or memberships.first()
    request.vendor_membership = membership
    request.vendor = membership.vendor if membership else None
    if membership is not None:
        request.audit_vendor_id = membership.vendor_id
    return membership


def current_vendor(request: HttpRequest) -> Vendor:
    """Return the request's vendor; refuse when there is none (a page on the wrong site)."""
    membership = membership_for(request)
    if membership is None:
        raise PermissionDenied
    return membership.vendor


def role_allows(request: HttpRequest, action: str) -> bool:
    membership = membership_for(request)
    return membership is not None and action in ROLE_PERMISSIONS[membership.role]


class SellerLoginForm(AuthenticationForm):
    """Sign in vendor staff: the admin's form would refuse them for not being ``is_staff``."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_vendor": _(
            "This account is not a member of an approved vendor. "
            "Ask the vendor's owner to add you, or wait for the vendor's approval."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not active_memberships(user).exists():
            raise forms.ValidationError(self.error_messages["no_vendor"], code="no_vendor")


class SellerCenterSite(admin.AdminSite):
    """The admin site of vendor staff, mounted at ``/seller/``."""

    site_header = _("Seller center")
    site_title = _("Seller center")
    index_title = _("Dashboard")
    login_form = SellerLoginForm
    index_template = "sellercenter/index.html"
    enable_nav_sidebar = True

    def has_permission(self, request: HttpRequest) -> bool:
        """Let in an active user with an active membership in an approved vendor, no one else.

        Platform staff without a membership are refused too: they use ``/admin/``.
        """
        return membership_for(request) is not None

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        membership = membership_for(request)
        if membership is not None:
            context["site_header"] = f"{self.site_header} · {membership.vendor.name}"
            context["seller_membership"] = membership
        return context

    def get_log_entries(self, request: HttpRequest) -> models.QuerySet[LogEntry]:
        # Django's "recent actions" spans every vendor the user ever acted for.
        return LogEntry.objects.none()

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "switch-vendor/",
                self.admin_view(require_POST(self.switch_vendor)),
                name="switch_vendor",
            ),
        ]
        return urls + super().get_urls()

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        vendor = current_vendor(request)
        context = {
            "dashboard_counts": dashboard_counts(vendor),
            "vendor_choices": [m.vendor for m in active_memberships(request.user)],
            **(extra_context or {}),
        }
        return super().index(request, context)

    def switch_vendor(self, request: HttpRequest) -> HttpResponse:
        """Make another of the user's vendors the one the session acts for."""
        vendor_id = request.POST.get("vendor", "")
        if (
            vendor_id.isdigit()
            and active_memberships(request.user).filter(vendor_id=int(vendor_id)).exists()
        ):
            request.session[SESSION_VENDOR_KEY] = int(vendor_id)
        return HttpResponseRedirect(reverse("sellercenter:index", current_app=self.name))


seller_site = SellerCenterSite(name="sellercenter")


# --- Scoping helpers ------------------------------------------------------------------------


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


# --- CSV export ------------------------------------------------------------------------------


def default_csv_fields(model: type[models.Model]) -> list[str]:
    """Return every concrete field of ``model`` except secrets (account numbers, tokens)."""
    return [
        field.name for field in model._meta.concrete_fields if not audit.is_sensitive(field.name)
    ]


def csv_value(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname)
    value = getattr(obj, name)
    if value is None:
        return ""
    if field.flatchoices:  # the label people read, not the stored code
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, list | tuple):  # e.g. a multiple-country field
        return ", ".join(str(item) for item in value)
    return value


def write_csv(
    response: HttpResponse, model: type[models.Model], rows: Iterable[Any], fields: list[str]
) -> int:
    """Write ``rows`` to ``response`` under the fields' (translated) names; return the count."""
    response.write("\ufeff")  # the BOM makes Excel read UTF-8 Korean correctly
    writer = csv.writer(response)
    writer.writerow([str(model._meta.get_field(name).verbose_name) for name in fields])
    count = 0
    for obj in rows:
        writer.writerow([csv_value(obj, name) for name in fields])
        count += 1
    return count


def export_csv_response(
    request: HttpRequest,
    rows: models.QuerySet,
    fields: list[str],
    *,
    vendor: Vendor | None,
    filename: str = "",
) -> HttpResponse:
    """Return ``rows`` as a CSV download and record the bulk read as an audit event."""
    model = rows.model
    filename = filename or f"{model._meta.model_name}-{timezone.localdate():%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    with transaction.atomic():
        count = write_csv(response, model, rows.order_by("pk"), fields)
        publish(
            DataExported(
                model=model._meta.label,
                row_count=count,
                fields=fields,
                vendor_id=vendor.pk if vendor else None,
            )
        )
    return response
