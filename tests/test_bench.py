"""scripts/bench.py's guard rails, its tables, and a short run that produces every figure
(which figures, not their values: speed is measured by `make bench`, not by tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from scripts import bench
from tests.conftest import REPO
from tests.services import INHERITED, unavailable


def test_it_says_how_to_install_wrk(monkeypatch, capsys):
    monkeypatch.setattr(bench.shutil, "which", lambda name: None)
    assert bench.main(["--no-lighthouse"]) == 2
    assert "apt-get install -y wrk" in capsys.readouterr().err


def test_it_stays_within_bounds():
    for argv in (["--duration", "3600"], ["--connections", "0"], ["--attempts", "0"]):
        with pytest.raises(SystemExit) as exit_:
            bench.main(argv)
        assert exit_.value.code == 2


def test_the_trivial_view_is_not_routed_on_a_served_site(client):
    assert client.get("/bench/trivial/").status_code == 404


def test_it_runs_the_shipped_concurrency_not_one_worker():
    workers, threads = bench.shipped_concurrency()
    assert workers == min(2 * (os.cpu_count() or 1) + 1, 8) and threads == 4


def _row(label, rates, server="gunicorn", **ratios):
    row = bench.Row(label, server=server)
    for rate in rates:
        row.record({"requests": rate, "duration_us": 1_000_000, "p50_us": 1000, "p95_us": 2000,
                    "p99_us": 3000, "connect": 0, "read": 0, "write": 0, "status": 0,
                    "timeout": 0})  # fmt: skip
    row.ratios = {name: list(values) for name, values in ratios.items()}
    return row


def test_budgets_are_marked_met_or_missed():
    rows = [
        _row("trivial view", [800], **{"trivial view": [1.0], "static file": [0.9]}),
        _row("home", [700], **{"trivial view": [0.9, 0.85, 0.7], "static file": [0.8]}),
        _row("quiz question", [300], **{"trivial view": [0.38], "static file": [0.3]}),
    ]
    text = bench.throughput_table(rows)
    assert "| home | 700 | 1.0 | 2.0 | 3.0 | 0.80 | 0.85 | 0.90 0.85 0.70 | ≥ 0.8: met |" in text
    assert "| quiz question | 300 |" in text and "≥ 0.4: **missed**" in text


@pytest.mark.services
def test_a_quick_run_reports_every_figure():
    if shutil.which("wrk") is None:
        unavailable("wrk is not installed (apt-get install -y wrk)")
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in INHERITED and not name.startswith("DJANGO_")
    }
    result = subprocess.run(
        [sys.executable, "scripts/bench.py", "--quick", "--sqlite-only"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = result.stdout
    assert result.returncode in (0, 1), out[-3000:] + result.stderr[-3000:]
    assert "## SQLite" in out
    for header in ("| Page | Requests/s | p50 ms | p95 ms | p99 ms | ÷ static file |",
                   "| Page | gunicorn req/s | granian req/s | granian ÷ gunicorn",
                   "| Step | empty req/s | seeded req/s | seeded cost ÷ empty"):  # fmt: skip
        assert header in out
    for label in (*bench.GUIDE_PAGES, "trivial view", "static file", "quiz question"):
        assert f"| {label} | " in out
    for label in ("answer POST", "results", "question statistics"):
        assert f"| {label} | " in out
    assert "bytes per answered item" in out and "one request at a time" in out
    assert "Where a quiz step's time goes" in out and "µs a request" in out
    assert "Budgets missed: " in out
