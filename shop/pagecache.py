"""Whole storefront pages kept in the cache and served to every visitor, each their own.

Why not Django's ``cache_page``: every storefront page carries the visitor's CSRF token
(the language switch, the buy form, htmx's request header) and its header shows their
name and cart, so such a response varies on Cookie. ``cache_page`` would then keep one
copy per visitor, which no second request ever reuses, or, made to ignore the cookie,
hand one visitor's token and name to the next.

So, the idea of Varnish's ESI and of Magento's full-page cache with its "holes":

- a copy is rendered only for a visitor with **no personal state**: no session cookie
  and no message cookie (so not logged in, no cart, no messages). Its CSRF token is a
  placeholder, and each per-visitor part of the page (``{% per_visitor %}`` in a template:
  the header's account and cart links, the messages) is marked where it sits;
- the copy is kept under the path, the query (parameters in name order), the language,
  htmx's headers, the release (``release_id``: a deploy never serves older templates)
  and the current value of every **version token** the page shows data of (``versions``
  of ``cached_page``: the catalog's generations, a product's own token, and ``GENERATION``
  here for what other apps show). An event that changes what a page shows moves a
  token right after its commit, so the very next request misses and builds a new copy:
  nothing is deleted, nothing is served stale;
- every visitor is served that copy: the placeholder becomes their own CSRF token and,
  for a visitor who has a session or messages, every per-visitor part is rendered again
  from their own request. A visitor without any gets the parts as they were rendered
  for the copy, the same for every such visitor.

Only 200 answers to GET without cookies of their own, without ``Vary`` or a private
``Cache-Control`` are kept. The tokens and copies live in the Django cache (Redis, shared
by every web process); a process also keeps its last copies in memory, which is safe
because a copy's key names the tokens it was built under, and they are read from the
shared cache on every request. When the cache cannot be reached, pages are rendered.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cache as once
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from shop.db_router import primary_reads

GENERATION = "pagecache:gen"  # moved by forget_pages(): every cached page is rebuilt
TIMEOUT = 15 * 60  # invalidation is by token; the timeout only bounds the memory used
LOCAL_SIZE = 128  # copies kept per process, least recently used out
MAX_QUERY_LENGTH = 512  # longer query strings are rendered, not kept
FORMAT = "v1"  # of the kept copy (a tuple): a change of its shape makes new keys
HEADER = "X-Page-Cache"  # hit, miss (rendered and kept) or pass (rendered only)
_FILL = "_page_cache_fill"  # the request attribute set while a copy is rendered
_SKIPPED_DIRS = {"media", "artifacts", "node_modules", "staticfiles", "static", "tests"}

_local: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
_local_lock = threading.Lock()

Versions = Callable[..., Sequence[str] | None]


# --- Markers ---------------------------------------------------------------------------------


@once
def _tag() -> str:
    """A marker no page content can contain: derived from SECRET_KEY, letters and digits
    only so that HTML escaping leaves it as it is."""
    return "pc" + salted_hmac("shop.pagecache", "marker").hexdigest()[:24]


def csrf_placeholder() -> str:
    """What a copy carries where the visitor's CSRF token goes."""
    return f"{_tag()}csrf"


def _part_marker(index: int) -> str:
    return f"{_tag()}p{index}e"


@once
def _part_pattern() -> re.Pattern[bytes]:
    return re.compile(re.escape(_tag().encode()) + rb"p(\d+)e")


@receiver(setting_changed)
def _forget_markers(*, setting: str, **kwargs: Any) -> None:
    if setting == "SECRET_KEY":
        _tag.cache_clear()
        _part_pattern.cache_clear()


# --- What templates call ------------------------------------------------------------------------


