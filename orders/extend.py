"""The public extension API of orders (docs/extending.md).

``register_payment_method`` offers a way to pay that is not a payment provider (a
deposit, an invoice); a provider goes through ``payments.extend.register_provider``.
``random_order_number`` is the default ``ORDER_NUMBER_POLICY``, for a policy that
wraps it. Only the names in ``__all__`` are public.
"""

from orders import payment_methods
from orders.models.order import random_order_number
from orders.payment_methods import PaymentOption
from shop import plugins

__all__ = ["PaymentOption", "random_order_number", "register_payment_method"]


def register_payment_method(option: PaymentOption) -> None:
    """Offer ``option`` at checkout (the same code again replaces it)."""
    payment_methods.register(option)
    plugins.note_caller("payment method", option.code)
