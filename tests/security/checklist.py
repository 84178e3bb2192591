"""The security checklist's rows and the tests that prove each one.

The rows are section 5 of the team's security reference (``shared/reference/security.md``,
outside this repository): an ID and its priority. Each ``rows_<area>.py`` module beside this
one maps the rows of its area to test node ids (``path::function`` or
``path::Class::method``), or to a reason starting ``n/a:`` (the feature does not exist) or
``not covered:`` (honestly open). ``test_checklist.py`` keeps the map true;
``python -m tests.security.checklist`` prints the figures.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REASONS = ("n/a: ", "not covered: ")

PRIORITY = {
    "PAY-01": "P0",
    "PAY-02": "P0",
    "PAY-03": "P0",
    "PAY-04": "P0",
    "PAY-05": "P0",
    "PAY-06": "P0",
    "PAY-07": "P0",
    "PAY-08": "P0",
    "PAY-09": "P1",
    "PAY-10": "P0",
    "PAY-11": "P0",
    "PAY-12": "P0",
    "PAY-13": "P1",
    "PAY-14": "P0",
    "PAY-15": "P1",
    "BK-01": "P0",
    "BK-02": "P0",
    "BK-03": "P1",
    "BK-04": "P0",
    "BK-05": "P1",
    "BK-06": "P1",
    "VCH-01": "P0",
    "VCH-02": "P0",
    "VCH-03": "P1",
    "VCH-04": "P1",
    "VCH-05": "P0",
    "VCH-06": "P1",
    "VCH-07": "P0",
    "INV-01": "P0",
    "INV-02": "P1",
    "INV-03": "P0",
    "INV-04": "P0",
    "INV-05": "P0",
    "INV-06": "P1",
    "INV-07": "P1",
    "AC-01": "P0",
    "AC-02": "P0",
    "AC-03": "P0",
    "AC-04": "P0",
    "AC-05": "P0",
    "AC-06": "P0",
    "AC-07": "P0",
    "AC-08": "P0",
    "AC-09": "P1",
    "AC-10": "P1",
    "AC-11": "P1",
    "AC-12": "P1",
    "AUTH-01": "P0",
    "AUTH-02": "P0",
    "AUTH-03": "P0",
    "AUTH-04": "P1",
    "AUTH-05": "P0",
    "AUTH-06": "P0",
    "AUTH-07": "P0",
    "AUTH-08": "P0",
    "AUTH-09": "P0",
    "AUTH-10": "P1",
    "AUTH-11": "P1",
    "AUTH-12": "P1",
    "AUTH-13": "P1",
    "AUTH-14": "P1",
    "INP-01": "P0",
    "INP-02": "P1",
    "INP-03": "P1",
    "INP-04": "P0",
    "INP-05": "P1",
    "INP-06": "P2",
    "INP-07": "P2",
    "INP-08": "P1",
    "FILE-01": "P0",
    "FILE-02": "P0",
    "FILE-03": "P0",
    "FILE-04": "P2",
    "FILE-05": "P2",
    "FILE-06": "P2",
    "SSRF-01": "P0",
    "SSRF-02": "P1",
    "SSRF-03": "P1",
    "SSRF-04": "P0",
    "SSRF-05": "P1",
    "WH-01": "P0",
    "WH-02": "P0",
    "WH-03": "P0",
    "WH-04": "P1",
    "WH-05": "P1",
    "WH-06": "P0",
    "WH-07": "P1",
    "API-01": "P0",
    "API-02": "P1",
    "API-03": "P2",
    "API-04": "P1",
    "API-05": "P0",
    "API-06": "P1",
    "ASYNC-01": "P0",
    "ASYNC-02": "P0",
    "ASYNC-03": "P0",
    "ASYNC-04": "P1",
    "ASYNC-05": "P1",
    "ASYNC-06": "P0",
    "ASYNC-07": "P1",
    "ASYNC-08": "P1",
    "DEG-01": "P0",
    "DEG-02": "P1",
    "DEG-03": "P0",
    "DEG-04": "P0",
    "DEG-05": "P1",
    "DEG-06": "P1",
    "DEG-07": "P1",
    "DATA-01": "P0",
    "DATA-02": "P0",
    "DATA-03": "P0",
    "DATA-04": "P2",
    "DATA-05": "P1",
    "DATA-06": "P2",
    "REC-01": "P0",
    "REC-02": "P0",
    "REC-03": "P1",
    "PRIV-01": "P0",
    "PRIV-02": "P0",
    "PRIV-03": "P1",
    "PRIV-04": "P1",
    "PRIV-05": "P0",
    "PRIV-06": "P1",
    "PRIV-07": "P0",
    "CFG-01": "P0",
    "CFG-02": "P0",
    "CFG-03": "P0",
    "CFG-04": "P0",
    "CFG-05": "P1",
    "CFG-06": "P1",
    "CFG-07": "P1",
    "E2E-01": "P0",
    "E2E-02": "P0",
    "E2E-03": "P0",
    "E2E-04": "P1",
    "E2E-05": "P1",
    "E2E-06": "P2",
}


def mapped_rows() -> dict[str, list[str] | str]:
    """Every rows_*.py module's map, merged (two areas may both prove one row)."""
    merged: dict[str, list[str] | str] = {}
    package = Path(__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(package)])):
        if not module.startswith("rows_"):
            continue
        for row, proof in importlib.import_module(f"tests.security.{module}").ROWS.items():
            earlier = merged.get(row)
            if isinstance(earlier, list) and isinstance(proof, list):
                merged[row] = earlier + [node for node in proof if node not in earlier]
            elif earlier is None or isinstance(earlier, str):
                merged[row] = proof  # a test beats a reason given elsewhere
    return merged


@cache
def _defined(path: str) -> frozenset[str]:
    """Names of the test functions and Class::method pairs a test file defines."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return frozenset(names)


def node_exists(node_id: str) -> bool:
    path, _, name = node_id.partition("::")
    name = name.split("[", 1)[0]  # a parametrised case names its function
    return (ROOT / path).is_file() and name in _defined(path)


def summary() -> dict[str, Counter]:
    """Per priority: rows proven by tests, not applicable, not covered, unmapped."""
    mapped = mapped_rows()
    figures: dict[str, Counter] = {}
    for row, priority in PRIORITY.items():
        proof = mapped.get(row)
        if isinstance(proof, list) and proof:
            kind = "tested"
        elif isinstance(proof, str) and proof.startswith("n/a: "):
            kind = "n/a"
        elif isinstance(proof, str):
            kind = "not covered"
        else:
            kind = "unmapped"
        figures.setdefault(priority, Counter())[kind] += 1
    return figures


def report() -> str:
    mapped = mapped_rows()
    tests = {node for proof in mapped.values() if isinstance(proof, list) for node in proof}
    lines = [
        f"{priority}: {sum(counts.values())} rows, "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items())
        for priority, counts in sorted(summary().items())
    ]
    lines.append(f"{len(tests)} distinct tests cited")
    lines += [
        f"  {row} ({PRIORITY.get(row, '?')}): {proof}"
        for row, proof in sorted(mapped.items())
        if isinstance(proof, str)
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(report())
