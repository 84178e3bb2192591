"""deploy/audit_deps.py (make audit) tells a real audit from one that checked nothing.

The reports below have the shape of pip-audit's JSON output (``pip-audit -f json``).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "audit_deps.py"
_spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
audit_deps = importlib.util.module_from_spec(_spec)
sys.modules["audit_deps"] = audit_deps  # dataclasses look their module up
_spec.loader.exec_module(audit_deps)

TODAY = dt.date(2026, 12, 4)
VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.19", "vulns": []},
        {
            "name": "requests",
            "version": "2.32.5",
            "vulns": [{"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1"], "fix_versions": ["9"]}],
        },
    ]
}
UNREACHABLE = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {
            "name": "requests",
            "skip_reason": "Dependency not found on PyPI and could not be audited",
        },
    ]
}


def test_a_known_vulnerability_fails_the_audit():
    verdict = audit_deps.judge(VULNERABLE, {}, TODAY)

    assert verdict.vulnerable == ["requests 2.32.5: PYSEC-2099-1 (fixed in 9)"]
    assert verdict.exit_code(strict=False) == 1


def test_an_exception_holds_until_its_date_then_fails_again():
    waivers = audit_deps.read_exceptions("CVE-2099-1 2026-12-31 no fix released yet\n")

    held = audit_deps.judge(VULNERABLE, waivers, TODAY)
    assert held.vulnerable == []
    assert held.exit_code(strict=False) == 0

    lapsed = audit_deps.judge(VULNERABLE, waivers, dt.date(2027, 1, 1))
    assert len(lapsed.expired) == 1
    assert lapsed.exit_code(strict=False) == 1


def test_nothing_audited_is_not_reported_clean():
    verdict = audit_deps.judge(UNREACHABLE, {}, TODAY)

    assert verdict.audited == []
    assert verdict.unaudited == ["django", "requests"]
    assert verdict.exit_code(strict=False) == 0  # CI warns: this machine never reaches it
    assert verdict.exit_code(strict=True) == 2


def test_nothing_audited_is_announced_loudly(capsys):
    audit_deps.show(audit_deps.judge(UNREACHABLE, {}, TODAY), UNREACHABLE)

    err = capsys.readouterr().err
    assert "UNAUDITED" in err
    assert "answered for 0 of 2 packages" in err


@pytest.mark.parametrize("line", ["CVE-1", "CVE-1 2026-12-31", "CVE-1 someday because"])
def test_an_exception_without_an_expiry_and_a_reason_is_refused(line):
    with pytest.raises(ValueError, match=r"audit-ignore\.txt line 1"):
        audit_deps.read_exceptions(line)


def test_the_committed_exceptions_file_parses():
    assert audit_deps.read_exceptions(audit_deps.IGNORE_FILE.read_text()) is not None
