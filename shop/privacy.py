"""The personal-data access log (접속기록): staff and vendor staff reading customers' data.

개인정보의 안전성 확보조치 기준 제8조 asks for a record of who read whose personal data,
when, from where and how, and for a confirmed reason whenever it is downloaded.
``AuditedModelAdmin`` calls in here, so every admin page of both sites (admin and seller
center) whose model holds a customer's contact details is covered: lists and detail
pages write one ``PersonalDataAccess`` row per request, and "export" actions and export
views ask for a reason first. Lower apps can't know which higher models hold personal
data, hence the field-name rule below; an admin can override it with ``personal_data``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.audit import jsonable
from shop.models import PersonalDataAccess

# A customer's contact details or identity, by the field names the shop uses for them.
PERSONAL_FIELD = re.compile(
    r"^(email|phone|recipient(_name|_phone)?|orderer_\w+|road_address|detail_address|birth_date)$"
)
REASON_FIELD = "export_reason"
# Enough to tell whose data one page or one download held without a huge row.
MAX_RECORDED_IDS = 1000

AdminAction = Callable[[Any, HttpRequest, models.QuerySet], Any]


def holds_personal_data(model_admin: Any) -> bool:
    """Whether the admin shows customers' personal data (its ``personal_data`` decides first)."""
    declared = getattr(model_admin, "personal_data", None)
    if declared is not None:
        return bool(declared)
    return any(
        PERSONAL_FIELD.match(field.name) for field in model_admin.model._meta.concrete_fields
    )


def record_access(
    request: HttpRequest,
    *,
    action: str,
    model: type[models.Model],
    object_ids: Iterable[Any],
    reason: str = "",
    vendor_id: int | None = None,
) -> PersonalDataAccess:
    """Write the one access record of this request: who, when, from where, whose rows, why.

    The vendor is the seller center's (``audit_vendor_id``) unless given (the seller API).
    """
    user = request.user
    ids = [jsonable(pk) for pk in object_ids]
    return PersonalDataAccess.objects.create(
        account_id=user.pk,
        account_label=str(user)[:255],
        vendor_id=vendor_id or getattr(request, "audit_vendor_id", None),
        ip_address=getattr(request, "client_ip", None),
        action=action,
        model=model._meta.label,
        object_ids=ids[:MAX_RECORDED_IDS],
        row_count=len(ids),
        query=request.GET.urlencode()[:500],
        path=request.path[:255],
        reason=reason[:255],
    )


def log_list_view(request: HttpRequest, model_admin: Any, response: HttpResponse) -> None:
    """Record the rows a list page showed, once it has rendered them (no extra query)."""
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if changelist is None or response.status_code != 200:
        return

    def record(_rendered: HttpResponse) -> None:  # returning None keeps the response
        ids = [obj.pk for obj in changelist.result_list]
        record_access(
            request, action=PersonalDataAccess.Action.VIEW, model=model_admin.model, object_ids=ids
        )

    response.add_post_render_callback(record)


def log_detail_view(
    request: HttpRequest, model_admin: Any, object_id: str, response: HttpResponse
) -> None:
    if request.method == "GET" and response.status_code == 200:
        record_access(
            request,
            action=PersonalDataAccess.Action.VIEW,
            model=model_admin.model,
            object_ids=[object_id],
        )


class ExportReasonForm(forms.Form):
    export_reason = forms.CharField(
        label=_("Reason for the download"),
        max_length=255,
        help_text=_(
            "Personal data may be downloaded only for a stated purpose, "
            "e.g. 'ship today's orders'. The reason is kept in the access log."
        ),
    )


def reason_page(
    model_admin: Any,
    request: HttpRequest,
    form: ExportReasonForm,
    *,
    method: str,
    action_name: str = "",
) -> TemplateResponse:
    """Ask why the data is downloaded, carrying the request's other fields along unchanged."""
    source = request.POST if method == "post" else request.GET
    carried = [
        (key, value)
        for key, values in source.lists()
        if key not in (REASON_FIELD, "csrfmiddlewaretoken", "index", "action")
        for value in values
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Why are you downloading this data?"),
        "opts": model_admin.model._meta,
        "form": form,
        "method": method,
        "carried": carried,
        "action_name": action_name,
    }
    return TemplateResponse(request, "admin/export_reason.html", context)


