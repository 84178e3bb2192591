"""The member's data rights in the API: a copy of their data, and deleting the account.

The same services as my page (``accounts.privacy_views``): the export is the JSON the
download holds; deletion asks for the password again (a social-login-only member must
have signed in within the last ten minutes) and is refused while an order is open.
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.exceptions import AccountError, AccountErrorCode
from accounts.privacy_views import signed_in_recently
from shop.api import ErrorSerializer

TAG = "account"


class DeleteAccountSerializer(serializers.Serializer):
    # Not "password": nothing in the API sets one; this one only proves who is asking.
    current_password = serializers.CharField(
        required=False, trim_whitespace=False, write_only=True, max_length=128
    )


class MyDataView(APIView):
    @extend_schema(
        tags=[TAG],
        responses={
            # One key per registered personal-data section (apps add theirs), so the map is
            # open; schemathesis found "orders", "reviews"... missing from a closed schema.
            200: {
                "type": "object",
                "properties": {
                    "exported_at": {"type": "string", "format": "date-time"},
                    "account": {"type": "object"},
                },
                "required": ["exported_at", "account"],
                "additionalProperties": True,
            },
            403: OpenApiResponse(ErrorSerializer, description="Not signed in."),
        },
        description="Everything the shop holds about the member, by section.",
    )
    def get(self, request: Request) -> Response:
        response = Response(services.export_personal_data(user_id=request.user.pk))
        response["Cache-Control"] = "no-store"
        return response


class DeleteAccountView(APIView):
    @extend_schema(
        tags=[TAG],
        request=DeleteAccountSerializer,
        responses={
            204: None,
            400: OpenApiResponse(ErrorSerializer, description="Wrong or missing password."),
            403: OpenApiResponse(ErrorSerializer, description="Not signed in."),
            429: OpenApiResponse(ErrorSerializer, description="Too many password attempts."),
            409: OpenApiResponse(ErrorSerializer, description="An order is still open."),
        },
        description="Delete the account: orders are kept with the personal fields masked.",
    )
    def post(self, request: Request) -> Response:
        data = DeleteAccountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if not ratelimit.consume(request._request, action="reauthenticate", user=user):
            raise AccountError(
                "too_many_attempts", _("Too many attempts. Try again later."), status_code=429
            )
        if user.has_usable_password():
            if not user.check_password(data.validated_data.get("current_password", "")):
                wrong = _("The password is not correct.")
                raise AccountError(
                    AccountErrorCode.REAUTH_REQUIRED, wrong, fields={"current_password": [wrong]}
                )
        elif not signed_in_recently(user):
            raise AccountError(
                AccountErrorCode.REAUTH_REQUIRED,
                _("Sign in again, then delete the account within ten minutes."),
                status_code=403,
            )
        services.delete_account(user_id=user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
