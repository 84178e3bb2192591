"""bandit (as make lint runs it) finds nothing at medium severity and up in the shop's code,
and would find a planted weakness: the configuration does not exclude everything."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BANDIT = Path(sys.executable).with_name("bandit")
PLANTED = """
import hashlib
import pickle
import subprocess


def weak(data, name, command):
    digest = hashlib.md5(data).hexdigest()
    sql = "SELECT * FROM shop_order WHERE number = '%s'" % name
    subprocess.call(command, shell=True)
    return digest, sql, pickle.loads(data)
"""


def bandit(target: str, cwd: Path) -> list[dict]:
    result = subprocess.run(  # noqa: S603
        [str(BANDIT), "-c", str(ROOT / "pyproject.toml"), "-r", target, "-ll", "-q", "-f", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in {0, 1}, result.stderr[-2000:]
    return json.loads(result.stdout)["results"]


def test_bandit_finds_nothing_at_medium_or_above_in_the_shop():
    findings = bandit(".", ROOT)

    assert [f"{f['filename']}:{f['line_number']} {f['test_id']}" for f in findings] == []


def test_bandit_finds_a_planted_weakness_in_an_app(tmp_path):
    app = tmp_path / "orders"
    app.mkdir()
    (app / "weak.py").write_text(PLANTED)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    found = {finding["test_id"] for finding in bandit(".", tmp_path)}

    assert {"B324", "B608", "B602", "B301"} <= found  # MD5, SQL by string, shell, pickle
