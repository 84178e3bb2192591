"""Field helpers shared by the orders API serializers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from orders.models.cart import MAX_LINE_QUANTITY

WHEN = serializers.DateTimeField()


def when(value: Any) -> str | None:
    return WHEN.to_representation(value) if value is not None else None


def choices_text(choices: Any) -> str:
    return "One of: " + ", ".join(str(value) for value, _label in choices) + "."


def quantity_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, **kwargs)


def line_quantities(**kwargs: Any) -> serializers.DictField:
    return serializers.DictField(
        child=quantity_field(),
        allow_empty=False,
        help_text='Quantities by order line id, e.g. {"12": 1}.',
        **kwargs,
    )
