"""The database goes away under a running server, and comes back.

A private PostgreSQL cluster (never the shared server) is started in a temporary folder, the
app is served from it by gunicorn, and the cluster is stopped abruptly while takers keep
starting quizzes. Requests must get a clean 503 meanwhile, no attempt may be left half
written, and once the database is back the same gunicorn serves again.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

from scripts.loadtest import GENEROUS_LIMITS
from tests.helpers import right_answer
from tests.services import (
    Browser,
    Forms,
    Gunicorn,
    csrf_form,
    hidden,
    manage,
    server_env,
    unavailable,
    wait_for,
)

pytestmark = pytest.mark.services

HX = {"HX-Request": "true"}
ARTICLE_SIZE = 4  # questions of the article quiz in tests/content_factory.py


def free_pg_port() -> int:
    for port in range(55432, 56000):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 55432-55999")


class PrivatePostgres:
    """initdb + pg_ctl as the postgres OS user, in a temporary folder, on a spare port."""

    def __init__(self):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
        if not binaries:
            unavailable("PostgreSQL's server programs (/usr/lib/postgresql/*/bin) are missing")
        self.bin = Path(binaries[-1]).parent
        try:
            self.user = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("there is no postgres OS user to run a private PostgreSQL as")
        if os.geteuid() != 0 or not shutil.which("runuser"):
            unavailable("starting a private PostgreSQL needs root and runuser")
        self.root = Path(tempfile.mkdtemp(prefix="careerguide-pgfault-"))
        os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.data = self.root / "data"
        self.port = free_pg_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/careerguide"

    def _run(self, *args: str, timeout: float = 120) -> None:
        result = subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"{args[0]}: {result.stdout}{result.stderr}"

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            "postgres",
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-sync",
        )
        self.start()
        import psycopg

        admin = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE careerguide")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=40"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "--pgdata",
            str(self.data),
            "--log",
            str(self.root / "postgres.log"),
            "--options",
            options,
            "--wait",
            "--timeout",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "--pgdata", str(self.data), "--mode", mode, "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def cleanup(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def query(self, sql: str, *params):
        import psycopg

        with psycopg.connect(self.url, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()


def _version(path: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in Path(path).parts[-3].split("."))


@pytest.fixture
def postgres():
    cluster = PrivatePostgres()
    try:
        cluster.init()
        manage("migrate", "--no-input", env=server_env(DATABASE_URL=cluster.url))
        yield cluster
    finally:
        cluster.cleanup()


@pytest.fixture
def server(postgres, tmp_path):
    gunicorn = Gunicorn(
        tmp_path,
        DATABASE_URL=postgres.url,
        WEB_CONCURRENCY="2",
        WEB_THREADS="2",
        **GENEROUS_LIMITS,  # takers all come from 127.0.0.1
    )
    gunicorn.start()
    try:
        yield gunicorn
    finally:
        gunicorn.stop()


def start_form(browser: Browser) -> list[tuple[str, str]]:
    page = browser.get("/quiz/")
    assert page.status == 200, page.text[:300]
    forms = [hidden(f) for f in Forms(page.text).forms if "start-form" in f["class"].split()]
    return next(f for f in forms if ("mode", "article") in f)


class Starter(threading.Thread):
    """Keeps starting quizzes, as takers would, and notes what each request got."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.browser = Browser(url, timeout=30)
        self.form = start_form(self.browser)
        self.statuses: list[int] = []
        self.started: list[str] = []
        self.errors: list[str] = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                page = self.browser.post("/quiz/start/", self.form)
            except OSError as exc:
                self.errors.append(repr(exc))
                continue
            self.statuses.append(page.status)
            if page.status == 302:
                self.started.append(page.location.split("/")[3])

    def stop(self):
        self.stopping.set()
        self.join(timeout=60)
        self.browser.close()


def assert_unavailable(page, what: str) -> None:
    assert page.status == 503, (what, page.status, page.text[:300])
    assert page.headers["Retry-After"] == "30", what
    assert "Temporarily unavailable" in page.text, what
    assert "Traceback" not in page.text and "psycopg" not in page.text, what


