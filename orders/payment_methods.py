"""The payment methods checkout offers: bank transfer from here, the providers from payments.

Orders cannot import payments (apps depend downward), so the payments app registers
its methods when Django starts (``PaymentsConfig.ready``) and a plugin can add its own.
Checkout lists the methods available for the cart's destination and the shopper,
validates the choice against them, and after placement sends the buyer to the method's
``start_url``; a method without one (bank transfer) goes straight to the complete page.

A choice is the method's code, or ``code:detail`` for a method with several choices
(brand pay: one per saved method); the order records the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from orders.models import Order, PaymentMethod

DOMESTIC_COUNTRY = "KR"


@dataclass(frozen=True)
class PaymentOption:
    """One way to pay, as checkout shows it.

    ``choices(user)`` returns the choices this method offers the shopper, as
    ``(value, label)``; the default is the method itself. ``available(country)`` says
    whether it takes orders shipped to ``country`` (PayPal: abroad only).
    ``start_url(order, choice)`` is where the buyer goes after placement.
    """

    code: str
    label: Any
    online: bool = True  # paid at a provider within minutes, not by a deposit within days
    icon: str = ""  # a static file path
    description: Any = ""
    start_url: Callable[[Order, str], str] | None = None
    available: Callable[[str], bool] = field(default=lambda country: True)
    choices: Callable[[Any], list[tuple[str, Any]]] | None = None

    def choices_for(self, user: Any) -> list[tuple[str, Any]]:
        return self.choices(user) if self.choices else [(self.code, self.label)]


_options: dict[str, PaymentOption] = {}


def register(option: PaymentOption) -> None:
    """Offer ``option`` at checkout (again under the same code: the new one replaces it)."""
    _options[option.code] = option


def code_of(choice: str) -> str:
    """Return the method code of a checkout choice (``brandpay:12`` → ``brandpay``)."""
    return str(choice or "").partition(":")[0]


def get_option(code: str) -> PaymentOption | None:
    return _options.get(code_of(code))


def options_for(*, country: str = DOMESTIC_COUNTRY, user: Any = None) -> list[PaymentOption]:
    """Return the methods open to a shopper shipping to ``country``, in checkout order."""
    country = str(country or DOMESTIC_COUNTRY).upper()
    return [option for option in _options.values() if option.available(country)]


def choices_for(*, country: str = DOMESTIC_COUNTRY, user: Any = None) -> list[tuple[str, Any]]:
    """Return every choice checkout offers: ``(value, label)``."""
    return [
        choice
        for option in options_for(country=country, user=user)
        for choice in option.choices_for(user)
    ]


def label_of(code: str) -> str:
    """Return a method's label for lists and e-mails (the code if it is not offered now)."""
    option = get_option(code)
    return str(option.label) if option else str(code)


register(
    PaymentOption(
        code=PaymentMethod.BANK_TRANSFER,
        label=PaymentMethod.BANK_TRANSFER.label,
        online=False,
        description=_("Transfer the total to the shop's account; the order ships once it arrives."),
        # A deposit to a Korean bank account: a buyer abroad pays online (PayPal) instead.
        available=lambda country: country == DOMESTIC_COUNTRY,
    )
)
