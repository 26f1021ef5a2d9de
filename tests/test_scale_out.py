"""Two app servers sharing one PostgreSQL database and one Redis: a taker can move between
them mid-quiz, and one answer sent to both at once is recorded once."""

from __future__ import annotations

import os
import threading
import uuid
from functools import partial
from types import SimpleNamespace

import pytest

from scripts.loadtest import drop_redis_keys
from tests.helpers import right_answer
from tests.services import (
    Browser,
    Forms,
    Gunicorn,
    csrf_form,
    hidden,
    manage,
    require_postgres,
    require_redis,
    server_env,
    with_database,
)

pytestmark = pytest.mark.services

HX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def database():
    """A database of this test run's own on the shared PostgreSQL server, migrated."""
    import psycopg

    admin = require_postgres()
    name = f"careerguide_scaleout_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(admin, name)
    try:
        manage("migrate", "--no-input", env=server_env(DATABASE_URL=url))
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory):
    cache = require_redis()
    prefix = f"careerguide-scaleout-{os.getpid()}"
    logs = tmp_path_factory.mktemp("scaleout")
    settings = {"DATABASE_URL": database, "REDIS_URL": cache, "CACHE_KEY_PREFIX": prefix}
    first, second = Gunicorn(logs, **settings), Gunicorn(logs, **settings)
    try:
        first.start()
        second.start()
        yield first, second
        assert first.tracebacks() == [] and second.tracebacks() == [], (
            first.output() + second.output()
        )
    finally:
        first.stop()
        second.stop()
        drop_redis_keys(cache, prefix)


def query(database: str, sql: str, *params):
    import psycopg

    with psycopg.connect(database) as conn:
        return conn.execute(sql, params).fetchall()


def items_of(database: str, attempt_id: str) -> dict[int, SimpleNamespace]:
    rows = query(
        database,
        "SELECT i.position, v.kind, v.key, i.variant FROM quiz_item i"
        " JOIN quiz_questionversion v ON v.id = i.version_id"
        " WHERE i.attempt_id = %s ORDER BY i.position",
        uuid.UUID(attempt_id),
    )
    items = {}
    for position, kind, key, variant in rows:
        if kind == "numeric":  # the answer of the variant this attempt asks
            key = {**key, "answer": key["answers"][variant]}
        items[position] = SimpleNamespace(kind=kind, key=key)
    return items


def start_attempt(browser: Browser) -> str:
    index = browser.get("/quiz/")
    assert index.status == 200
    starts = [hidden(f) for f in Forms(index.text).forms if "start-form" in f["class"].split()]
    form = next(f for f in starts if ("mode", "article") in f)
    response = browser.post("/quiz/start/", form)
    assert response.status == 302, response.text[:300]
    return response.location.split("/")[3]


def token(browser: Browser, path: str, css_class: str) -> list[tuple[str, str]]:
    page = browser.get(path)
    assert page.status == 200, page.text[:300]
    return [(k, v) for k, v in csrf_form(page.text, css_class) if k == "csrfmiddlewaretoken"]


def form_data(answer: dict) -> list[tuple[str, str]]:
    pairs = []
    for name, value in answer.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return pairs


def test_an_attempt_moves_between_servers(servers, database):
    first, second = servers
    cookies: dict[str, str] = {}
    on = {"first": Browser(first.url), "second": Browser(second.url)}
    for browser in on.values():
        browser.cookies = cookies  # one browser, one set of cookies, two servers

    attempt_id = start_attempt(on["first"])
    assert {"quiz_owner", "csrftoken"} <= set(cookies)
    items = items_of(database, attempt_id)
    assert [item.kind for item in items.values()] == ["numeric", "example", "open", "multiple"]

    plan = {1: "second", 2: "first", 3: "second", 4: "second"}
    for position, item in items.items():
        server = on[plan[position]]
        path = f"/quiz/a/{attempt_id}/q/{position}/"
        form = token(server, path, "answer-form") + form_data(right_answer(item))
        response = server.post(path + "answer/", form)
        assert response.status == 302, response.text[:300]
        if item.kind == "open":
            other = on["first"]  # the rubric is marked on the other server
            points = [("points", str(i)) for i in range(len(item.key["rubric"]))]
            response = other.post(path + "assess/", token(other, path, "rubric-form") + points)
            assert response.status == 302, response.text[:300]

    results = on["first"].get(f"/quiz/a/{attempt_id}/results/")
    assert results.status == 200 and "100%" in results.text
    [(finished_at, points)] = query(
        database,
        "SELECT finished_at, points FROM quiz_attempt WHERE id = %s",
        uuid.UUID(attempt_id),
    )
    assert finished_at is not None and points == pytest.approx(4.0)
    for browser in on.values():
        browser.close()


def race(requests) -> list[int]:
    """Send the requests at the same moment, one thread each; their statuses."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def send(index, send_one):
        barrier.wait()
        statuses[index] = send_one().status

    threads = [threading.Thread(target=send, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.parametrize("round_", range(3))
def test_the_same_answer_sent_to_both_servers_counts_once(servers, database, round_):
    first, second = servers
    cookies: dict[str, str] = {}
    browsers = [Browser(first.url), Browser(second.url)]
    for browser in browsers:
        browser.cookies = cookies
    attempt_id = start_attempt(browsers[round_ % 2])
    items = items_of(database, attempt_id)
    last = max(items)

    for position, item in items.items():
        path = f"/quiz/a/{attempt_id}/q/{position}/"
        forms = [token(b, path, "answer-form") + form_data(right_answer(item)) for b in browsers]
        statuses = race(
            [
                partial(b.post, path + "answer/", f, headers=HX)
                for b, f in zip(browsers, forms, strict=True)
            ]
        )
        # one is taken; the other is told the first answer stands (or, once that answer
        # finished the attempt, that the attempt takes no more answers)
        second_status = {409, 400} if position == last else {409}
        assert sorted(statuses)[0] == 200 and sorted(statuses)[1] in second_status, statuses
        if item.kind == "open":
            points = [("points", str(i)) for i in range(len(item.key["rubric"]))]
            forms = [token(b, path, "rubric-form") + points for b in browsers]
            statuses = race(
                [
                    partial(b.post, path + "assess/", f, headers=HX)
                    for b, f in zip(browsers, forms, strict=True)
                ]
            )
            assert sorted(statuses) == [200, 409], statuses

    rows = query(
        database,
        """SELECT i.position, count(r.id), min(r.score) FROM quiz_item i
           LEFT JOIN quiz_response r ON r.item_id = i.id
           WHERE i.attempt_id = %s GROUP BY i.position ORDER BY i.position""",
        uuid.UUID(attempt_id),
    )
    assert [(position, count) for position, count, _ in rows] == [(p, 1) for p in items]
    assert all(score == pytest.approx(1.0) for _, _, score in rows)
    [(points,)] = query(
        database, "SELECT points FROM quiz_attempt WHERE id = %s", uuid.UUID(attempt_id)
    )
    assert points == pytest.approx(4.0)
    for browser in browsers:
        browser.close()
