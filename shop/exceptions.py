"""The base of every business error. The API turns one into a 4xx with a stable code."""

from enum import StrEnum


class ShopError(Exception):
    """A business rule refused the request.

    ``code`` is a stable identifier for API clients; ``message`` is shown to people
    (translated); ``fields`` names the input fields at fault, if any.
    """

    status_code = 400

    def __init__(
        self,
        code: StrEnum | str,
        message: str = "",
        *,
        fields: dict[str, list[str]] | None = None,
        status_code: int | None = None,
    ) -> None:
        self.code = str(code)
        self.message = message or str(code)
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code
        super().__init__(self.message)


class NotFoundError(ShopError):
    """The object does not exist, or the caller may not know that it does."""

    status_code = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)
