"""Field helpers shared by the orders models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

MONEY_DIGITS = 14  # whole won up to a hundred trillion, like the vendors ledger


def krw_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    """Return a field of whole won (KRW has no minor unit)."""
    kwargs.setdefault("default", 0)
    return models.DecimalField(verbose_name, max_digits=MONEY_DIGITS, decimal_places=0, **kwargs)


def not_negative(model: str, *fields: str) -> list[models.CheckConstraint]:
    """Return one CHECK per field refusing a negative amount, named after the model and field."""
    return [
        models.CheckConstraint(condition=Q(**{f"{field}__gte": 0}), name=f"{model}_{field}_gte_0")
        for field in fields
    ]
