"""Find extensions installed with pip. An extension is an ordinary Django app."""

from importlib.metadata import entry_points

PLUGIN_GROUP = "shop.plugins"


def discover_plugin_apps() -> list[str]:
    """Return the app modules that installed packages declare under ``shop.plugins``."""
    return sorted(entry_point.value for entry_point in entry_points(group=PLUGIN_GROUP))
