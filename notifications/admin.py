"""Templates staff edit (with a preview of every channel) and the log of sent messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.defaults import SAMPLE_CONTEXT
from notifications.models import Message, NotificationTemplate
from notifications.rendering import check_syntax
from shop.admin import AuditedModelAdmin

CHANNEL_LABELS = {"email": _("E-mail"), "alimtalk": _("KakaoTalk 알림톡"), "sms": _("SMS")}


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = [
            "code",
            "name",
            "active",
            "email_subject",
            "email_body",
            "alimtalk_template_code",
            "alimtalk_body",
            "sms_text",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("email_subject", "email_body", "sms_text"):
            error = check_syntax(data.get(name) or "")
            if error:
                self.add_error(name, _("This text does not render: %(error)s") % {"error": error})
        if bool(data.get("alimtalk_body")) != bool(data.get("alimtalk_template_code")):
            self.add_error(
                "alimtalk_template_code",
                _("A 알림톡 needs both its approved template code and its text."),
            )
        return data


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(AuditedModelAdmin):
    form = NotificationTemplateForm
    list_display = ["code", "name", "active", "channels"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["code", "name", "active"]}),
        (_("E-mail"), {"fields": ["email_subject", "email_body"]}),
        (_("KakaoTalk 알림톡"), {"fields": ["alimtalk_template_code", "alimtalk_body"]}),
        (_("SMS"), {"fields": ["sms_text"]}),
        (_("Preview with sample values"), {"fields": ["preview"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Code is what the shop sends by; renaming it would silence that event.
        return ["code", "preview"] if obj is not None else ["preview"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a template off instead; a missing one would come back

    @admin.display(description=_("channels"))
    def channels(self, obj: NotificationTemplate) -> str:
        shown = [
            str(label)
            for code, label in CHANNEL_LABELS.items()
            if {"email": obj.email_body, "alimtalk": obj.alimtalk_body, "sms": obj.sms_text}[code]
        ]
        return ", ".join(shown)

    @admin.display(description=_("preview"))
    def preview(self, obj: NotificationTemplate) -> str:
        if obj.pk is None:
            return _("Save the template to see its preview.")
        rendered = services.preview(template=obj, context=SAMPLE_CONTEXT)
        return format_html_join(
            "",
            '<div style="margin-bottom:1em"><strong>{}</strong>{}'
            '<pre style="white-space:pre-wrap">{}</pre></div>',
            (
                (
                    CHANNEL_LABELS[code],
                    format_html("<br>{}", shown["subject"]) if shown["subject"] else "",
                    shown["body"],
                )
                for code, shown in rendered.items()
            ),
        )


@admin.register(Message)
class MessageAdmin(AuditedModelAdmin):
    list_display = [
        "created_at",
        "template_code",
        "channel",
        "recipient",
        "status",
        "attempts",
        "failover",
        "fallback_of",
    ]
    list_filter = ["status", "channel", "template_code", "marketing", "failover"]
    search_fields = ["recipient", "provider_id", "template_code"]
    list_select_related = ["fallback_of"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.action(description=_("Send the failed messages again"))
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        ids = list(queryset.filter(status=Message.Status.FAILED).values_list("pk", flat=True))
        done = sum(services.resend(message_id=message_id) for message_id in ids)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", done)
            % {"count": done},
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Message._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the delivery log is a record of what was sent

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [(None, {"fields": self.get_readonly_fields(request, obj)})]
