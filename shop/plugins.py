"""Extensions installed with pip: discovery, URL and template-slot registries, policies.

An extension is an ordinary Django app. Its package declares the app module under the
entry-point group ``shop.plugins``; settings append it to ``INSTALLED_APPS``; in its
``AppConfig.ready`` it registers what it adds through the ``extend`` module of each app
(``shop.extend``, ``payments.extend``, ...). Those modules are the whole public API
(docs/extending.md); everything else may change without notice.

Every registration is noted here with the module that made it, so ``manage.py
shop_plugins`` can say what each plugin adds.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, TypeVar

# Settings import this module to discover plugins: only lazy Django imports at the top.
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

PLUGIN_GROUP = "shop.plugins"
# The version of the public extension API (CHANGELOG.md). A minor version adds; a name
# deprecated in one minor version keeps working, with a warning, until the next.
API_VERSION = "1.1"

F = TypeVar("F", bound=Callable[..., Any])


def discover_plugin_apps() -> list[str]:
    """Return the app modules that installed packages declare under ``shop.plugins``."""
    # A set: a package installed twice (editable and not) must not install its app twice.
    return sorted({entry_point.value for entry_point in entry_points(group=PLUGIN_GROUP)})


def installed_plugins() -> list[tuple[str, str, str]]:
    """Return ``(distribution, version, app module)`` of each installed plugin."""
    found = []
    for entry_point in entry_points(group=PLUGIN_GROUP):
        dist = entry_point.dist
        found.append((dist.name if dist else "", dist.version if dist else "", entry_point.value))
    return sorted(found, key=lambda item: item[2])


# --- What was registered, by whom ---------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    kind: str  # "payment provider", "shipping fee rule", "slot", "urls", ...
    name: str
    module: str  # the module of the registered object: tells which app added it


_registrations: list[Registration] = []


def note(kind: str, name: str, obj: Any) -> None:
    """Remember that ``obj`` was registered as ``kind`` ``name`` (for ``shop_plugins``)."""
    module = getattr(obj, "__module__", "") or type(obj).__module__
    entry = Registration(kind, str(name), module)
    if entry not in _registrations:
        _registrations.append(entry)


def note_caller(kind: str, name: str) -> None:
    """Remember a registration by the module that called the registering function."""
    entry = Registration(kind, str(name), _caller(3))
    if entry not in _registrations:
        _registrations.append(entry)


def registrations(app_module: str) -> list[Registration]:
    """Return what the app ``app_module`` (or its submodules) registered."""
    return [item for item in _registrations if within(item.module, app_module)]


def within(module: str, package: str) -> bool:
    """Whether ``module`` is ``package`` or one of its submodules."""
    return module == package or module.startswith(package + ".")


def _caller(depth: int = 2) -> str:
    """The module that called the registering function (a plugin's apps.py), ``depth``
    frames up from here."""
    return str(sys._getframe(depth).f_globals.get("__name__", ""))


# --- URLs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PluginUrls:
    prefix: str
    urlconf: str
    sandbox: bool


_urls: list[PluginUrls] = []
# The shop's own top-level paths: a plugin mounted there would shadow its pages.
RESERVED_PREFIXES = frozenset(
    {"admin", "seller", "accounts", "my", "vendors", "i18n", "api", "payments", "sandbox"}
    | {"livez", "healthz", "metrics", "static", "media", "cart", "checkout", "orders"}
)


def register_urls(prefix: str, urlconf: str, *, sandbox: bool = False) -> None:
    """Mount the URL module ``urlconf`` at ``/<prefix>/`` (``/sandbox/<prefix>/`` if ``sandbox``).

    Sandbox URLs (a provider's emulator) are mounted only when ``settings.SHOP_SANDBOX``
    is on, like the shop's own emulators; never in production settings. Call it from
    ``AppConfig.ready``: the root URLs read the registry when they first load.
    """
    entry = PluginUrls(prefix.strip("/"), urlconf, sandbox)
    if not entry.prefix or (not sandbox and entry.prefix.split("/")[0] in RESERVED_PREFIXES):
        raise ValueError(f"a plugin cannot mount URLs at /{entry.prefix}/: the shop uses it")
    if entry not in _urls:
        _urls.append(entry)
        _registrations.append(
            Registration("sandbox urls" if sandbox else "urls", f"/{_mount(entry)}", urlconf)
        )


def _mount(entry: PluginUrls) -> str:
    return f"sandbox/{entry.prefix}/" if entry.sandbox else f"{entry.prefix}/"


def url_patterns() -> list[Any]:
    """The registered URL modules, for ``shop.urls``."""
    from django.urls import include, path

    return [
        path(_mount(entry), include(entry.urlconf))
        for entry in _urls
        if settings.SHOP_SANDBOX or not entry.sandbox
    ]


# --- Storefront template slots ----------------------------------------------------------

# The named places of the storefront templates where plugins add blocks.
SLOTS = {
    "product_extras": "the product page, under the buy box (context: product)",
    "cart_extras": "the cart, above the checkout button (context: view, the cart view)",
    "checkout_extras": "the checkout form, above the place-order button (context: form)",
    "order_complete_extras": "the order complete page (context: order)",
    "mypage_extras": "my page (context: user)",
}


@dataclass(frozen=True)
class SlotBlock:
    template_name: str
    order: int


_slots: dict[str, list[SlotBlock]] = {}


def register_slot(name: str, template_name: str, *, order: int = 0) -> None:
    """Render ``template_name`` with the page's context wherever ``{% slot name %}`` stands.

    Blocks of one slot render by ``order``, then by registration. The template escapes
    as any Django template does; a slot name not in ``SLOTS`` is refused (a typo would
    otherwise render nothing, silently).
    """
    if name not in SLOTS:
        raise ValueError(f"unknown template slot {name!r}; the slots are {sorted(SLOTS)}")
    block = SlotBlock(template_name, order)
    blocks = _slots.setdefault(name, [])
    if block not in blocks:
        blocks.append(block)
        blocks.sort(key=lambda item: item.order)
        _registrations.append(Registration("slot", f"{name}: {template_name}", _caller()))


def render_slot(name: str, context: dict[str, Any]) -> SafeString:
    """Return the blocks registered for ``name`` rendered with ``context``, joined.

    ``context`` is the page's, flattened: it holds ``request``, ``csrf_token`` and what the
    context processors added already, so they do not run again for each block.
    """
    from django.template.loader import get_template

    parts = [get_template(block.template_name).render(context) for block in _slots.get(name, [])]
    # Each part is a template render, escaped as every Django template is.
    return mark_safe("".join(parts))  # nosec B308 B703  # template renders, escaped


# --- Policies replaced by a dotted path in settings -------------------------------------------


def policy(setting_name: str) -> Callable[..., Any]:
    """Return the callable the setting ``setting_name`` names by dotted path.

    A shop (or a plugin's install guide) replaces a policy by naming its own function in
    settings, e.g. ``ORDER_NUMBER_POLICY = "myshop.numbers.dated_number"``.
    """
    return _load(getattr(settings, setting_name))


@functools.cache
def _load(dotted_path: str) -> Callable[..., Any]:
    return import_string(dotted_path)


# --- Deprecation ------------------------------------------------------------------------------


def deprecated(*, since: str, removed_in: str, use: str = "") -> Callable[[F], F]:
    """Mark a public function or class as going away: each call warns, then runs it.

    ``since`` is the API version that deprecated it, ``removed_in`` the next minor version,
    which removes it. ``use`` names the replacement for the message.
    """

    def decorate(obj: F) -> F:
        message = f"{obj.__module__}.{obj.__qualname__} is deprecated since extension API {since}"
        message += f" and is removed in {removed_in}"
        message += f"; use {use} instead." if use else "."

        if inspect.isclass(obj):
            original_init = obj.__init__

            @functools.wraps(original_init)
            def init(self: Any, *args: Any, **kwargs: Any) -> None:
                warnings.warn(message, DeprecationWarning, stacklevel=2)
                original_init(self, *args, **kwargs)

            obj.__init__ = init  # type: ignore[misc]
            return obj

        @functools.wraps(obj)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            warnings.warn(message, DeprecationWarning, stacklevel=2)
            return obj(*args, **kwargs)

        wrapper.__deprecated__ = message  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