def test_the_database_goes_away_and_comes_back(postgres, server):
    taker = Browser(server.url)
    form = start_form(taker)
    response = taker.post("/quiz/start/", form)
    assert response.status == 302
    attempt_id = response.location.split("/")[3]
    items = {
        position: type(
            "Item",
            (),
            {
                "kind": kind,
                "key": {**key, "answer": key["answers"][variant]} if kind == "numeric" else key,
            },
        )
        for position, kind, key, variant in postgres.query(
            "SELECT i.position, v.kind, v.key, i.variant FROM quiz_item i"
            " JOIN quiz_questionversion v ON v.id = i.version_id"
            " WHERE i.attempt_id = %s ORDER BY i.position",
            uuid.UUID(attempt_id),
        )
    }

    def answer(position: int):
        path = f"/quiz/a/{attempt_id}/q/{position}/"
        page = taker.get(path)
        if page.status != 200:
            return page
        form = csrf_form(page.text, "answer-form")
        data = [
            (name, str(v))
            for name, value in right_answer(items[position]).items()
            for v in (value if isinstance(value, list) else [value])
        ]
        return taker.post(path + "answer/", form + data)

    assert answer(1).status == 302
    pid = server.process.pid

    starter = Starter(server.url)
    starter.start()
    assert wait_for(lambda: len(starter.started) >= 3, timeout=30), starter.statuses
    postgres.stop("immediate")  # a crash, mid-run
    try:
        assert wait_for(lambda: starter.statuses.count(503) >= 5, timeout=30), starter.statuses

        assert_unavailable(taker.get(f"/quiz/a/{attempt_id}/q/2/"), "question")
        assert_unavailable(answer(2), "answer")
        health = Browser(server.url).get("/healthz")
        assert (health.status, health.text) == (503, "unavailable: database")
        # pages that need no database keep working for visitors without a session
        assert Browser(server.url).get("/roles/ml-engineer/").status == 200
    finally:
        starter.stop()
        postgres.start()

    assert set(starter.statuses) <= {302, 503}, starter.statuses  # never a 500
    assert starter.errors == []

    # back without restarting gunicorn: stale persistent connections are health-checked away
    assert server.alive() and server.process.pid == pid
    assert wait_for(lambda: Browser(server.url).get("/healthz").status == 200, timeout=30)
    after = Browser(server.url)
    form = start_form(after)
    statuses = [after.post("/quiz/start/", form).status for _ in range(12)]
    statuses += [after.get("/healthz").status for _ in range(12)]
    assert set(statuses) <= {200, 302}, statuses
    for position in range(2, ARTICLE_SIZE + 1):
        assert taker.get(f"/quiz/a/{attempt_id}/q/{position}/").status == 200
        page = answer(position)
        assert page.status == 302, page.text[:300]
        if items[position].kind == "open":  # mark the rubric
            path = f"/quiz/a/{attempt_id}/q/{position}/"
            rubric = csrf_form(taker.get(path).text, "rubric-form")
            points = [("points", str(i)) for i in range(len(items[position].key["rubric"]))]
            assert taker.post(path + "assess/", rubric + points).status == 302
    assert taker.get(f"/quiz/a/{attempt_id}/results/").status == 200

    # nothing half-written: every attempt has all its items
    counts = postgres.query(
        """SELECT a.id, count(i.id) FROM quiz_attempt a
           LEFT JOIN quiz_item i ON i.attempt_id = a.id GROUP BY a.id"""
    )
    assert counts and {count for _, count in counts} == {ARTICLE_SIZE}, counts
    stored = {str(attempt) for attempt, _ in counts}
    assert set(starter.started) <= stored  # every acknowledged start was kept
    [(finished_at, points_total)] = postgres.query(
        "SELECT finished_at, points FROM quiz_attempt WHERE id = %s", uuid.UUID(attempt_id)
    )
    assert finished_at is not None and points_total == pytest.approx(4.0)
    assert server.tracebacks() == [], server.output()
