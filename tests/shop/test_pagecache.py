"""The whole-page cache itself (shop.pagecache): what it keeps, what it never keeps.

The storefront's use of it (invalidation by catalog events, visitors kept apart) is
tested in tests/catalog/test_page_cache.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.crypto import get_random_string

from shop import pagecache

TOKEN = "page:test:token"


def counting(view: Callable[[HttpRequest], HttpResponse]):
    """Wrap ``view`` in the page cache; return it and the list its calls append to."""
    calls: list[int] = []

    def counted(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return view(request)

    return pagecache.cached_page(versions=lambda **_: [TOKEN])(counted), calls


def visit(view, path: str = "/page/", method: str = "get", **cookies: str) -> HttpResponse:
    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies)
    request.user = AnonymousUser()
    request.session = SessionStore()
    return view(request)


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>a page</p>")


def test_a_page_is_rendered_once_then_served_from_the_cache() -> None:
    view, calls = counting(page)
    assert visit(view)[pagecache.HEADER] == "miss"
    served = visit(view)
    assert served[pagecache.HEADER] == "hit"
    assert served.content == b"<p>a page</p>"
    assert served["Content-Type"].startswith("text/html")
    assert len(calls) == 1


def test_a_moved_token_makes_a_new_copy() -> None:
    from django.core.cache import cache

    view, calls = counting(page)
    visit(view)
    cache.set(TOKEN, "moved")
    assert visit(view)[pagecache.HEADER] == "miss"
    pagecache.forget_pages()
    assert visit(view)[pagecache.HEADER] == "miss"
    assert len(calls) == 3


def with_cookie(request: HttpRequest) -> HttpResponse:
    response = page(request)
    response.set_cookie("seen", "1")
    return response


def with_vary(request: HttpRequest) -> HttpResponse:
    response = page(request)
    response["Vary"] = "User-Agent"
    return response


def private(request: HttpRequest) -> HttpResponse:
    response = page(request)
    response["Cache-Control"] = "private, max-age=0"
    return response


def not_found(request: HttpRequest) -> HttpResponse:
    return HttpResponse("gone", status=404)


def writes_the_session(request: HttpRequest) -> HttpResponse:
    request.session["viewed"] = [1]
    return page(request)


@pytest.mark.parametrize("view", [with_cookie, with_vary, private, not_found, writes_the_session])
def test_what_is_not_everyones_page_is_never_kept(view) -> None:
    wrapped, calls = counting(view)
    for _ in range(2):
        assert visit(wrapped)[pagecache.HEADER] == "pass"
    assert len(calls) == 2


def test_a_visitor_with_a_session_or_messages_never_fills_the_cache() -> None:
    view, calls = counting(page)
    assert visit(view, sessionid="abc")[pagecache.HEADER] == "pass"
    assert visit(view, messages="x")[pagecache.HEADER] == "pass"
    assert visit(view)[pagecache.HEADER] == "miss"
    assert visit(view, sessionid="abc")[pagecache.HEADER] == "hit"  # but is served from it
    assert len(calls) == 3


def test_only_get_is_served_from_the_cache() -> None:
    view, calls = counting(page)
    visit(view)
    assert pagecache.HEADER not in visit(view, method="head")
    assert pagecache.HEADER not in visit(view, method="post")
    assert len(calls) == 3


def test_a_long_query_string_is_rendered_not_kept() -> None:
    view, calls = counting(page)
    path = "/page/?q=" + "x" * pagecache.MAX_QUERY_LENGTH
    visit(view, path)
    assert pagecache.HEADER not in visit(view, path)
    assert len(calls) == 2


def test_switched_off_the_page_is_rendered_every_time() -> None:
    view = pagecache.cached_page(versions=lambda **_: None)(page)
    for _ in range(2):
        assert pagecache.HEADER not in visit(view)


def test_a_cache_out_of_reach_renders_every_page(settings) -> None:
    """No token can be read, so no copy can be trusted, not even this process's own."""
    view, calls = counting(page)
    visit(view)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for _ in range(2):
        assert visit(view)[pagecache.HEADER] == "pass"
    assert len(calls) == 3


def test_the_markers_come_from_the_secret_key(settings) -> None:
    """A seller who writes a marker into a description cannot guess another shop's."""
    ours = pagecache.csrf_placeholder()
    settings.SECRET_KEY = get_random_string(50)
    assert pagecache.csrf_placeholder() != ours
    assert pagecache.csrf_placeholder().isalnum()


def test_the_release_changes_with_any_template_or_code_file(settings, tmp_path) -> None:
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>old</p>")
    (tmp_path / "media").mkdir()
    settings.BASE_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    files = pagecache._files_id
    files.cache_clear()
    try:
        first = pagecache.release_id()
        (tmp_path / "media" / "upload.json").write_text("{}")  # uploads are not the release
        files.cache_clear()
        assert pagecache.release_id() == first
        template.write_text("<p>the new one</p>")
        files.cache_clear()
        assert pagecache.release_id() != first
    finally:
        files.cache_clear()


def test_the_release_changes_with_the_settings(settings) -> None:
    """A restart with another shop name (or sandbox off) never serves the old pages."""
    first, name = pagecache.release_id(), settings.SHOP_NAME
    settings.SHOP_NAME = "Another name"
    assert pagecache.release_id() != first
    settings.SHOP_NAME = name  # back as it was: the same release (every process agrees)
    assert pagecache.release_id() == first
