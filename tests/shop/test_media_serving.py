"""Uploaded media on a developer machine: Django serves MEDIA_ROOT only when DEBUG is on."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import clear_url_caches

import shop.urls


@pytest.fixture
def reload_urls() -> Iterator[None]:
    """Rebuild the root URLs after the test changed DEBUG, and restore them after it."""
    yield
    importlib.reload(shop.urls)
    clear_url_caches()


def rebuild_urls() -> None:
    importlib.reload(shop.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_debug_serves_a_rendition_from_media_root(settings, tmp_path, reload_urls) -> None:
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "320.webp").write_bytes(b"RIFF-webp-bytes")
    rebuild_urls()

    response = Client().get(f"{settings.MEDIA_URL}catalog/320.webp")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"RIFF-webp-bytes"


@pytest.mark.django_db
def test_without_debug_media_is_left_to_the_web_server(settings, tmp_path, reload_urls) -> None:
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "320.webp").write_bytes(b"RIFF-webp-bytes")
    rebuild_urls()

    assert Client().get(f"{settings.MEDIA_URL}320.webp").status_code == 404
