"""The plugin's admin page: Toss receipts, read-only (they mirror what Toss captured)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shop.extend import AuditedModelAdmin
from shop_tosspayments.models import TossReceipt


@admin.register(TossReceipt)
class TossReceiptAdmin(AuditedModelAdmin):
    list_display = ["payment_key", "order_id", "amount", "method_label", "created_at", "receipt"]
    search_fields = ["payment_key"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("receipt"))
    def receipt(self, obj: TossReceipt) -> str:
        return format_html('<a href="{}" rel="noopener" target="_blank">Toss</a>', obj.receipt_url)
