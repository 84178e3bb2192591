"""API defaults shared by every app: one error body, strict input, cursor pages, bearer tokens.

Every error answers ``{"code": ..., "message": ..., "fields": {...}}``.
"""

from __future__ import annotations

from typing import Any

from django.core import exceptions as django_exceptions
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.response import Response

from shop.exceptions import ShopError


class BearerTokenAuthentication(TokenAuthentication):
    """``Authorization: Bearer <token>`` with DRF's token model."""

    keyword = "Bearer"


class CursorPagination(pagination.CursorPagination):
    """Keyset pages, newest first: constant cost however deep a client pages."""

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not declare.

    A client sending ``is_staff`` or ``total`` gets a 400 naming the field instead of
    having it silently ignored (mass assignment, AC-06).
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise exceptions.ValidationError(
                    {name: [_("This field is not accepted.")] for name in unknown},
                    code="unknown_field",
                )
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    """The one error body every API error answers with (for the OpenAPI schema)."""

    code = serializers.CharField()
    message = serializers.CharField()
    # The metaclass moves declared fields out of the class, so this does not shadow
    # Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field at fault.",
    )


class ThrottledErrorSerializer(ErrorSerializer):
    """The error body of a throttled request (429), which also says when to retry."""

    retry_after = serializers.FloatField(allow_null=True, help_text="Seconds to wait.")


# DRF's CursorPagination answers 404 to a cursor it did not give out; every cursor-paged
# list declares it (schemathesis found lists that did not).
INVALID_CURSOR = {
    404: OpenApiResponse(ErrorSerializer, description="The cursor is not one this list gave out.")
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every API error with the one error body; never let bad input become a 500."""
    # Imported here: DRF imports this module while rest_framework.views is loading.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, ShopError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, django_exceptions.RequestDataTooBig):
        return Response(
            error_body("request_too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, django_exceptions.ValidationError):
        exc = exceptions.ValidationError(detail=exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, django_exceptions.PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = _body_for(exc)
    return response


def _body_for(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return _validation_body(exc)
    code = exc.default_code
    message = (
        str(exc.detail) if not isinstance(exc.detail, list | dict) else str(exc.default_detail)
    )
    if isinstance(exc, exceptions.PermissionDenied) and message.startswith("CSRF Failed"):
        code, message = "csrf_failed", _("CSRF token missing or incorrect.")
    if isinstance(exc, exceptions.Throttled):
        return {**error_body(code, message), "retry_after": exc.wait}
    return error_body(code, message)


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    detail = exc.detail
    if isinstance(detail, dict):
        fields = {name: _flatten(messages) for name, messages in detail.items()}
        codes = exc.get_codes()
        code = "unknown_field" if _has_code(codes, "unknown_field") else "invalid"
        return error_body(code, _("Some fields are invalid."), fields)
    messages = _flatten(detail)
    return error_body("invalid", messages[0] if messages else _("Invalid input."), {})


def _flatten(messages: Any) -> Any:
    if isinstance(messages, dict):
        return {key: _flatten(value) for key, value in messages.items()}
    if isinstance(messages, list):
        if all(isinstance(item, dict) for item in messages):
            return [_flatten(item) for item in messages]
        return [str(item) for item in messages]
    return [str(messages)]


def _has_code(codes: Any, wanted: str) -> bool:
    if isinstance(codes, dict):
        return any(_has_code(value, wanted) for value in codes.values())
    if isinstance(codes, list):
        return any(_has_code(value, wanted) for value in codes)
    return codes == wanted
