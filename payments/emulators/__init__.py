"""Emulators of each provider's documented HTTP API, for tests and the offline demo.

Same paths, headers, field names, status values and error bodies as the real APIs,
approval pages with approve / cancel / fail buttons, and injectable faults. Mounted
under ``/sandbox/`` only when ``SHOP_SANDBOX`` is on (never in production settings); the
real clients reach them by changing their base URL only.
"""
