# ruff: noqa: T201  (a command-line report: it prints)
"""Audit the pinned dependencies for known vulnerabilities, honestly (``make audit``).

pip-audit resolves the pins, then asks an advisory service about each release: by
default PyPI's JSON API (``https://pypi.org/pypi/<name>/<version>/json``). On the CI
machine that URL answers 404 for every package (only a package mirror is reachable, and
OSV's api.osv.dev not at all), so pip-audit marks each one "Dependency not found on PyPI
and could not be audited", prints "No known vulnerabilities found" and exits 0: a clean
report of an audit that checked nothing. This script reads pip-audit's JSON instead and
says which case it is:

* a known vulnerability not excepted  -> exit 1: CI fails;
* an exception past its expiry date   -> exit 1: CI fails, review it again;
* the service answered for no package -> a loud UNAUDITED warning, exit 0, because this
  CI machine can never reach it and a red build nobody can make green teaches people to
  ignore red builds. ``AUDIT_STRICT=1`` (a release pipeline with network) makes it exit 2.
* some packages could not be audited  -> listed, and treated like the case above;
* every package audited, none vulnerable -> exit 0.

Exceptions live in deploy/audit-ignore.txt, one a line: ``ID YYYY-MM-DD reason``. The
ID is pip-audit's (PYSEC-..., GHSA-..., CVE-...); the date is when the exception ends.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE_FILE = ROOT / "deploy" / "audit-ignore.txt"
REQUIREMENTS = ROOT / "requirements-dev.txt"  # includes requirements.txt


@dataclass(frozen=True)
class Waiver:
    vuln_id: str
    expires: dt.date
    reason: str


@dataclass
class Verdict:
    audited: list[str] = field(default_factory=list)
    unaudited: list[str] = field(default_factory=list)
    vulnerable: list[str] = field(default_factory=list)  # "package version: ID"
    excepted: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)

    def exit_code(self, *, strict: bool) -> int:
        if self.vulnerable or self.expired:
            return 1
        if self.unaudited and strict:
            return 2
        return 0


def read_exceptions(text: str) -> dict[str, Waiver]:
    """Parse the ignore file; a line without an ID, a date and a reason is an error."""
    exceptions = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 3:
            raise ValueError(f"audit-ignore.txt line {number}: want 'ID YYYY-MM-DD reason'")
        vuln_id, expires, reason = parts
        try:
            until = dt.date.fromisoformat(expires)
        except ValueError as error:
            raise ValueError(f"audit-ignore.txt line {number}: {expires!r} is no date") from error
        exceptions[vuln_id] = Waiver(vuln_id, until, reason)
    return exceptions


def judge(report: dict, exceptions: dict[str, Waiver], today: dt.date) -> Verdict:
    """Sort pip-audit's JSON report into audited, unaudited and vulnerable packages."""
    verdict = Verdict()
    for dependency in report.get("dependencies", []):
        name = " ".join(filter(None, (dependency["name"], dependency.get("version"))))
        if "skip_reason" in dependency:
            verdict.unaudited.append(name)
            continue
        verdict.audited.append(name)
        for vuln in dependency.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            excepted = next((exceptions[i] for i in ids if i in exceptions), None)
            entry = f"{name}: {vuln['id']} (fixed in {', '.join(vuln.get('fix_versions', []))})"
            if excepted is None:
                verdict.vulnerable.append(entry)
            elif excepted.expires < today:
                verdict.expired.append(f"{entry}, exception ended {excepted.expires}")
            else:
                verdict.excepted.append(f"{entry} until {excepted.expires}: {excepted.reason}")
    return verdict


def run_pip_audit() -> dict:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    result = subprocess.run(  # noqa: S603  # nosec B603  # our own tool, fixed arguments
        [str(pip_audit), "-r", str(REQUIREMENTS), "-f", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if not result.stdout.strip():  # no report at all: the service or the resolver failed
        print(result.stderr[-3000:], file=sys.stderr)
        return {"dependencies": [], "error": result.stderr.strip().splitlines()[-1:]}
    return json.loads(result.stdout)


def show(verdict: Verdict, report: dict) -> None:
    for line in verdict.excepted:
        print(f"excepted  {line}")
    for line in verdict.expired:
        print(f"EXPIRED   {line}")
    for line in verdict.vulnerable:
        print(f"VULNERABLE {line}")
    if verdict.unaudited or not verdict.audited:
        print(
            f"\n!!! UNAUDITED: the advisory service answered for {len(verdict.audited)} of "
            f"{len(verdict.audited) + len(verdict.unaudited)} packages. This is NOT a clean "
            "result; pip-audit's 'No known vulnerabilities' means nothing was checked.\n"
            f"!!! Not audited: {', '.join(verdict.unaudited) or report.get('error')}\n",
            file=sys.stderr,
        )
    elif not verdict.vulnerable and not verdict.expired:
        print(f"audited {len(verdict.audited)} packages: no known vulnerability")


def main() -> int:
    exceptions = read_exceptions(IGNORE_FILE.read_text() if IGNORE_FILE.exists() else "")
    report = run_pip_audit()
    verdict = judge(report, exceptions, dt.datetime.now(dt.UTC).date())
    if not verdict.audited and not verdict.unaudited:  # no report at all
        verdict.unaudited.append("(every package)")
    show(verdict, report)
    return verdict.exit_code(strict=os.environ.get("AUDIT_STRICT") == "1")


if __name__ == "__main__":
    sys.exit(main())