class _Fill:
    """The per-visitor parts of the copy being rendered, in page order."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str]] = []


def filling(request: HttpRequest | None) -> bool:
    """Is ``request`` rendering a copy for the cache (its CSRF token a placeholder)?"""
    return request is not None and getattr(request, _FILL, None) is not None


def per_visitor_part(request: HttpRequest | None, template_name: str) -> SafeString:
    """Render ``template_name`` for ``request``: a part of the page that is the visitor's own.

    It sees only the request and the context processors, never the view's context,
    the same when the whole page is rendered as when a cached copy is completed for
    another visitor. In a copy for the cache it leaves a marker where it sits.
    """
    html = render_to_string(template_name, request=request)
    fill = getattr(request, _FILL, None) if request is not None else None
    if fill is None:
        return html
    fill.parts.append((template_name, html))
    return mark_safe(_part_marker(len(fill.parts) - 1))  # nosec B308 B703  # letters and digits only


def forget_pages() -> None:
    """Drop every cached page (what another app shows on them changed, e.g. a shipping fee)."""
    cache.set(GENERATION, _new_token(), timeout=None)


def generation() -> str | None:
    """Return the token ``forget_pages()`` moves on (None when the cache does not answer).

    What an app shows on the kept pages and also keeps itself (shipping's fee summary)
    can be kept under this token too: the one change then drops both.
    """
    tokens = _tokens([GENERATION])
    return tokens[0] if tokens else None


# --- The view decorator -------------------------------------------------------------------------


def cached_page(*, versions: Versions) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Serve the view's page from the cache, built once per change of what it shows.

    ``versions(**url_kwargs)`` returns the cache keys of the version tokens the page
    depends on, or None to render it every time (caching switched off).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            keys = versions(**kwargs) if request.method == "GET" else None
            if keys is None or len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
                return view(request, *args, **kwargs)
            tokens = _tokens([*keys, GENERATION])
            if tokens is None:  # the cache is out of reach: no token to trust
                return _passed(view(request, *args, **kwargs))
            key = page_key(request, tokens)
            kept = _lookup(key)
            if kept is not None:
                return _serve(request, kept)
            if has_personal_state(request):
                return _passed(view(request, *args, **kwargs))
            return _fill(request, key, view, args, kwargs)

        return wrapped

    return decorator


def has_personal_state(request: HttpRequest) -> bool:
    """Does ``request`` carry anything of its own: a session (login, cart) or messages?"""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return True
    # The storefront logs visitors in by session only, so without a session cookie the
    # user is anonymous; a user the request has already looked up is checked all the same
    # (looking one up costs a twentieth of a page served from the cache).
    user = getattr(request, "_cached_user", None)
    return user is not None and user.is_authenticated


def page_key(request: HttpRequest, tokens: Sequence[str]) -> str:
    # Parameters in name order, the values of one name in their own order (the last "q"
    # is the one searched), as they came: parsing them is not needed to tell them apart.
    # The digest keeps any path and query a valid cache key.
    pairs = request.META.get("QUERY_STRING", "").split("&")
    query = "&".join(sorted(pairs, key=lambda pair: pair.partition("=")[0]))
    htmx = f"{request.headers.get('HX-Request', '')}|{request.headers.get('HX-Target', '')}"
    raw = "\n".join((request.path, query, get_language() or "", htmx, release_id()))
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"page:{FORMAT}:{digest}:{'.'.join(tokens)}"


def _new_token() -> str:
    return uuid.uuid4().hex[:12]


def _tokens(keys: list[str]) -> tuple[str, ...] | None:
    """Return the current value of each token, starting the missing ones; None if the
    cache does not answer."""
    found = cache.get_many(keys)
    missing = [key for key in keys if not found.get(key)]
    if missing:
        for key in missing:  # add, never set: a token moved meanwhile stays moved
            cache.add(key, _new_token(), timeout=None)
        found.update(cache.get_many(missing))
        if any(not found.get(key) for key in missing):
            return None
    return tuple(found[key] for key in keys)


def _lookup(key: str) -> tuple[Any, ...] | None:
    with _local_lock:
        kept = _local.get(key)
        if kept is not None:
            _local.move_to_end(key)
            return kept
    kept = cache.get(key)
    if kept is not None:
        _keep_locally(key, kept)
    return kept


def _keep_locally(key: str, kept: tuple[Any, ...]) -> None:
    with _local_lock:
        _local[key] = kept
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)


def _passed(response: HttpResponse) -> HttpResponse:
    response[HEADER] = "pass"
    return response


def _fill(
    request: HttpRequest,
    key: str,
    view: Callable[..., HttpResponse],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> HttpResponse:
    """Render the page for a visitor without personal state; keep it if it may be kept."""
    fill = _Fill()
    setattr(request, _FILL, fill)
    try:
        # A page to keep is read on the primary: a lagging replica could show what the
        # change that issued the new token has just replaced, until that token changes.
        with primary_reads():
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()  # while the parts still leave their markers
    finally:
        delattr(request, _FILL)
    if response.streaming:
        return _passed(response)
    body, spans, complete = _assemble(response.content, fill.parts)
    # Whatever happens next, this visitor gets the page with their own token.
    response.content = _with_token(request, body)
    if not complete or not _may_keep(request, response):
        return _passed(response)
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() != "content-length"
    )
    kept = (body, spans, headers, csrf_placeholder().encode() in body)
    cache.set(key, kept, TIMEOUT)
    _keep_locally(key, kept)
    response[HEADER] = "miss"
    return response


def _assemble(
    content: bytes, parts: list[tuple[str, str]]
) -> tuple[bytes, tuple[tuple[int, int, str], ...], bool]:
    """Put each part where its marker is; return the page, where each part lies in it
    (start, end, template) and whether every part was found exactly once."""
    pieces: list[bytes] = []
    spans: list[tuple[int, int, str]] = []
    length = position = 0
    seen: list[int] = []
    for match in _part_pattern().finditer(content):
        index = int(match.group(1))
        if index >= len(parts):
            continue
        name, html = parts[index]
        text, encoded = content[position : match.start()], html.encode()
        pieces += [text, encoded]
        length += len(text)
        spans.append((length, length + len(encoded), name))
        length += len(encoded)
        position = match.end()
        seen.append(index)
    pieces.append(content[position:])
    return b"".join(pieces), tuple(spans), seen == list(range(len(parts)))


def _may_keep(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not response.has_header("Vary")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        # The view gave the visitor state (a session) after all: theirs, not everyone's.
        and not (hasattr(request, "session") and request.session.modified)
        and not has_personal_state(request)
    )


def _serve(request: HttpRequest, kept: tuple[Any, ...]) -> HttpResponse:
    body, spans, headers, uses_token = kept
    if spans and has_personal_state(request):
        body = _with_own_parts(request, body, spans)
    response = HttpResponse(_with_token(request, body) if uses_token else body)
    for name, value in headers:
        response[name] = value
    response[HEADER] = "hit"
    return response


def _with_own_parts(
    request: HttpRequest, body: bytes, spans: tuple[tuple[int, int, str], ...]
) -> bytes:
    pieces, position = [], 0
    for start, end, name in spans:
        pieces += [body[position:start], per_visitor_part(request, name).encode()]
        position = end
    pieces.append(body[position:])
    return b"".join(pieces)


def _with_token(request: HttpRequest, body: bytes) -> bytes:
    placeholder = csrf_placeholder().encode()
    if placeholder not in body:
        return body
    return body.replace(placeholder, get_token(request).encode())


# --- The release ----------------------------------------------------------------------------


def release_id() -> str:
    """Name the code, templates, translations and settings this process renders with.

    Part of every page key: after a deploy or a change of the environment (or in a
    rolling deploy, where old and new processes serve together) no process is handed a
    page rendered by other templates or with another shop name.
    """
    return f"{_files_id()}-{_settings_id()}"


@once
def _files_id() -> str:
    """The project's code, templates and translations, from their files' sizes and
    modification times; read once per process."""
    root = Path(settings.BASE_DIR)
    skipped = {Path(settings.MEDIA_ROOT).resolve()}
    digest = hashlib.blake2b(digest_size=8)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            name
            for name in dirs
            if not name.startswith((".", "__"))
            and name not in _SKIPPED_DIRS
            and (Path(folder) / name).resolve() not in skipped
        )
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt", ".mo", ".json")):
                stat = (Path(folder) / name).stat()
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"  # hashed static file names
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


@once
def _settings_id() -> str:
    """Every setting of plain values (what the environment sets: the shop's name, its
    business details, the sandbox banner...), the same in every process of a deploy."""
    digest = hashlib.blake2b(digest_size=8)
    # A set: an overridden setting is listed twice by dir() (tests' override_settings).
    for name in sorted(set(dir(settings))):
        if name.isupper() and name != "SETTINGS_MODULE":  # names the values, is not one
            try:
                value = json.dumps(getattr(settings, name), sort_keys=True)
            except (TypeError, ValueError):
                continue  # an object (a class, a path): its repr may differ per process
            digest.update(f"{name}={value};".encode())
    return digest.hexdigest()


@receiver(setting_changed)
def _forget_settings_id(**kwargs: Any) -> None:
    _settings_id.cache_clear()


def forget_local() -> None:
    """Drop the copies this process keeps in memory (tests: as if another process served)."""
    with _local_lock:
        _local.clear()
