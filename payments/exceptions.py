"""Error codes of payments: what a shopper, staff or an API client is told."""

from enum import StrEnum

from shop.exceptions import ShopError


class PaymentErrorCode(StrEnum):
    NOT_PAYABLE = "order_not_payable"
    PROVIDER_REFUSED = "provider_refused"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    INVALID_TRANSITION = "invalid_payment_transition"
    REFUND_EXCEEDS_REMAINING = "refund_exceeds_remaining"
    NO_CAPTURE = "no_capture"
    INVALID_METHOD = "invalid_payment_method"


class PaymentError(ShopError):
    """A payment step was refused; ``fields`` names the input at fault where there is one."""
