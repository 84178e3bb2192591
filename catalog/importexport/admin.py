"""The import and export pages of the product list, for the platform admin and the seller center.

``ProductAdminMixin`` includes this mixin, so both sites get the same buttons: "가져오기"
(upload, preview, confirm), "내보내기" as CSV or Excel (the list as filtered), and an
export action on the selected rows. Each page acts for ``acting_vendor_id(request)``:
``None`` on the platform admin, the member's own vendor in the seller center, which the
services then enforce (another vendor's product is "not found").

The preview runs the whole import and rolls it back; the uploaded bytes wait in the
cache (bound to the user, the site and the vendor) until the merchant confirms, and
the confirmed import checks every row again in its own transaction.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.importexport import formats
from catalog.importexport.forms import ImportForm
from catalog.importexport.services import ExportFile, ImportResult, export_catalog, import_catalog

PENDING_SECONDS = 30 * 60
MAX_ERRORS_SHOWN = 500


def download(file: ExportFile) -> HttpResponse:
    response = HttpResponse(file.data, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


class CatalogImportExportMixin:
    """URLs, views and actions of product import and export on a product ModelAdmin."""

    change_list_template = "catalog/admin/product_change_list.html"
    import_export_actions = ["export_products_csv", "export_products_xlsx"]

    def acting_vendor_id(self, request: HttpRequest) -> int | None:
        return None

    def get_urls(self) -> list[Any]:
        opts = self.model._meta  # type: ignore[attr-defined]
        prefix = f"{opts.app_label}_{opts.model_name}"
        site = self.admin_site  # type: ignore[attr-defined]
        return [
            path("import/", site.admin_view(self.import_view), name=f"{prefix}_import"),
            path("export/", site.admin_view(self.export_view), name=f"{prefix}_export"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def import_export_url(self, name: str) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        site = self.admin_site.name  # type: ignore[attr-defined]
        return reverse(f"{site}:{opts.app_label}_{opts.model_name}_{name}")

    def may_import(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)  # type: ignore[attr-defined]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        query = request.GET.copy()
        context: dict[str, Any] = {}
        if self.may_import(request):
            context["catalog_import_url"] = self.import_export_url("import")
        if self.has_view_permission(request):  # type: ignore[attr-defined]
            export_url = self.import_export_url("export")
            for file_format in formats.CONTENT_TYPES:
                query["format"] = file_format
                context[f"catalog_export_{file_format}_url"] = f"{export_url}?{query.urlencode()}"
        context.update(extra_context or {})
        return super().changelist_view(request, context)  # type: ignore[misc]

    # --- Export -------------------------------------------------------------------------------

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Download the product list as filtered and searched on the list page."""
        if not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        request.GET = request.GET.copy()
        file_format = request.GET.pop("format", [formats.CSV])[-1]
        if file_format not in formats.CONTENT_TYPES:
            file_format = formats.CSV
        try:
            changelist = self.get_changelist_instance(request)  # type: ignore[attr-defined]
        except IncorrectLookupParameters:
            changelist = None
        rows = (
            changelist.get_queryset(request)
            if changelist is not None
            else self.get_queryset(request)  # type: ignore[attr-defined]
        )
        return self.export_response(request, rows, file_format)

    def export_response(
        self, request: HttpRequest, rows: QuerySet, file_format: str
    ) -> HttpResponse:
        file = export_catalog(
            products=rows, file_format=file_format, vendor_id=self.acting_vendor_id(request)
        )
        return download(file)

    @admin.action(description=_("Export selected products as CSV"))
    def export_products_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return self.export_response(request, queryset, formats.CSV)

    @admin.action(description=_("Export selected products as Excel"))
    def export_products_xlsx(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return self.export_response(request, queryset, formats.XLSX)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if self.has_view_permission(request):  # type: ignore[attr-defined]
            for name in self.import_export_actions:
                actions[name] = self.get_action(name)  # type: ignore[attr-defined]
        return actions

    # --- Import -------------------------------------------------------------------------------

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload → preview (a dry run with every row's errors) → confirm → result."""
        if not self.may_import(request):
            raise PermissionDenied
        vendor_id = self.acting_vendor_id(request)
        form = ImportForm()
        result: ImportResult | None = None
        token = ""
        if request.method == "POST" and request.POST.get("token"):
            return self.confirm_import(request, request.POST["token"], vendor_id)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                try:
                    result = import_catalog(
                        name=upload.name, data=data, vendor_id=vendor_id, dry_run=True
                    )
                except formats.FileRefusedError as refused:
                    form.add_error("file", refused.message)
                else:
                    if result.ok:
                        token = self.keep_upload(request, upload.name, data, vendor_id)
        return self.render_import(request, form, result, token)

    def pending_key(self, token: str) -> str:
        return f"catalog-import:{self.admin_site.name}:{token}"  # type: ignore[attr-defined]

    def keep_upload(self, request: HttpRequest, name: str, data: bytes, vendor_id: Any) -> str:
        token = secrets.token_urlsafe(24)
        owner = {"user": request.user.pk, "vendor": vendor_id}
        cache.set(self.pending_key(token), {**owner, "name": name, "data": data}, PENDING_SECONDS)
        return token

    def confirm_import(self, request: HttpRequest, token: str, vendor_id: Any) -> HttpResponse:
        pending = cache.get(self.pending_key(token))
        # Bound to who previewed it: another user (or the same user now acting for
        # another vendor) cannot confirm it.
        if not pending or (pending["user"], pending["vendor"]) != (request.user.pk, vendor_id):
            self.message_user(  # type: ignore[attr-defined]
                request,
                gettext("The preview has expired; upload the file again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(self.import_export_url("import"))
        cache.delete(self.pending_key(token))
        result = import_catalog(name=pending["name"], data=pending["data"], vendor_id=vendor_id)
        if not result.applied:  # the catalog changed since the preview: show why
            return self.render_import(request, ImportForm(), result, "")
        self.message_user(  # type: ignore[attr-defined]
            request,
            gettext(
                "Imported “%(name)s”: %(created)d products created, %(updated)d updated, "
                "%(unchanged)d unchanged; %(variants_created)d variants created, "
                "%(variants_updated)d updated."
            )
            % {
                "name": result.file_name,
                "created": result.products_created,
                "updated": result.products_updated,
                "unchanged": result.products_unchanged,
                "variants_created": result.variants_created,
                "variants_updated": result.variants_updated,
            },
        )
        return HttpResponseRedirect(self.import_export_url("changelist"))

    def render_import(
        self, request: HttpRequest, form: ImportForm, result: ImportResult | None, token: str
    ) -> HttpResponse:
        opts = self.model._meta  # type: ignore[attr-defined]
        errors = result.errors if result else []
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": gettext("Import products"),
            "opts": opts,
            "form": form,
            "result": result,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "more_errors": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "token": token,
            "changelist_url": self.import_export_url("changelist"),
            "max_rows": formats.max_rows(),
            "max_megabytes": max(1, formats.max_bytes() // (1024 * 1024)),
        }
        return TemplateResponse(request, "catalog/admin/product_import.html", context)
