"""Why a message could not be delivered."""

from __future__ import annotations


class DeliveryError(Exception):
    """The provider refused the message; ``retryable`` says whether trying again may help.

    ``code`` is the provider's reason (e.g. a 알림톡 template not approved), kept on the
    message's log row.
    """

    def __init__(self, code: str, detail: str = "", *, retryable: bool = False) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.retryable = retryable
