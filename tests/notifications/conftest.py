"""The SENS emulator on a live server, with every channel on."""

from __future__ import annotations

from types import ModuleType

import pytest

from notifications.emulators import state


@pytest.fixture
def sens(live_server, settings) -> ModuleType:
    """Point the SMS and 알림톡 clients at the emulator over real HTTP; return its state."""
    settings.SENS_BASE_URL = f"{live_server.url}/sandbox/sens"
    settings.NOTIFICATIONS_CHANNELS = ["email", "alimtalk", "sms"]
    state.reset()
    return state
