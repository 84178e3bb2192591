"""Emulator URLs of accounts, mounted at /sandbox/ by the root URLs only in sandbox mode."""

from django.urls import include, path

urlpatterns = [
    path("kakao/", include("accounts.emulators.kakao")),
    path("naver/", include("accounts.emulators.naver")),
    path("portone/", include("accounts.emulators.portone")),
]
