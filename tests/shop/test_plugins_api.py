"""The public extension API is what the ``extend`` modules export, and it changes only on purpose.

The names and signatures of every ``extend`` module are compared with a snapshot kept
beside this test. A change fails here until the snapshot is rewritten
(``SHOP_UPDATE_API_SNAPSHOT=1 pytest tests/shop/test_plugins_api.py``) and CHANGELOG.md
says what changed in which extension API version (with ``deprecated`` for one minor
version before anything public goes away).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import os
import types
from pathlib import Path
from typing import Any

import pytest

SNAPSHOT = Path(__file__).with_name("plugin_api.json")
MODULES = [
    "shop.extend",
    "payments.extend",
    "orders.extend",
    "shipping.extend",
    "catalog.extend",
    "vendors.extend",
    "accounts.extend",
    "notifications.extend",
]


def describe(obj: Any) -> Any:
    """A stable text description of one public name: its kind and signature."""
    if isinstance(obj, types.ModuleType):
        functions = inspect.getmembers(obj, inspect.isfunction)
        return {
            name: describe(func)
            for name, func in functions
            if not name.startswith("_") and func.__module__ == obj.__name__
        }
    if dataclasses.is_dataclass(obj):
        fields = ", ".join(f"{field.name}: {field.type}" for field in dataclasses.fields(obj))
        return f"dataclass {obj.__name__}({fields})"
    if inspect.isclass(obj):
        members = {
            name: str(inspect.signature(member))
            for name, member in vars(obj).items()
            if inspect.isfunction(member) and (not name.startswith("_") or name == "__init__")
        }
        annotations = {name: str(kind) for name, kind in inspect.get_annotations(obj).items()}
        bases = [base.__name__ for base in obj.__bases__]
        return {
            "class": obj.__name__,
            "bases": bases,
            "attributes": annotations,
            "methods": members,
        }
    if callable(obj) and not isinstance(obj, type):
        try:
            return f"def {getattr(obj, '__name__', '')}{inspect.signature(obj)}"
        except (TypeError, ValueError):  # a typing alias such as FeeRule
            return f"alias {obj}"
    if isinstance(obj, dict):
        return sorted(obj)
    return repr(obj)


def public_api() -> dict[str, dict[str, Any]]:
    api = {}
    for path in MODULES:
        module = importlib.import_module(path)
        api[path] = {name: describe(getattr(module, name)) for name in sorted(module.__all__)}
    return api


def test_every_extend_module_exports_only_what_exists() -> None:
    for path in MODULES:
        module = importlib.import_module(path)
        missing = [name for name in module.__all__ if not hasattr(module, name)]
        assert not missing, f"{path}.__all__ lists {missing}"


def test_the_public_api_matches_its_snapshot() -> None:
    current = public_api()
    if os.environ.get("SHOP_UPDATE_API_SNAPSHOT"):
        SNAPSHOT.write_text(
            json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    for path in MODULES:
        assert current[path] == recorded.get(path), (
            f"the public API of {path} changed: if on purpose, rewrite the snapshot with "
            "SHOP_UPDATE_API_SNAPSHOT=1 and record the change in CHANGELOG.md"
        )


def test_a_changed_signature_is_caught(monkeypatch) -> None:
    """The negative control: the snapshot sees a new keyword argument."""
    import shop.extend

    def register_slot(name: str, template_name: str, *, order: int = 0, when: Any = None) -> None:
        """A changed signature."""

    monkeypatch.setattr(shop.extend, "register_slot", register_slot)
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    with pytest.raises(AssertionError):
        assert public_api()["shop.extend"] == recorded["shop.extend"]
