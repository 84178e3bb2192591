"""Browser tests: Playwright drives Chromium through the shop (fixtures in conftest.py)."""
