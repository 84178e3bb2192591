"""Helpers of the seller-center scoping tests: find factories, build admin form posts.

Every model registered on the seller center needs a factory in
``tests/<app_label>/factories.py`` (named ``<Model>Factory``) that accepts the
admin's ``vendor_field`` path as a keyword, e.g. ``ProductFactory(vendor=v)`` or
``VariantFactory(product__vendor=v)``; the scoping matrix then covers the page.
"""

from __future__ import annotations

import importlib
from typing import Any

import factory
from django import forms
from django.contrib.admin.helpers import AdminForm
from django.db import models

from vendors.models import Vendor


def factory_for(model: type[models.Model]) -> type[factory.django.DjangoModelFactory] | None:
    """Return the test factory of ``model`` from ``tests.<app_label>.factories``."""
    try:
        module = importlib.import_module(f"tests.{model._meta.app_label}.factories")
    except ModuleNotFoundError:
        return None
    candidates = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, factory.django.DjangoModelFactory)
        and value._meta.model is model
    ]
    preferred = [item for item in candidates if item.__name__ == f"{model.__name__}Factory"]
    return (preferred or candidates or [None])[0]


def make_row(model: type[models.Model], vendor_field: str, vendor: Vendor, **extra: Any) -> Any:
    """Create a row of ``model`` belonging to ``vendor`` (Vendor itself: the vendor).

    Rows are made repeatable per vendor: a flag that may be true on only one row of a
    vendor (a default policy) is set false on the row and on the parents it creates.
    """
    if vendor_field == "pk":
        return vendor
    model_factory = factory_for(model)
    assert model_factory is not None, f"add a factory for {model._meta.label}"
    return model_factory(**{vendor_field: vendor, **single_flags_off(model, vendor_field), **extra})


def single_flags_off(model: type[models.Model], vendor_field: str) -> dict[str, bool]:
    """Return ``{path: False}`` for each ``UniqueConstraint(condition=Q(flag=True))`` on the way."""
    overrides: dict[str, bool] = {}
    prefix = ""
    for part in ["", *vendor_field.split("__")[:-1]]:
        if part:
            model = model._meta.get_field(part).related_model
            prefix += f"{part}__"
        for constraint in model._meta.constraints:
            condition = getattr(constraint, "condition", None)
            if isinstance(constraint, models.UniqueConstraint) and condition is not None:
                for child in condition.children:
                    # A boolean field's flag only: ``notified_at__isnull=True`` is no flag.
                    if isinstance(child, tuple) and child[1] is True and "__" not in child[0]:
                        overrides[f"{prefix}{child[0]}"] = False
    return overrides


def _put(data: dict[str, Any], name: str, field: forms.Field, value: Any) -> None:
    if isinstance(field.widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else field.widget.decompress(value)
        for index, part in enumerate(parts):
            data[f"{name}_{index}"] = "" if part is None else str(part)
        return
    if isinstance(field, forms.BooleanField):
        if value:
            data[name] = "on"
        return
    if isinstance(field, forms.FileField):
        return
    if isinstance(value, list | tuple):
        data[name] = [str(item) for item in value]
        return
    data[name] = "" if value is None else str(value)


def form_fields_data(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        _put(data, form.add_prefix(name), field, form[name].value())
    return data


def changeform_post_data(response: Any) -> dict[str, Any]:
    """Return the POST body that re-submits the admin change/add page in ``response`` as is."""
    adminform: AdminForm = response.context["adminform"]
    data = form_fields_data(adminform.form)
    for inline_admin_formset in response.context["inline_admin_formsets"]:
        formset = inline_admin_formset.formset
        data.update(form_fields_data(formset.management_form))
        for form in formset.forms:
            data.update(form_fields_data(form))
    return data


def vendor_owned_fk_fields(form: forms.BaseForm) -> list[str]:
    """Return the form's choice fields whose choices are rows of some vendor."""
    from vendors.sellercenter import vendor_path_for_model

    names = []
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and vendor_path_for_model(queryset.model) is not None:
            names.append(name)
    return names
