"""scripts/loadtest.py works: a short run against two servers of its own on PostgreSQL and
Redis, and its database check catches lost answers and wrong scores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from quiz.models import Response
from scripts.loadtest import Answer, Record, check_database, main, percentile
from tests.conftest import REPO
from tests.helpers import answer_all_right, right_answer, start
from tests.services import INHERITED, require_postgres, require_redis


@pytest.mark.services
def test_a_short_load_test_passes():
    """`make loadtest` in small: readers, takers and searchers against two servers sharing
    PostgreSQL and Redis."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in INHERITED and not name.startswith("DJANGO_")
    }
    env.update(DATABASE_URL=require_postgres(), REDIS_URL=require_redis())
    result = subprocess.run(
        [
            sys.executable,
            "scripts/loadtest.py",
            "--servers=2",
            "--duration=6",
            "--readers=2",
            "--takers=3",
            "--searchers=1",
            "--workers=2",
            "--threads=2",
            "--json",
        ],
        cwd=REPO,
        env=env,  # a database of its own on that server, dropped afterwards
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["server_errors"] == 0 and report["errors"] == 0, report
    assert report["problems"] == []
    assert report["requests"] > 100
    assert report["attempts_finished"] >= 3
    assert report["answers_checked"] >= 12
    assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"] <= report["max_ms"]
    kinds = report["kinds"]
    assert {"guide page", "search", "quiz start", "quiz page", "quiz answer"} <= set(kinds)
    for row in kinds.values():
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"], row
    assert sum(row["requests"] for row in kinds.values()) == report["requests"]
    assert 429 not in {int(status) for status in report["statuses"]}  # generous limits


def test_it_stays_on_this_machine_and_within_bounds(capsys):
    for argv in (
        ["--url", "http://example.org:8000"],
        ["--duration", "3600"],
        ["--takers", "0"],
        ["--servers", "9"],
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
    assert "--url must be on this machine" in capsys.readouterr().err


def test_percentiles():
    values = [i / 100 for i in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.9), percentile(values, 0.99)) == (
        0.5,
        0.9,
        0.99,
    )
    assert percentile([], 0.5) == 0.0


def record_of(attempt) -> Record:
    """What a taker who answered every question right would remember."""
    record = Record(attempt_id=str(attempt.pk), total=attempt.items.count(), finished=True)
    for item in attempt.items.order_by("position"):
        form = [
            (name, str(value))
            for name, values in right_answer(item).items()
            for value in (values if isinstance(values, list) else [values])
        ]
        answer = Answer(kind=item.kind, form=form, shown_percent=100)
        if item.kind == "open":
            answer.rubric_size = len(item.key["rubric"])
            answer.points = list(range(answer.rubric_size))
        record.answers[item.position] = answer
    return record


@pytest.mark.django_db
def test_the_check_finds_every_answer(client, content_dir):
    attempt = start(client)
    answer_all_right(client, attempt)
    assert check_database([record_of(attempt)]) == ([], 4)


@pytest.mark.django_db
def test_the_check_reports_lost_answers_and_wrong_scores(client, content_dir):
    attempt = start(client)
    answer_all_right(client, attempt)
    Response.objects.filter(item__attempt=attempt, item__position=2).delete()
    Response.objects.filter(item__attempt=attempt, item__position=1).update(score=0.5)
    record = record_of(attempt)
    record.answers[4].shown_percent = 50
    problems, checked = check_database([record, Record(attempt_id=str(uuid.uuid4()), total=1)])
    assert checked == 3
    text = "\n".join(problems)
    assert "question 2: the answer is lost" in text
    assert "question 1: score 0.5, expected 1.0" in text
    assert "question 4: shown 50%" in text
    assert "is missing" in text
