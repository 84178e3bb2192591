"""Formula-safe cells for every CSV and Excel file the shop writes (OWASP "CSV injection").

A spreadsheet runs a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, so a customer name like ``=HYPERLINK(...)`` would run on the
computer of the seller who opens the export. Every writer passes its cells through
``escape_cell``; text then gets a ``'`` in front, which spreadsheets show as plain text.
Numbers stay numbers: a negative amount is a value, not a formula.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_cell(value: Any) -> Any:
    """Quote text a spreadsheet would run as a formula; return anything else unchanged.

    A text that already starts with a quote gets one more, so ``unescape_cell`` can tell
    the quote we added from one someone typed.
    """
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, QUOTE)):
        return QUOTE + value
    return value


def unescape_cell(text: str) -> str:
    """Undo ``escape_cell``: drop the one quote it added, keep a quote someone typed."""
    if text.startswith(QUOTE) and text[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return text[1:]
    return text
