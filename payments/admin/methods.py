"""Saved brand-pay methods and provider webhooks in the platform admin, read-only.

A saved method is shown by its masked label only: its encrypted token (and the buyer
key the provider knows) is never even loaded on these pages, nor exported.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from orders.admin.common import Column, csv_download, payment_method_label, plain, run_service
from payments import services
from payments.admin.common import ProviderFilter, ReadOnlyAdmin, member_link
from payments.models import InboundWebhook, StoredPaymentMethod
from shop.admin import history_url

# --- Saved payment methods (brand pay) ---------------------------------------------------------

METHOD_COLUMNS: list[Column] = [
    ("id", _("id"), lambda m: m.pk),
    ("member", _("member"), lambda m: m.user_id),
    ("member_email", _("member e-mail"), lambda m: m.user.email),
    ("provider", _("provider"), lambda m: payment_method_label(m.provider)),
    ("label", _("label"), lambda m: m.label),
    ("status", _("status"), lambda m: m.get_status_display()),
    ("created_at", _("created at"), lambda m: plain(m.created_at)),
    ("last_used_at", _("last used"), lambda m: plain(m.last_used_at)),
    ("deactivated_at", _("removed at"), lambda m: plain(m.deactivated_at)),
]
# Never loaded on these pages: the encrypted token, and the key the provider knows the buyer by.
HIDDEN_METHOD_FIELDS = ["token_ciphertext", "buyer_key"]


@admin.register(StoredPaymentMethod)
class StoredPaymentMethodAdmin(ReadOnlyAdmin):
    """Members' saved methods, by their masked label only; staff can remove one."""

    list_display = [
        "label",
        "member",
        "provider_display",
        "status",
        "created_at",
        "last_used_at",
        "deactivated_at",
    ]
    list_filter = ["status", ProviderFilter]
    search_fields = ["user__email", "label"]
    search_help_text = _("Member's e-mail or the method's label.")
    list_per_page = 50
    show_full_result_count = False
    fields = [
        "label",
        "member",
        "provider_display",
        "status",
        "created_at",
        "last_used_at",
        "deactivated_at",
        "payments",
        "history",
    ]
    readonly_fields = fields
    exclude = HIDDEN_METHOD_FIELDS
    actions = ["remove_selected", "export_csv"]
    change_form_template = "payments/admin/method_change_form.html"

    transition_permission = "payments.change_storedpaymentmethod"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = StoredPaymentMethod.objects.select_related("user").defer(*HIDDEN_METHOD_FIELDS)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    @admin.display(description=_("member"), ordering="user__email")
    def member(self, obj: StoredPaymentMethod) -> str:
        return member_link(obj.user)

    @admin.display(description=_("provider"), ordering="provider")
    def provider_display(self, obj: StoredPaymentMethod) -> str:
        return payment_method_label(obj.provider)

    @admin.display(description=_("payments"))
    def payments(self, obj: StoredPaymentMethod) -> str:
        url = reverse("admin:payments_paymentintent_changelist")
        return format_html(
            '<a href="{}?stored_method__id__exact={}">{}</a>',
            url,
            obj.pk,
            gettext("Payments made with it"),
        )

    @admin.display(description=_("history"))
    def history(self, obj: StoredPaymentMethod) -> str:
        return format_html('<a href="{}">{}</a>', history_url(obj), gettext("Audit log"))

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/remove/",
                self.admin_site.admin_view(require_POST(self.remove_view)),
                name="payments_storedpaymentmethod_remove",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if (
            obj is not None
            and obj.status != StoredPaymentMethod.Status.INACTIVE
            and self.has_transition_permission(request)
        ):
            context["remove_url"] = reverse(
                "admin:payments_storedpaymentmethod_remove", args=[obj.pk]
            )
        return super().change_view(request, object_id, form_url, context)

    def remove_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        method = self.get_object(request, unquote(object_id))
        if method is None or not self.has_view_permission(request, method):
            raise Http404
        if not self.has_transition_permission(request):
            raise PermissionDenied
        remove(request, method)
        return HttpResponseRedirect(
            reverse("admin:payments_storedpaymentmethod_change", args=[method.pk])
        )

    @admin.action(
        description=_("Remove the selected saved methods (deactivated at the provider)"),
        permissions=["transition"],
    )
    def remove_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for method in queryset.order_by("pk"):
            remove(request, method)

    @admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return csv_download(
            model=StoredPaymentMethod,
            columns=METHOD_COLUMNS,
            rows=queryset.order_by("pk"),
            vendor_id=None,
            filename="saved-payment-methods",
        )


def remove(request: HttpRequest, method: StoredPaymentMethod) -> None:
    label = gettext("%(label)s of %(member)s") % {"label": method.label, "member": method.user}
    if run_service(request, label, lambda: services.remove_method_by_staff(method_id=method.pk)):
        messages.success(
            request,
            gettext("%(method)s: removed; it is being deactivated at %(provider)s.")
            % {"method": label, "provider": payment_method_label(method.provider)},
        )


# --- Provider webhooks -------------------------------------------------------------------------


@admin.register(InboundWebhook)
class InboundWebhookAdmin(ReadOnlyAdmin):
    """Notifications providers sent, once per event id (a replay is not kept twice)."""

    list_display = [
        "received_at",
        "provider_display",
        "event_type",
        "event_id",
        "verified",
        "processed_at",
    ]
    list_filter = [ProviderFilter, "verified", "received_at"]
    search_fields = ["=event_id", "event_type"]
    list_per_page = 50
    show_full_result_count = False
    fields = [
        "provider_display",
        "event_id",
        "event_type",
        "verified",
        "received_at",
        "processed_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("provider"), ordering="provider")
    def provider_display(self, obj: InboundWebhook) -> str:
        return payment_method_label(obj.provider)
