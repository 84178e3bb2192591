"""Forms of the product pages (platform admin and seller center): they ask the services for the rules.

The forms hold no rule of their own: the product form runs the service's checks so a
bad notice or price shows next to its field, the option-group rows carry their values
as one comma-separated text, and the variant grid checks each row with the same code
``update_variant_grid`` uses.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog import services
from catalog.exceptions import CatalogError
from catalog.models import OptionGroup, Product, Variant
from catalog.notices import NOTICE_FIELDS, NoticeType


def notice_help() -> str:
    lines = [
        f"{NoticeType(key).label}: {', '.join(fields)}" for key, fields in NOTICE_FIELDS.items()
    ]
    return gettext("Enter every item of the type as JSON. Items per type: %(items)s") % {
        "items": " | ".join(lines)
    }


class ProductForm(forms.ModelForm):
    """The product form; the services' rules decide, the errors land on the fields."""

    class Meta:
        model = Product
        fields = [
            "vendor",
            "name",
            "slug",
            "summary",
            "description",
            "brand",
            "status",
            "price",
            "is_tax_free",
            "adult_only",
            "shipping_policy",
            "weight_grams",
            "categories",
            "notice_type",
            "notice",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "notice" in self.fields:
            self.fields["notice"].help_text = notice_help()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        values = {
            name: cleaned[name]
            for name in services.EDITABLE_FIELDS
            if name in cleaned and name in self.fields
        }
        try:
            cleaned.update(services.clean_product_values(values))
            services.check_product_rules(self.candidate(cleaned))
        except CatalogError as error:
            self.add_service_errors(error)
        return cleaned

    def candidate(self, cleaned: dict[str, Any]) -> Product:
        """Return an unsaved copy of the product with the submitted values, for the checks."""
        product = copy.copy(self.instance)
        for name in ["vendor", "slug", "price", "shipping_policy"]:
            if name in cleaned and name in self.fields:
                setattr(product, name, cleaned[name])
        return product

    def add_service_errors(self, error: CatalogError) -> None:
        for name, messages in error.fields.items():
            self.add_error(name if name in self.fields else None, messages)


def product_values(form: forms.ModelForm) -> dict[str, Any]:
    """Return the product fields the form edited, for the services."""
    return {
        name: form.cleaned_data[name]
        for name in services.EDITABLE_FIELDS
        if name in form.cleaned_data and name in form.fields
    }


class OptionGroupForm(forms.ModelForm):
    """One option group with its values typed in one box, e.g. "블랙, 화이트, 네이비"."""

    values_text = forms.CharField(
        label=_("values"),
        max_length=2000,
        help_text=_("Separate values with commas."),
        widget=forms.TextInput(attrs={"size": 60}),
    )

    class Meta:
        model = OptionGroup
        fields = ["name", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["values_text"] = ", ".join(
                value.value for value in self.instance.values.all()
            )

    def values_list(self) -> list[str]:
        return [
            part.strip() for part in self.cleaned_data["values_text"].split(",") if part.strip()
        ]


class OptionGroupFormSet(BaseInlineFormSet):
    """The option groups of a product, checked together by ``services.check_option_groups``."""

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk is not None
            if not (self.can_delete and self._should_delete_form(form))
        ]

    def groups(self) -> list[dict[str, Any]]:
        kept = sorted(self.kept_forms(), key=lambda form: form.cleaned_data.get("position") or 0)
        return [
            {"name": form.cleaned_data.get("name", ""), "values": form.values_list()}
            for form in kept
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        try:
            services.check_option_groups(self.groups())
        except CatalogError as error:
            raise forms.ValidationError(
                [message for messages in error.fields.values() for message in messages]
            ) from None


class VariantGridForm(forms.ModelForm):
    """One grid row; ``stock_was`` carries the stock the editor saw, to spot sales meanwhile."""

    stock_was = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Variant
        fields = ["sku", "extra_price", "stock", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["stock_was"] = self.instance.stock

    def stock_edited(self) -> bool:
        seen = self.cleaned_data.get("stock_was")
        return seen is None or self.cleaned_data["stock"] != seen


class VariantGridFormSet(BaseInlineFormSet):
    """The variant grid: each changed row is checked against the product's (new) price."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form = super()._construct_form(i, **kwargs)
        # Django sets only the product's id on the rows; the object saves a query per row
        # where the grid shows the final price.
        form.instance.product = self.instance
        return form

    def rows(self) -> list[dict[str, Any]]:
        """Return the changed rows; stock only where it was edited, with what the editor saw."""
        rows = []
        for form in self.forms:
            if form.instance.pk is None or not form.has_changed():
                continue
            row = {
                "variant_id": form.instance.pk,
                "extra_price": form.cleaned_data["extra_price"],
                "active": form.cleaned_data["is_active"],
                "sku": form.cleaned_data["sku"],
            }
            if form.stock_edited():
                row["stock"] = form.cleaned_data["stock"]
                if form.cleaned_data.get("stock_was") is not None:
                    row["stock_was"] = form.cleaned_data["stock_was"]
            rows.append(row)
        return rows

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        by_id = {form.instance.pk: form for form in self.forms}
        rows = self.rows()
        current = dict(
            Variant.objects.filter(pk__in=[row["variant_id"] for row in rows]).values_list(
                "pk", "stock"
            )
        )
        for row in rows:
            errors = services.row_errors(self.instance, row, prefix="")
            stale = services.stale_stock_errors([row], current).get("rows.0.stock")
            if stale:
                errors["stock"] = stale
            for name, messages in errors.items():
                field = {"active": "is_active", "stock_was": "stock"}.get(name, name)
                by_id[row["variant_id"]].add_error(field, messages)


class ProductActionForm(ActionForm):
    """The action bar of the product list, with the percent the price action applies."""

    percent = forms.DecimalField(
        label=_("percent"),
        required=False,
        max_digits=5,
        decimal_places=1,
        help_text=_("For “change price by percent”: 10 raises prices by 10%, -10 lowers them."),
    )
