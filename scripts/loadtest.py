#!/usr/bin/env python
"""A bounded load test on loopback: simulated visitors browse the guide, search, and take mock
interviews end to end for a fixed time against one or more app servers, then every answer they
were acknowledged is checked in the database.

    python scripts/loadtest.py [--servers 2] [--readers 8] [--takers 8] [--searchers 2]
                               [--duration 20] [--url http://127.0.0.1:8000]

Without --url it starts its own servers as `make serve` does (migrate, collectstatic, then
gunicorn with careerguide/gunicorn.conf.py) on free ports of 127.0.0.1, sharing one database:
with DATABASE_URL naming PostgreSQL, a database of its own on that server, dropped afterwards;
otherwise a fresh SQLite file in a temporary folder. With REDIS_URL the servers share that Redis
(under a key prefix of their own, deleted afterwards). Each visitor's requests go to a server
picked at random, as behind a load balancer without sticky sessions. The servers run with
generous rate limits (RATE_* in the environment), as the visitors all come from 127.0.0.1.
With --url it loads a server already running on this machine, whose database must be the one
DATABASE_URL (and SECRET_KEY, if needed to load the settings) point to.

Readers open the home page and pages linked from it and the comparison picker; searchers type
queries as the search box sends them (htmx) and submit some; takers start mock interviews and
answer at random, so scores vary; now and then a taker submits an answer twice, as a double
click would. Takers remember what they sent and the score they were shown. Afterwards the
check finds every answer in the database exactly once, recomputes its score from the stored
answer key, and compares finished attempts' totals.

Prints throughput, the statuses, 5xx responses and p50/p95/p99 latency for each kind of
request. Exits 1 on any 5xx response, unexpected status, failed request, lost answer or wrong
score; 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_DURATION = 600  # seconds: the test stops by itself whatever it is asked
MAX_TAKERS = 200  # visitors of each kind
MAX_SERVERS = 4
# Limits for the servers under test: every visitor comes from 127.0.0.1, so the per-address
# limits would otherwise refuse most of them. The limits still count.
GENEROUS_LIMITS = {
    "RATE_QUIZ_START": "100000/h",
    "RATE_QUIZ_START_OWNER": "100000/h",
    "RATE_QUIZ_ANSWER": "100000/m",
    "RATE_QUIZ_ANSWER_OWNER": "100000/m",
    "RATE_SEARCH": "100000/m",
    "RATE_PREVIEW": "100000/m",
    "QUIZ_ATTEMPTS_PER_DAY": "100000",
}
HX = {"HX-Request": "true"}


# --- a minimal browser -------------------------------------------------------------------------


@dataclass
class Page:
    status: int
    headers: http.client.HTTPMessage
    text: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Browser:
    """One visitor: a keep-alive connection to one server and a cookie jar."""

    def __init__(self, base_url: str, *, timeout: float = 30, on_request=None):
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.on_request = on_request
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _send(self, method: str, path: str, body: bytes | None, headers: dict) -> Page:
        fresh = self._conn is None
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        conn = self._conn
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.close()
            if fresh:
                raise
            # The server closed an idle keep-alive connection before reading the request:
            # nothing was processed, so send it again on a new connection, as browsers do.
            return self._send(method, path, body, headers)
        except Exception:
            self.close()
            raise
        seconds = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return Page(response.status, response.headers, data.decode("utf-8", "replace"), seconds)

    def request(self, method: str, path: str, form=None, headers: dict | None = None) -> Page:
        body = urlencode(form, doseq=True).encode() if form is not None else None
        all_headers = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "careerguide-loadtest",
            "Accept": "text/html",
            **(headers or {}),
        }
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            page = self._send(method, path, body, all_headers)
        except Exception as exc:
            if self.on_request:
                self.on_request(method, path, None, 0.0, exc)
            raise
        if self.on_request:
            self.on_request(method, path, page.status, page.seconds, None)
        return page

    def get(self, path: str, headers: dict | None = None) -> Page:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form, headers: dict | None = None) -> Page:
        return self.request("POST", path, form=form, headers=headers)


class Forms(HTMLParser):
    """The forms of a page: action, class and fields (tag, type, name, value, checked)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "action": a.get("action", ""),
                "class": a.get("class", ""),
                "fields": [],
            }
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select") and self._current is not None:
            self._current["fields"].append(
                (tag, a.get("type", ""), a.get("name", ""), a.get("value", ""), "checked" in a)
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None

    def find(self, css_class: str) -> dict | None:
        return next((f for f in self.forms if css_class in f["class"].split()), None)


def hidden(form: dict) -> list[tuple[str, str]]:
    return [(name, value) for _tag, kind, name, value, _ in form["fields"] if kind == "hidden"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(base_url: str, timeout: float = 60, process=None) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        browser = Browser(base_url, timeout=5)
        try:
            page = browser.get("/healthz")
            if page.status == 200:
                return
            last = f"{page.status} {page.text[:100]}"
        except OSError as exc:
            last = str(exc)
        finally:
            browser.close()
        time.sleep(0.2)
    raise RuntimeError(f"{base_url} did not become healthy in {timeout:.0f} s: {last}")


# --- simulated takers --------------------------------------------------------------------------


class Unexpected(Exception):
    """A response the site should not have given."""


@dataclass
class Answer:
    kind: str
    form: list[tuple[str, str]]
    points: list[int] | None = None  # open answers: the rubric points ticked
    rubric_size: int | None = None
    shown_percent: int | None = None


@dataclass
class Record:
    attempt_id: str
    total: int
    answers: dict[int, Answer] = field(default_factory=dict)
    finished: bool = False


def kind_of(method: str, path: str) -> str:
    """The kind of request, for the report."""
    path = urlsplit(path).path
    if path.startswith("/search/"):
        return "search"
    if not path.startswith("/quiz/"):
        return "guide page"
    if method == "POST":
        if path.endswith("/start/"):
            return "quiz start"
        return "quiz mark" if path.endswith("/assess/") else "quiz answer"
    if path.endswith("/results/"):
        return "quiz results"
    return "quiz page"


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # transport errors
    unexpected: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    double_submits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_request(self, method, path, status, seconds, error):
        with self.lock:
            if error is not None:
                self.failures.append(f"{method} {path}: {type(error).__name__}: {error}")
                return
            self.latencies.append(seconds)
            self.by_kind.setdefault(kind_of(method, path), []).append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


class Balanced:
    """One visitor behind a load balancer: one cookie jar, each request to a random server."""

    def __init__(self, base_urls: list[str], rng: random.Random, on_request=None):
        self.cookies: dict[str, str] = {}
        self.browsers = [Browser(url, on_request=on_request) for url in base_urls]
        for browser in self.browsers:
            browser.cookies = self.cookies
        self.rng = rng

    def request(self, method: str, path: str, form=None, headers: dict | None = None) -> Page:
        return self.rng.choice(self.browsers).request(method, path, form=form, headers=headers)

    def get(self, path: str, headers: dict | None = None) -> Page:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form, headers: dict | None = None) -> Page:
        return self.request("POST", path, form=form, headers=headers)

    def close(self) -> None:
        for browser in self.browsers:
            browser.close()


def expect(page: Page, *statuses: int, what: str) -> Page:
    if page.status not in statuses:
        raise Unexpected(f"{what}: {page.status}, expected {statuses}: {page.text[:200]!r}")
    return page


ATTEMPT_URL = re.compile(r"^/quiz/a/([0-9a-f-]{36})/q/1/$")
PROGRESS = re.compile(r"Question (\d+) of (\d+)")
SHOWN_SCORE = re.compile(r"(?:Right|Partly right|Not this time): (\d+)%")
EXAMPLES = [
    "linear regression",
    "naive bayes",
    "k-nearest neighbours",
    "a decision tree",
    "no idea",
]
OPEN_TEXTS = [
    "It fits noise in the training data and does worse on new, unseen data.",
    "I would start with a baseline, then measure on held-out data.",
    "Not sure.",
]


class Visitor:
    """A simulated visitor; ``visit()`` is one round of what it does, repeated until the end."""

    def __init__(
        self, base_urls: str | list[str], rng: random.Random, stats: Stats, deadline: float
    ):
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        self.browser = Balanced(urls, rng, on_request=stats.on_request)
        self.rng = rng
        self.stats = stats
        self.deadline = deadline

    def visit(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        try:
            while time.monotonic() < self.deadline:
                try:
                    self.visit()
                except Unexpected as exc:
                    with self.stats.lock:
                        self.stats.unexpected.append(str(exc))
                except (OSError, http.client.HTTPException):
                    time.sleep(0.1)  # counted by on_request; carry on with a new connection
        finally:
            self.browser.close()


class Reader(Visitor):
    """Reads the guide: the home page, pages linked from it, the comparison picker."""

    def visit(self) -> None:
        self.browse()

    def browse(self) -> None:
        home = expect(self.browser.get("/"), 200, what="home")
        links = sorted(
            {
                unescape(href)
                for href in re.findall(r'href="(/[^"#?]*)"', home.text)
                if not href.startswith(("/static/", "/admin/", "/editors/", "/quiz/a/"))
            }
        )
        for path in self.rng.sample(links, min(3, len(links))):
            expect(self.browser.get(path), 200, what=f"GET {path}")
        roles = re.findall(r'href="/roles/([a-z0-9-]+)/"', home.text) or ["x"]
        a, b = self.rng.choice(roles), self.rng.choice(roles)
        page = self.browser.get(f"/compare/?{urlencode({'a': a, 'b': b})}", headers=HX)
        expect(page, 200, 400, what="compare picker")


SEARCHES = ["model", "data", "pipeline", "statistics", "gradient descent", "sql window", "zzz"]


class Searcher(Visitor):
    """Types a query as the search box sends it (htmx, letter by letter), then submits it."""

    def visit(self) -> None:
        word = self.rng.choice(SEARCHES)
        for end in range(3, len(word) + 1, 2):
            page = self.browser.get(f"/search/?{urlencode({'q': word[:end]})}", headers=HX)
            expect(page, 200, what="search as you type")
        expect(self.browser.get(f"/search/?{urlencode({'q': word})}"), 200, what="search")


class Taker(Reader):
    """Reads a little, then takes a mock interview (or another quiz if there is none)."""

    def visit(self) -> None:
        self.browse()
        self.take_quiz()

    def take_quiz(self) -> None:
        index = expect(self.browser.get("/quiz/"), 200, what="quiz index")
        starts = [f for f in Forms(index.text).forms if "start-form" in f["class"].split()]
        if not starts:
            raise Unexpected("the quiz index has no start form")
        mock = [f for f in starts if ("mode", "mock") in hidden(f)]
        form = self.rng.choice(mock or starts)
        page = expect(self.browser.post("/quiz/start/", hidden(form)), 302, what="start")
        match = ATTEMPT_URL.match(urlsplit(page.location).path)
        if not match:
            raise Unexpected(f"start redirected to {page.location!r}")
        record = Record(attempt_id=match.group(1), total=0)
        with self.stats.lock:
            self.stats.records.append(record)
        position = 1
        while True:
            path = f"/quiz/a/{record.attempt_id}/q/{position}/"
            page = expect(self.browser.get(path), 200, what="question")
            progress = PROGRESS.search(page.text)
            if not progress or int(progress.group(1)) != position:
                raise Unexpected(f"{path} shows no progress for question {position}")
            record.total = int(progress.group(2))
            self.answer(record, position, page)
            if position == record.total:
                break
            position += 1
            if time.monotonic() > self.deadline + 10:  # let a quiz in progress finish, briefly
                return
        record.finished = True
        expect(self.browser.get(f"/quiz/a/{record.attempt_id}/results/"), 200, what="results")

    def _post(self, path: str, form, what: str) -> Page:
        """Submit as htmx (feedback swapped in) or as a plain form (redirect, then GET)."""
        if self.rng.random() < 0.5:
            return expect(self.browser.post(path, form, headers=HX), 200, what=what)
        page = expect(self.browser.post(path, form), 302, what=what)
        return expect(self.browser.get(urlsplit(page.location).path), 200, what=f"{what} page")

    def answer(self, record: Record, position: int, page: Page) -> None:
        base = f"/quiz/a/{record.attempt_id}/q/{position}/"
        form = Forms(page.text).find("answer-form")
        if form is None:
            raise Unexpected(f"{base} has no answer form")
        fields = form["fields"]
        names = {name for _tag, _kind, name, _value, _ in fields}
        choices = [value for _tag, kind, _n, value, _ in fields if kind in ("radio", "checkbox")]
        data = hidden(form)
        if "choice" in names:
            kind, given = "single", [("choice", self.rng.choice(choices))]
        elif "choices" in names:
            picked = self.rng.sample(choices, self.rng.randint(1, len(choices)))
            kind, given = "multiple", [("choices", c) for c in picked]
        elif "value" in names:
            kind, given = "numeric", [("value", f"{self.rng.uniform(0, 1):.2f}")]
        elif any(tag == "textarea" for tag, *_ in fields):
            kind, given = "open", [("text", self.rng.choice(OPEN_TEXTS))]
        else:
            kind, given = "example", [("text", self.rng.choice(EXAMPLES))]
        answer = Answer(kind=kind, form=given)
        after = self._post(base + "answer/", data + given, what=f"answer ({kind})")
        record.answers[position] = answer
        # an open answer, or an example the key does not know, is marked by the taker next
        rubric = Forms(after.text).find("rubric-form")
        if self.rng.random() < 0.1:  # a double click: the first answer stands
            with self.stats.lock:
                self.stats.double_submits += 1
            other = [("text", "changed my mind")] if kind in ("open", "example") else given
            htmx = self.rng.random() < 0.5
            # "already answered" (htmx) or back to the question; 400 once the answer has
            # finished the attempt, as a finished attempt takes nothing more
            finished = position == record.total and rubric is None
            expected = 400 if finished else 409 if htmx else 302
            page = self.browser.post(base + "answer/", data + other, headers=HX if htmx else None)
            expect(page, expected, what="the same answer again")
        if kind == "open" and rubric is None:
            raise Unexpected(f"{base}: no rubric after an open answer")
        if rubric is not None:
            size = sum(1 for _t, k, name, _v, _c in rubric["fields"] if name == "points")
            points = sorted(self.rng.sample(range(size), self.rng.randint(0, size)))
            answer.points, answer.rubric_size = points, size
            after = self._post(
                base + "assess/",
                hidden(rubric) + [("points", str(p)) for p in points],
                what="assess",
            )
        shown = SHOWN_SCORE.search(after.text)
        if not shown:
            raise Unexpected(f"{base}: no score shown after answering")
        answer.shown_percent = int(shown.group(1))


# --- checking the database ---------------------------------------------------------------------


def check_database(records: list[Record]) -> tuple[list[str], int]:
    """Problems found, and the number of answers checked."""
    import django

    django.setup()
    from django.http import QueryDict

    from quiz.forms import answer_form
    from quiz.models import Attempt
    from quiz.scoring import score_answer, score_open

    problems, checked = [], 0
    for record in records:
        attempt = Attempt.objects.filter(pk=record.attempt_id).first()
        if attempt is None:
            problems.append(f"attempt {record.attempt_id} is missing")
            continue
        items = {
            item.position: item
            for item in attempt.items.select_related("version", "response").all()
        }
        if record.total and len(items) != record.total:
            problems.append(f"attempt {attempt.pk}: {len(items)} items, {record.total} shown")
        total = 0.0
        for position, answer in sorted(record.answers.items()):
            item = items.get(position)
            response = getattr(item, "response", None) if item else None
            label = f"attempt {attempt.pk} question {position}"
            if item is None or response is None:
                problems.append(f"{label}: the answer is lost")
                continue
            checked += 1
            form = answer_form(item, QueryDict(urlencode(answer.form), mutable=False))
            if not form.is_valid():
                problems.append(f"{label}: the answer sent does not validate: {form.errors}")
                continue
            given = json.loads(json.dumps(form.answer()))
            if response.answer != given:
                problems.append(f"{label}: stored {response.answer!r}, sent {given!r}")
            if answer.rubric_size is not None:  # marked by the taker
                expected = score_open(answer.points or [], answer.rubric_size or 0).score
            else:
                outcome = score_answer(item.kind, item.key, form.answer())
                assert outcome is not None  # only open answers wait for a marking
                expected = outcome.score
            if response.score is None or abs(response.score - expected) > 1e-9:
                problems.append(f"{label}: score {response.score}, expected {expected}")
            elif answer.shown_percent is not None and answer.shown_percent != round(expected * 100):
                problems.append(f"{label}: shown {answer.shown_percent}%, expected {expected:.2f}")
            total += expected
        # Exactly once: one row per item (a unique constraint), and none the taker was not
        # acknowledged.
        stored = {p for p, item in items.items() if getattr(item, "response", None) is not None}
        for position in sorted(stored - set(record.answers)):
            problems.append(f"attempt {attempt.pk} question {position}: stored, never acknowledged")
        if record.finished:
            if attempt.finished_at is None:
                problems.append(f"attempt {attempt.pk}: finished but not marked so")
            elif attempt.points is None or abs(attempt.points - total) > 1e-6:
                problems.append(f"attempt {attempt.pk}: {attempt.points} points, expected {total}")
    return problems, checked


# --- the server --------------------------------------------------------------------------------


class Server:
    """`make serve`'s gunicorn on a free loopback port."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "PORT": str(self.port)}
        self.log = log
        self.process: subprocess.Popen | None = None

    def launch(self) -> None:
        """Start gunicorn on a database and static folder that are ready, and wait for it."""
        self.process = launch_gunicorn(self.env, self.log)
        wait_until_healthy(self.url, process=self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def server_errors(self) -> list[str]:
        if not self.log.exists():
            return []
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines() if "Traceback" in line or "[ERROR]" in line]


class Site:
    """``count`` app servers sharing a throwaway database (SQLite, or a database of our own on
    the PostgreSQL server DATABASE_URL names), a static folder and, with REDIS_URL, Redis."""

    def __init__(self, workers: int, threads: int, count: int = 1):
        self.tmp = Path(tempfile.mkdtemp(prefix="careerguide-loadtest-"))
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="careerguide.settings",
            DEBUG="0",
            HTTPS="0",
            SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            STATIC_ROOT=str(self.tmp / "static"),
            CACHE_KEY_PREFIX=f"careerguide-loadtest-{os.getpid()}",
            BIND_HOST="127.0.0.1",
            WEB_CONCURRENCY=str(workers),
            WEB_THREADS=str(threads),
            LOG_LEVEL="warning",
            **GENEROUS_LIMITS,
        )
        self.postgres: tuple[str, str] | None = None  # (server URL, our database's name)
        url = env.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            name = f"careerguide_loadtest_{os.getpid()}"
            self.postgres = (urlsplit(url)._replace(path="/postgres").geturl(), name)
            env["DATABASE_URL"] = urlsplit(url)._replace(path=f"/{name}").geturl()
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.tmp / 'loadtest.sqlite3'}"
        self.env = env
        self.servers = [Server(env, self.tmp / f"server-{n}.log") for n in range(count)]
        self.urls = [server.url for server in self.servers]

    def _postgres(self, sql: str) -> None:
        import psycopg

        assert self.postgres is not None
        with psycopg.connect(self.postgres[0], autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)

    def start(self) -> None:
        """Create the database, migrate, collect static files, then launch every server."""
        if self.postgres is not None:
            self._postgres(f'DROP DATABASE IF EXISTS "{self.postgres[1]}" WITH (FORCE)')
            self._postgres(f'CREATE DATABASE "{self.postgres[1]}"')
        for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, "--verbosity", "0"],
                cwd=REPO,
                env=self.env,
                check=True,
                timeout=300,
            )
        for server in self.servers:
            server.launch()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def server_errors(self) -> list[str]:
        return [line for server in self.servers for line in server.server_errors()]

    def cleanup(self) -> None:
        if self.postgres is not None:
            from django.db import connections

            connections.close_all()  # the check's connection
            self._postgres(f'DROP DATABASE IF EXISTS "{self.postgres[1]}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.env.get("REDIS_URL"):  # our counters, under our own key prefix
            drop_redis_keys(self.env["REDIS_URL"], self.env["CACHE_KEY_PREFIX"])


def launch_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen:
    """gunicorn as `make serve` runs it, in a process group of its own, writing to ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "careerguide/gunicorn.conf.py"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def drop_redis_keys(url: str, prefix: str) -> None:
    """Delete the keys under one cache key prefix, and no others."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


# --- main --------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def run(
    base_urls: list[str], mix: dict[str, int], duration: float, seed: int
) -> tuple[Stats, float]:
    """``mix``: how many visitors of each kind (readers, takers, searchers)."""
    kinds = {"readers": Reader, "takers": Taker, "searchers": Searcher}
    stats = Stats()
    deadline = time.monotonic() + duration
    visitors = [
        kinds[kind](base_urls, random.Random(seed * 1000 + n), stats, deadline)
        for kind, count in mix.items()
        for n in range(count)
    ]
    threads = [
        threading.Thread(target=visitor.run, name=f"visitor-{n}", daemon=True)
        for n, visitor in enumerate(visitors)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 60)
    elapsed = time.monotonic() - started
    if any(thread.is_alive() for thread in threads):
        stats.failures.append("a visitor did not stop in time")
    return stats, elapsed


def _ms(values: list[float], share: float) -> float:
    return round(percentile(values, share) * 1000, 1)


def report(stats: Stats, elapsed: float, problems: list[str], checked: int) -> dict:
    latencies = sorted(stats.latencies)
    requests = len(latencies) + len(stats.failures)
    server_errors = sum(n for status, n in stats.statuses.items() if status >= 500)
    kinds = {}
    for kind, values in sorted(stats.by_kind.items()):
        values = sorted(values)
        kinds[kind] = {
            "requests": len(values),
            "per_second": round(len(values) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": _ms(values, 0.50),
            "p95_ms": _ms(values, 0.95),
            "p99_ms": _ms(values, 0.99),
            "max_ms": round(values[-1] * 1000, 1),
        }
    return {
        "requests": requests,
        "seconds": round(elapsed, 1),
        "requests_per_second": round(requests / elapsed, 1) if elapsed else 0.0,
        "statuses": dict(sorted(stats.statuses.items())),
        "errors": len(stats.failures) + len(stats.unexpected),
        "server_errors": server_errors,
        "p50_ms": _ms(latencies, 0.50),
        "p90_ms": _ms(latencies, 0.90),
        "p95_ms": _ms(latencies, 0.95),
        "p99_ms": _ms(latencies, 0.99),
        "max_ms": round((latencies[-1] if latencies else 0) * 1000, 1),
        "kinds": kinds,
        "attempts_started": len(stats.records),
        "attempts_finished": sum(1 for r in stats.records if r.finished),
        "answers_checked": checked,
        "double_submits": stats.double_submits,
        "problems": problems,
        "failures": stats.failures[:20],
        "unexpected": stats.unexpected[:20],
    }


def print_report(summary: dict, servers: int, mix: dict[str, int]) -> None:
    visitors = ", ".join(f"{count} {kind}" for kind, count in mix.items())
    print(
        f"{summary['requests']} requests in {summary['seconds']} s "
        f"({summary['requests_per_second']} req/s) by {visitors} on {servers} server(s)\n"
        f"statuses {summary['statuses']}; errors {summary['errors']}; "
        f"5xx {summary['server_errors']}\n"
        f"latency p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
        f"p99 {summary['p99_ms']} ms, max {summary['max_ms']} ms"
    )
    print(f"  {'kind':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, row in summary["kinds"].items():
        print(
            f"  {kind:<14}{row['requests']:>9}{row['per_second']:>8}"
            f"{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
        )
    print(
        f"attempts {summary['attempts_started']} started, "
        f"{summary['attempts_finished']} finished; {summary['answers_checked']} answers "
        f"checked in the database; {summary['double_submits']} double submits"
    )
    for line in summary["failures"] + summary["unexpected"] + summary["problems"]:
        print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="load this running server (loopback only)")
    parser.add_argument("--servers", type=int, default=1, help="app servers to start (default 1)")
    parser.add_argument("--readers", type=int, default=0, help="visitors who read the guide")
    parser.add_argument("--takers", type=int, default=8, help="visitors who take quizzes")
    parser.add_argument("--searchers", type=int, default=0, help="visitors who search")
    parser.add_argument("--duration", type=float, default=20, help="seconds (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--seed", type=int, default=1, help="seed of the visitors' choices")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    mix = {"readers": args.readers, "takers": args.takers, "searchers": args.searchers}
    if not 0 < args.duration <= MAX_DURATION or not 0 < args.takers <= MAX_TAKERS:
        parser.error(f"--duration must be in (0, {MAX_DURATION}], --takers in [1, {MAX_TAKERS}]")
    if not all(0 <= count <= MAX_TAKERS for count in mix.values()):
        parser.error(f"--readers and --searchers must be in [0, {MAX_TAKERS}]")
    if not 1 <= args.servers <= MAX_SERVERS:
        parser.error(f"--servers must be in [1, {MAX_SERVERS}]")
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        parser.error("--url must be on this machine (127.0.0.1, localhost or ::1)")

    sys.path.insert(0, str(REPO))
    site = None
    servers = args.servers
    try:
        if args.url:
            base_urls = [args.url.rstrip("/")]
            servers = 1
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "careerguide.settings")
            wait_until_healthy(base_urls[0], timeout=10)
        else:
            site = Site(args.workers, args.threads, args.servers)
            site.start()
            base_urls = site.urls
            os.environ.update(site.env)  # the check reads the servers' database
        stats, elapsed = run(base_urls, mix, args.duration, args.seed)
        if site is not None:
            site.stop()
        problems, checked = check_database(stats.records)
        if site is not None:
            problems += [f"server log: {line}" for line in site.server_errors()]
    finally:
        if site is not None:
            site.stop()
            site.cleanup()

    summary = report(stats, elapsed, problems, checked)
    if args.json:
        print(json.dumps(summary))
    else:
        print_report(summary, servers, mix)
    bad = summary["server_errors"] or summary["errors"] or problems
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
