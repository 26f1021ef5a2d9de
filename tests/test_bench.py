"""scripts/bench.py's guard rails, and the baseline view that exists only for it."""

from __future__ import annotations

import pytest

from scripts import bench


def test_it_says_how_to_install_wrk(monkeypatch, capsys):
    monkeypatch.setattr(bench.shutil, "which", lambda name: None)
    assert bench.main(["--no-lighthouse"]) == 2
    assert "apt-get install -y wrk" in capsys.readouterr().err


def test_it_stays_within_bounds(capsys):
    for argv in (["--duration", "3600"], ["--connections", "0"], ["--workers", "0"]):
        with pytest.raises(SystemExit) as exit_:
            bench.main(argv)
        assert exit_.value.code == 2


def test_the_trivial_view_is_not_routed_on_a_served_site(client):
    assert client.get("/bench/trivial/").status_code == 404


def test_ratios_and_targets_in_the_table():
    rows = [
        bench.Row("static file", "/s", rps=1000),
        bench.Row("trivial view", "/t", rps=800),
        bench.Row("home", "/", rps=700, switches=[30.0, 26.4, 27.2]),
        bench.Row("quiz question", "/q", rps=300),
    ]
    text = bench.table(rows)
    assert "| home | 700 |" in text and "| 27 | 0.70 | 0.88 |" in text  # median switches
    assert "≥ 0.5 × trivial: **missed** (÷ trivial 0.38 < 0.5)" in text