def reason_form(data: Any) -> ExportReasonForm:
    # Unbound on the first visit (no error shown yet); bound once the form was sent.
    return ExportReasonForm(data if REASON_FIELD in data else None)


def require_reason_for_action(func: AdminAction, name: str) -> AdminAction:
    """Wrap an export action: ask for the reason first, then export and record it."""

    @wraps(func)
    def action(model_admin: Any, request: HttpRequest, queryset: models.QuerySet) -> Any:
        form = reason_form(request.POST)
        if not form.is_valid():
            return reason_page(model_admin, request, form, method="post", action_name=name)
        response = func(model_admin, request, queryset)
        record_access(
            request,
            action=PersonalDataAccess.Action.EXPORT,
            model=model_admin.model,
            object_ids=queryset.values_list("pk", flat=True),
            reason=form.cleaned_data[REASON_FIELD],
        )
        return response

    return action


def listed_rows(model_admin: Any, request: HttpRequest) -> models.QuerySet:
    """The rows the list page shows for this request's filters and search."""
    try:
        return model_admin.get_changelist_instance(request).get_queryset(request)
    except IncorrectLookupParameters:
        return model_admin.get_queryset(request)


def require_reason_for_view(
    view: Callable[[Any, HttpRequest], HttpResponse],
) -> Callable[[Any, HttpRequest], HttpResponse]:
    """Wrap an export view (a GET download of the filtered list) like an export action."""

    @wraps(view)
    def export_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
        if not model_admin.has_view_permission(request):
            raise PermissionDenied  # before the reason page, which shows the list's name
        form = reason_form(request.GET)
        if not form.is_valid():
            return reason_page(model_admin, request, form, method="get")
        # The list's filters read every query parameter: the reason must not be one.
        request.GET = request.GET.copy()
        request.GET.pop(REASON_FIELD)
        response = view(model_admin, request)
        if response.status_code == 200:
            record_access(
                request,
                action=PersonalDataAccess.Action.EXPORT,
                model=model_admin.model,
                object_ids=listed_rows(model_admin, request).values_list("pk", flat=True),
                reason=form.cleaned_data[REASON_FIELD],
            )
        return response

    return export_view


def gate_export_actions(model_admin: Any, actions: dict[str, Any]) -> dict[str, Any]:
    """Return ``actions`` with every ``export*`` one asking for a reason (personal data only)."""
    if not holds_personal_data(model_admin):
        return actions
    return {
        name: (require_reason_for_action(func, name), name, description)
        if name.startswith("export")
        else (func, name, description)
        for name, (func, _name, description) in actions.items()
    }


# --- The monthly review (안전성 확보조치 기준 제8조: check the records at least monthly) --------

# An account that read more rows than this in a month is flagged for a closer look.
BULK_READ_ROWS = 1000


def month_bounds(month: str) -> tuple[Any, Any]:
    """Return the local start of ``YYYY-MM`` and of the month after it."""
    from datetime import datetime

    from django.utils import timezone

    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.get_current_timezone())
    following = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return start, following


def monthly_report(month: str) -> list[dict[str, Any]]:
    """Per account: pages viewed, downloads with their reasons, rows read, from which IPs."""
    start, end = month_bounds(month)
    records = PersonalDataAccess.objects.filter(created_at__gte=start, created_at__lt=end)
    accounts: dict[tuple[Any, str], dict[str, Any]] = {}
    for record in records.order_by("id").iterator():
        key = (record.account_id, record.account_label)
        row = accounts.setdefault(
            key,
            {
                "account_id": record.account_id,
                "account": record.account_label,
                "vendor_id": record.vendor_id,
                "views": 0,
                "exports": 0,
                "rows": 0,
                "ips": set(),
                "reasons": [],
            },
        )
        row["views" if record.action == PersonalDataAccess.Action.VIEW else "exports"] += 1
        row["rows"] += record.row_count
        row["ips"].add(record.ip_address or "-")
        if record.reason:
            row["reasons"].append(record.reason)
    report = []
    for row in accounts.values():
        row["ips"] = sorted(row["ips"])
        row["flagged"] = row["rows"] > BULK_READ_ROWS
        report.append(row)
    return sorted(report, key=lambda row: (-row["rows"], row["account"]))
