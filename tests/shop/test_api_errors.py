"""Every API failure answers the one error body ``{"code", "message", "fields"}``.

The views under ``api/test/`` exist only in this module's URLconf: they are the
smallest views that reach each error path through DRF and Django's real machinery.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from shop.api import StrictInputSerializer
from shop.exceptions import ShopError

ERROR_KEYS = {"code", "message", "fields"}


class WidgetInput(StrictInputSerializer):
    name = serializers.CharField(max_length=20)
    quantity = serializers.IntegerField(min_value=1)


class WidgetView(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        data = WidgetInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data, status=201)


class PrivateView(APIView):
    def get(self, request: Request) -> Response:
        return Response({"email": request.user.email})


class TwoPerMinute(AnonRateThrottle):
    rate = "2/min"


class ThrottledView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [TwoPerMinute]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class SignupInput(StrictInputSerializer):
    email = serializers.EmailField()
    fail_with = serializers.ChoiceField(choices=["refusal", "crash"])


def create_two_users_then_fail(*, email: str, fail_with: str) -> None:
    """Write two rows in one transaction, then fail as a service might."""
    with transaction.atomic():
        User.objects.create_user(email=email, password="correct-horse-battery")
        User.objects.create_user(email=f"second-{email}", password="correct-horse-battery")
        if fail_with == "refusal":
            raise ShopError("quota_exceeded", "No more accounts today.", status_code=409)
        raise RuntimeError("the disk caught fire")


class SignupView(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        data = SignupInput(data=request.data)
        data.is_valid(raise_exception=True)
        create_two_users_then_fail(**data.validated_data)
        return Response(status=201)


def forbidden_view(request: HttpRequest) -> HttpResponse:
    """A plain Django view refusing access, as a decorator or mixin would."""
    raise PermissionDenied


def plain_form_view(request: HttpRequest) -> HttpResponse:
    """A plain Django view (no DRF): CsrfViewMiddleware guards it."""
    return HttpResponse("accepted")


urlpatterns = [
    path("api/test/widgets", WidgetView.as_view()),
    path("api/test/private", PrivateView.as_view()),
    path("api/test/throttled", ThrottledView.as_view()),
    path("api/test/signup", SignupView.as_view()),
    path("api/test/plain-form", plain_form_view),
    path("api/test/forbidden", forbidden_view),
    path("test/plain-form", plain_form_view),
    path("", include("shop.urls")),
]
handler400 = "shop.views.bad_request"
handler403 = "shop.views.permission_denied"
handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def assert_error(response, status: int, code: str, **extra: object) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == ERROR_KEYS | set(extra)
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def test_malformed_json_is_a_parse_error(api_client):
    response = api_client.post(
        "/api/test/widgets", data='{"name": "lamp",', content_type="application/json"
    )

    assert_error(response, 400, "parse_error")


def test_wrong_types_name_the_field(api_client):
    response = api_client.post("/api/test/widgets", {"name": "lamp", "quantity": "many"})

    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["quantity"]


def test_unknown_fields_are_refused_by_name(api_client):
    response = api_client.post(
        "/api/test/widgets", {"name": "lamp", "quantity": 1, "is_staff": True, "price": 0}
    )

    body = assert_error(response, 400, "unknown_field")
    assert sorted(body["fields"]) == ["is_staff", "price"]


def test_valid_input_passes_the_strict_serializer(api_client):
    response = api_client.post("/api/test/widgets", {"name": "lamp", "quantity": 2})

    assert response.status_code == 201
    assert response.json() == {"name": "lamp", "quantity": 2}


def test_body_over_the_upload_limit_is_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    oversized = json.dumps({"name": "x" * 2000, "quantity": 1})

    response = api_client.post("/api/test/widgets", data=oversized, content_type="application/json")

    assert_error(response, 413, "request_too_large")


def test_unsupported_media_type_is_415(api_client):
    response = api_client.post("/api/test/widgets", data="name=lamp", content_type="text/plain")

    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("method", ["get", "put", "delete", "trace"])
def test_method_not_allowed_is_405(api_client, method):
    response = getattr(api_client, method)("/api/test/widgets")

    assert_error(response, 405, "method_not_allowed")


def test_unauthenticated_request_gets_the_error_body(api_client):
    response = api_client.get("/api/test/private")

    body = assert_error(response, response.status_code, "not_authenticated")
    assert response.status_code in {401, 403}
    assert body["fields"] == {}


def test_bearer_token_authenticates(api_client, user):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=user)

    response = api_client.get("/api/test/private", HTTP_AUTHORIZATION=f"Bearer {token.key}")

    assert response.status_code == 200
    assert response.json() == {"email": user.email}


def test_session_post_without_csrf_token_is_csrf_failed(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(
        "/api/test/widgets",
        data=json.dumps({"name": "lamp", "quantity": 1}),
        content_type="application/json",
    )

    assert_error(response, 403, "csrf_failed")


def test_csrf_failure_outside_drf_answers_json_under_api():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/test/plain-form", {"anything": "1"})

    assert_error(response, 403, "csrf_failed")


def test_csrf_failure_on_a_page_shows_the_template():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/test/plain-form", {"anything": "1"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "403_csrf.html" in [template.name for template in response.templates]


def test_too_many_requests_is_429_with_retry_after(api_client):
    for _ in range(2):
        assert api_client.get("/api/test/throttled").status_code == 200

    response = api_client.get("/api/test/throttled")

    body = assert_error(response, 429, "throttled", retry_after=None)
    assert 0 < body["retry_after"] <= 60
    assert int(response["Retry-After"]) > 0


@pytest.mark.urls("shop.urls")  # the project's own handler404
def test_unknown_url_under_api_is_a_json_404(api_client):
    response = api_client.get("/api/v1/no-such-thing")

    assert_error(response, 404, "not_found")


@pytest.mark.urls("shop.urls")
def test_unknown_url_elsewhere_is_the_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "404.html" in [template.name for template in response.templates]


def test_refused_write_leaves_the_database_unchanged(api_client):
    response = api_client.post(
        "/api/test/signup", {"email": "new@example.com", "fail_with": "refusal"}
    )

    assert_error(response, 409, "quota_exceeded")
    assert not User.objects.filter(email__endswith="new@example.com").exists()


def test_crash_mid_write_is_a_json_500_and_leaves_nothing_behind():
    client = Client(raise_request_exception=False)

    response = client.post(
        "/api/test/signup",
        data=json.dumps({"email": "new@example.com", "fail_with": "crash"}),
        content_type="application/json",
    )

    body = assert_error(response, 500, "server_error")
    assert "disk" not in body["message"]
    assert not User.objects.filter(email__endswith="new@example.com").exists()


def test_permission_denied_outside_drf_answers_json_under_api(client):
    response = client.get("/api/test/forbidden")

    assert_error(response, 403, "permission_denied")


@pytest.mark.urls("shop.urls")
def test_disallowed_host_under_api_answers_json(client):
    response = client.get("/api/v1/anything", HTTP_HOST="evil.example")

    assert_error(response, 400, "bad_request")
