"""The audit log in the admin, and the base class that records every staff edit in it.

Every ``ModelAdmin`` of the shop inherits ``AuditedModelAdmin``: adding, changing and
deleting through the admin publishes an event with the changed fields' old and new
values, and an object's "History" link opens its entries in the audit log.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from shop import audit, privacy, webhooks
from shop.events import (
    AdminObjectAdded,
    AdminObjectChanged,
    AdminObjectDeleted,
    event_types,
    publish,
)
from shop.models import (
    AuditEvent,
    ListenerRun,
    PersonalDataAccess,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

# One sign-in page for everyone: allauth's, which is rate-limited per address and per
# account. The admin's own form would be a second, unthrottled way to guess passwords.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Shop administration")
admin.site.site_title = _("Shop admin")
admin.site.index_title = _("Dashboard")


def history_url(obj: models.Model) -> str:
    """Return the admin URL listing the audit entries about ``obj``."""
    query = urlencode({"subject_type": obj._meta.label, "subject_id": obj.pk})
    return f"{reverse('admin:shop_auditevent_changelist')}?{query}"


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose adds, changes and deletions are audit events.

    Where the model holds customers' personal data (``shop.privacy.holds_personal_data``;
    set ``personal_data`` to decide explicitly), its list and detail pages are also written
    to the personal-data access log and its export actions ask for a reason.
    """

    personal_data: bool | None = None

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if privacy.holds_personal_data(self):
            privacy.log_list_view(request, self, response)
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if privacy.holds_personal_data(self):
            privacy.log_detail_view(request, self, object_id, response)
        return response

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return privacy.gate_export_actions(self, super().get_actions(request))

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_form_save(obj, form, change=change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: Any, change: bool
    ) -> None:
        with transaction.atomic():
            # Deleting clears the instances' ids, so record deletions before saving.
            for deleted_form in formset.deleted_forms:
                if deleted_form.instance.pk is not None:
                    record_delete(deleted_form.instance)
            super().save_formset(request, form, formset, change)
            record_formset_save(formset)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_delete(obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                record_delete(obj)
            super().delete_queryset(request, queryset)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        return HttpResponseRedirect(history_url(obj))


def record_form_save(obj: models.Model, form: ModelForm, *, change: bool) -> None:
    """Publish the add or change of ``obj`` made through ``form``, with old and new values."""
    fields = [name for name in form.changed_data if name in form.cleaned_data]
    before = {name: form.initial.get(name) for name in fields} if change else {}
    after = {name: form.cleaned_data[name] for name in fields}
    diff = audit.changes(before, after)
    if change and not diff:
        return
    event_class = AdminObjectChanged if change else AdminObjectAdded
    publish(
        event_class(
            model=obj._meta.label, object_id=str(obj.pk), object_repr=str(obj)[:200], changes=diff
        ),
        subject=obj,
    )


def record_formset_save(formset: BaseInlineFormSet) -> None:
    """Publish the inline rows a formset added or changed (deletions are recorded before)."""
    added = {obj.pk for obj in formset.new_objects}
    changed = {obj.pk for obj, _fields in formset.changed_objects}
    for form in formset.forms:
        pk = form.instance.pk
        if pk in added or pk in changed:
            record_form_save(form.instance, form, change=pk in changed)


def record_delete(obj: models.Model) -> None:
    publish(
        AdminObjectDeleted(
            model=obj._meta.label, object_id=str(obj.pk), object_repr=str(obj)[:200]
        ),
        subject=obj,
    )


class ListenerRunInline(admin.TabularInline):
    model = ListenerRun
    extra = 0
    can_delete = False
    fields = ["listener", "attempts", "succeeded_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecordAdminMixin:
    """A record kept for audits or the law: read in the admin, never written there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Read-only: the application never edits or deletes audit rows."""

    list_display = [
        "created_at",
        "event_type",
        "actor_display",
        "subject_display",
        "ip_address",
        "delivery_status",
    ]
    list_filter = ["actor_kind", "delivery_status", "event_type", "subject_type"]
    search_fields = [
        "event_type",
        "actor_label",
        "subject_type",
        "subject_id",
        "subject_label",
        "request_id",
        "=ip_address",
    ]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False  # counting a large log on every page is slow
    inlines = [ListenerRunInline]
    fields = [
        "event_type",
        "created_at",
        "actor_kind",
        "actor_label",
        "actor_id",
        "actor_vendor_id",
        "ip_address",
        "request_id",
        "subject_type",
        "subject_id",
        "subject_label",
        "payload_pretty",
        "delivery_status",
        "delivery_attempts",
        "delivered_at",
        "last_delivery_error",
    ]
    readonly_fields = fields

    @admin.display(description=_("actor"), ordering="actor_label")
    def actor_display(self, obj: AuditEvent) -> str:
        return (
            f"{obj.get_actor_kind_display()}: {obj.actor_label}"
            if obj.actor_label
            else obj.get_actor_kind_display()
        )

    @admin.display(description=_("subject"))
    def subject_display(self, obj: AuditEvent) -> str:
        if not obj.subject_type:
            return "-"
        return f"{obj.subject_type} #{obj.subject_id} {obj.subject_label}".strip()

    @admin.display(description=_("payload"))
    def payload_pretty(self, obj: AuditEvent) -> str:
        text = json.dumps(obj.payload, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", text)


# --- Webhooks ---------------------------------------------------------------------------


class EventTypesField(forms.Field):
    """Event names typed one per line (or separated by commas), stored as a list."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        names = [name for name in re.split(r"[\s,]+", value or "") if name]
        return list(dict.fromkeys(names))  # drop repeats, keep the order typed


class WebhookSubscriptionForm(ModelForm):
    target_url = forms.URLField(label=_("target URL"), max_length=500, assume_scheme="https")
    event_types = EventTypesField(label=_("event types"))

    class Meta:
        model = WebhookSubscription
        fields = ["name", "target_url", "event_types", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = ", ".join(event_types()) or "-"
        self.fields["event_types"].help_text = gettext(
            "One per line, e.g. orders.OrderPlaced, or * for every event. Known events: %(known)s"
        ) % {"known": known}


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedModelAdmin):
    """Subscriptions; the signing secret is shown once, right after creation."""

    form = WebhookSubscriptionForm
    list_display = ["name", "target_url", "event_types_display", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "target_url"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["send_test_event"]

    @admin.display(description=_("event types"))
    def event_types_display(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.event_types)

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The only time the secret is shown: staff copy it into the subscriber's config.
            text = gettext("Copy the signing secret of “%(name)s” now; it is not shown again:")
            self.message_user(
                request,
                format_html("{} <code>{}</code>", text % {"name": obj.name}, obj.secret),
                messages.WARNING,
            )

    @admin.action(description=_("Send a test event"), permissions=["change"])
    def send_test_event(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        active = [subscription for subscription in queryset if subscription.is_active]
        for subscription in active:
            webhooks.send_test_event(subscription=subscription)
        self.message_user(
            request,
            ngettext(
                "Test event queued for %(count)d active subscription.",
                "Test event queued for %(count)d active subscriptions.",
                len(active),
            )
            % {"count": len(active)},
        )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "status_code", "duration_ms", "error", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RecordAdminMixin, AuditedModelAdmin):
    """The delivery log: read-only, with each HTTP attempt; failed ones can be retried."""

    list_display = [
        "id",
        "event",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    ]
    list_filter = ["status", "subscription"]
    list_select_related = ["event", "subscription"]
    search_fields = ["event__event_type", "=event__uuid", "subscription__name"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [WebhookAttemptInline]
    fields = [
        "subscription",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "last_response",
        "last_duration_ms",
        "created_at",
        "updated_at",
        "completed_at",
    ]
    readonly_fields = fields
    actions = ["retry_now"]

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        count = webhooks.retry_deliveries(deliveries=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed delivery will be retried now.",
                "%(count)d failed deliveries will be retried now.",
                count,
            )
            % {"count": count},
        )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("shop.change_webhookdelivery")


class WebhookDeliveryInline(admin.TabularInline):
    """An audit event's webhook deliveries, on the event's page."""

    model = WebhookDelivery
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["subscription", "status", "attempts", "last_status_code", "completed_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


AuditEventAdmin.inlines = [*AuditEventAdmin.inlines, WebhookDeliveryInline]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(RecordAdminMixin, AuditedModelAdmin):
    """The personal-data access log for the monthly review: read-only, even for superusers."""

    personal_data = False  # accounts and IPs of staff, no customer's data

    list_display = [
        "created_at",
        "account_label",
        "vendor_id",
        "ip_address",
        "action",
        "model",
        "row_count",
        "reason",
    ]
    list_filter = ["action", "model", "vendor_id"]
    search_fields = ["account_label", "=account_id", "=ip_address", "reason", "path"]
    date_hierarchy = "created_at"
    list_per_page = 100
    show_full_result_count = False
    readonly_fields = [field.name for field in PersonalDataAccess._meta.fields]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}  # no bulk delete
