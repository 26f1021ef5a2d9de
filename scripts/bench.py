#!/usr/bin/env python
"""Throughput and latency of each kind of page on the server as it ships, on an empty and a
big database.

    python scripts/bench.py [--quick] [--duration 3] [--rounds 3] [--connections 32] [--write]

Every server runs as `make serve` runs it, with the shipped defaults for this machine's cores
(careerguide/gunicorn.conf.py: 2 x cores + 1 workers, at most 8, of 4 threads), DEBUG off,
plain HTTP, on a free loopback port, loaded from another process by wrk
(`apt-get install -y wrk`) with a fixed number of connections (32), a warm-up, then the same
seconds for every row. Three parts, on SQLite (a temporary folder) and, when DATABASE_URL
names a PostgreSQL server, on PostgreSQL as well (databases of the bench's own, created and
dropped by it; never DATABASE_URL's own database):

1. Throughput: requests per second and p50/p95/p99 latency of each page, quoted as ratios to
   two baselines measured at the start and the end of each round: a static file of the home
   page's size (WhiteNoise) and a trivial Django view through the whole middleware stack
   (careerguide/benchmark.py, routed only with BENCHMARK_VIEWS=1). A ratio is the median over
   the rounds of the page's rate over its round's baselines: the machine is shared and rates
   drift, ratios taken side by side do not. The budgets (ratios to the trivial view on
   gunicorn) are printed met or missed; a missed one comes with a profile of the view.
2. The floor: gunicorn (careerguide/gunicorn.conf.py) and granian (careerguide/serve.py, what
   `make serve` runs) with the same workers and threads, their rows interleaved in each round.
3. Cost with the data: a second database seeded with `manage.py seed_attempts` (100,000
   attempts and 1,000,000 answers), and the question page, the answer POST, the results page
   and the admin's question statistics measured on it and on the empty one in turn; then the
   statistics page's latency one request at a time, and the bytes each answered item takes.

The quiz rows show question 1 of many attempts in turn (copies of mock interviews started
through the site), answer a fresh attempt with every POST (scored, stored, feedback rendered
as htmx asks), and show the results of finished attempts (copies of one taken through the
site). Then: peak memory of a worker, the bytes each page sends compressed, and Lighthouse
when Chromium and lighthouse (`npm ci`) are present. --write puts the report in
docs/benchmarks.md. --quick is a short run on a small database, to check that the figures
are produced.

Exits 1 if a row saw errors (non-2xx/3xx answers, failed connections), 2 on bad arguments or
when wrk is missing. Missed budgets are marked in the tables, not turned into a failure.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import random
import re
import runpy
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.loadtest import (  # noqa: E402
    GENEROUS_LIMITS,
    Browser,
    Forms,
    Stats,
    Taker,
    free_port,
    hidden,
    wait_until_healthy,
)
from scripts.screenshots import CHROMIUM_ARGS  # noqa: E402

MAX_DURATION = 60  # seconds per row
WRK_INSTALL = (
    "wrk is not installed. On Debian or Ubuntu: sudo apt-get install -y wrk "
    "(elsewhere: your package manager's wrk, e.g. brew install wrk)."
)
STATIC_BASELINE = "bench/baseline.html"
REPORT = REPO / "docs" / "benchmarks.md"
BENCH_DATABASE = "bench_careerguide"  # on PostgreSQL; "_seeded" for the big one
GUIDE_PAGES = ("home", "role", "comparison", "skill", "education")

# Budgets: ratios of throughput to the trivial view on gunicorn (README, "Performance").
BUDGETS = {
    **dict.fromkeys(GUIDE_PAGES, 0.8),
    "quiz question": 0.4,
    "answer POST": 0.3,
    # a learner's own pages, with LEARNER_CARDS cards: the quiz pages' budget
    "review queue": 0.4,
    "progress": 0.4,
}
LEARNER_CARDS = 500
SCALE_GOAL = 1.2  # a quiz step on the seeded database costs at most this times the empty one
STATS_GOAL_MS = 200  # the admin's question statistics, one request at a time
BEFORE_BYTES_PER_ITEM = 4.8 * 1024  # the design that copied each question into each item

# The rows each part measures on the second server, and on both databases.
FLOOR_ROWS = ("static file", "trivial view", "home", "role", "quiz question", "answer POST")
SCALE_ROWS = ("quiz question", "answer POST", "results", "question statistics")


@dataclass
class Plan:
    """How big a run is."""

    seed_attempts: int = 100_000
    seed_answers: int = 1_000_000
    sources: int = 100  # mock interviews started through the site, copied for the question row
    shown: int = 1500  # attempts the question row cycles through
    finished: int = 500  # finished attempts the results row cycles through


QUICK = Plan(seed_attempts=300, seed_answers=3000, sources=5, shown=100, finished=50)

# --- wrk -------------------------------------------------------------------------------------

# Every row's script ends with this: one JSON line with the counts and percentiles (in µs).
LUA_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
end
"""

LUA_HEADERS = """
wrk.headers["Accept"] = "text/html"
wrk.headers["User-Agent"] = "careerguide-bench"
{extra}
"""

# Each request goes to the next attempt of the file given as the first argument, as
# METHOD /quiz/a/<id>/<SUFFIX>, with the body given as the second (POST only). An answer row
# that runs out of fresh attempts gets 4xx answers, which count as errors.
LUA_ATTEMPTS = """
local ids = {}
local next_id = 0
local body = nil
init = function(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  body = args[2]
end
request = function()
  next_id = next_id + 1
  local id = ids[((next_id - 1) % #ids) + 1]
  return wrk.format("METHOD", "/quiz/a/" .. id .. "/SUFFIX", nil, body)
end
"""


def lua_script(folder: Path, name: str, headers: dict[str, str], body: str = "") -> Path:
    extra = "\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    path = folder / f"{name}.lua"
    path.write_text(LUA_HEADERS.format(extra=extra) + body + LUA_REPORT)
    return path


def attempts_script(folder: Path, name: str, method: str, suffix: str, headers) -> Path:
    body = LUA_ATTEMPTS.replace("METHOD", method).replace("SUFFIX", suffix)
    return lua_script(folder, name, headers, body)


def wrk(url: str, script: Path, seconds: float, connections: int, args=()) -> dict:
    command = [
        "wrk",
        "--latency",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--script",
        str(script),
        url,
    ]
    if args:
        command += ["--", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line.removeprefix("BENCH "))
    raise RuntimeError(f"wrk failed: {result.stdout}\n{result.stderr}")


# --- servers ---------------------------------------------------------------------------------


def shipped_concurrency() -> tuple[int, int]:
    """Workers and threads careerguide/gunicorn.conf.py gives this machine by default."""
    saved = {k: os.environ.pop(k) for k in ("WEB_CONCURRENCY", "WEB_THREADS") if k in os.environ}
    try:
        conf = runpy.run_path(str(REPO / "careerguide" / "gunicorn.conf.py"))
    finally:
        os.environ.update(saved)
    return conf["workers"], conf["threads"]


SERVERS = {
    "gunicorn": [sys.executable, "-m", "gunicorn", "--config", "careerguide/gunicorn.conf.py"],
    "granian": [sys.executable, "-m", "careerguide.serve"],
}


class Server:
    """One app server on a free loopback port, in a process group of its own."""

    def __init__(self, kind: str, env: dict[str, str], folder: Path, name: str):
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "PORT": str(self.port)}
        if kind == "gunicorn":
            # Worker recycling off for the run: a new worker costs about a second of CPU every
            # 50,000 requests, which in a benchmark would land in one row.
            self.env["GUNICORN_CMD_ARGS"] = "--max-requests 0"
        self.log = folder / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                SERVERS[self.kind],
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_healthy(self.url, timeout=90, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def workers(self) -> list[int]:
        return _children(self.process.pid) if self.process else []


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    except OSError:
        return []


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- databases -------------------------------------------------------------------------------


@dataclass
class Database:
    """One engine, with an empty database and a seeded one."""

    engine: str  # "SQLite" or "PostgreSQL"
    urls: dict[str, str]  # by state: "empty", "seeded"
    admin: str = ""  # PostgreSQL: the maintenance database the bench's own are made from

    def alias(self, state: str) -> str:
        return f"{self.engine.lower()}_{state}"

    def create(self) -> None:
        if self.engine == "PostgreSQL":
            for url in self.urls.values():
                _postgres(self.admin, "DROP DATABASE IF EXISTS {} WITH (FORCE)", url)
                _postgres(self.admin, "CREATE DATABASE {}", url)

    def drop(self) -> None:
        if self.engine == "PostgreSQL":
            for url in self.urls.values():
                _postgres(self.admin, "DROP DATABASE IF EXISTS {} WITH (FORCE)", url)


def _postgres(admin_url: str, statement: str, url: str) -> None:
    """CREATE or DROP DATABASE (no ORM for these) of the database ``url`` names."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def databases(folder: Path, sqlite_only: bool) -> list[Database]:
    found = [
        Database(
            "SQLite",
            {state: f"sqlite:///{folder / f'{state}.sqlite3'}" for state in ("empty", "seeded")},
        )
    ]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")) and not sqlite_only:
        parts = urlsplit(url)
        found.append(
            Database(
                "PostgreSQL",
                {
                    "empty": parts._replace(path=f"/{BENCH_DATABASE}").geturl(),
                    "seeded": parts._replace(path=f"/{BENCH_DATABASE}_seeded").geturl(),
                },
                admin=parts._replace(path="/postgres").geturl(),
            )
        )
    return found


SETTINGS = '''"""`make bench`'s own process: every database of the run, by alias."""
import dj_database_url

from careerguide.settings import *  # noqa: F403

_OPTIONS = DATABASES["default"].get("OPTIONS", {{}})  # noqa: F405
DATABASES = {{
    alias: {{**dj_database_url.parse(url), "OPTIONS": dict(_OPTIONS) if "sqlite" in url else {{}}}}
    for alias, url in {aliases!r}.items()
}}
'''


def setup_django(folder: Path, env: dict[str, str], dbs: list[Database]) -> None:
    """Django in this process, on the servers' settings, with every database as an alias
    (the first SQLite one as ``default``, for the profiles)."""
    aliases = {"default": dbs[0].urls["empty"]}
    for db in dbs:
        aliases.update({db.alias(state): url for state, url in db.urls.items()})
    (folder / "bench_settings.py").write_text(SETTINGS.format(aliases=aliases))
    sys.path.insert(0, str(folder))
    os.environ.update(env)
    os.environ["DATABASE_URL"] = aliases["default"]
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import django

    django.setup()


def manage(env: dict[str, str], url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**env, "DATABASE_URL": url},
        check=True,
        timeout=1800,
    )


def seed(env: dict[str, str], url: str, plan: Plan, jobs: int = 2) -> None:
    """``manage.py seed_attempts`` in ``jobs`` processes at once, each a share of the rows
    (building the rows in Python is the slow part; the database takes them in turn)."""
    share = plan.seed_attempts // jobs
    per = plan.seed_answers // plan.seed_attempts
    processes = []
    for job in range(jobs):
        attempts = share if job < jobs - 1 else plan.seed_attempts - share * (jobs - 1)
        answers = attempts * per if job < jobs - 1 else plan.seed_answers - share * per * job
        command = [
            sys.executable,
            "manage.py",
            "seed_attempts",
            f"--attempts={attempts}",
            f"--answers={answers}",
            f"--seed={job + 1}",
        ]
        processes.append(subprocess.Popen(command, cwd=REPO, env={**env, "DATABASE_URL": url}))
    if any(process.wait(timeout=1800) for process in processes):
        raise RuntimeError("seeding the database failed")


def bytes_per_item(db: Database, state: str) -> dict:
    """On-disk bytes of the answered items' rows: Item and Response rows and their share of
    the QuestionVersion rows, with their indexes (SQLite: the dbstat table; PostgreSQL:
    pg_total_relation_size), over the number of answered items."""
    from django.db import connections

    from quiz.models import Item, QuestionVersion, Response

    alias = db.alias(state)
    models = {"item": Item, "response": Response, "version": QuestionVersion}
    tables = {name: model._meta.db_table for name, model in models.items()}
    sizes = {}
    with connections[alias].cursor() as cursor:  # sizes of tables: no ORM for these
        for name, table in tables.items():
            if db.engine == "SQLite":
                cursor.execute(
                    "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = %s OR name IN "
                    "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s)",
                    [table, table],
                )
            else:
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[name] = cursor.fetchone()[0]
    items = Item.objects.using(alias).count()
    answered = Response.objects.using(alias).count()
    if not answered:
        return {"answered": 0, "bytes": 0.0, **sizes}
    share = answered / items if items else 1.0
    total = (sizes["item"] + sizes["version"]) * share + sizes["response"]
    return {
        "answered": answered,
        "items": items,
        "versions": QuestionVersion.objects.using(alias).count(),
        "bytes": total / answered,
        **sizes,
    }


# --- a taker and the rows' attempts ----------------------------------------------------------


class Quiz:
    """What the quiz rows need from one server and its database: a taker's cookies, a valid
    answer, attempts to show and answer, finished attempts, a signed-in editor."""

    def __init__(self, server: Server, alias: str, plan: Plan):
        self.server = server
        self.alias = alias
        self.plan = plan
        self.cookies: dict[str, str] = {}
        self.owner = ""
        self.answer_body = ""
        self.template = ""  # the attempt the answer rows copy
        self.shown: list[str] = []
        self.finished: list[str] = []
        self.results_cookies: dict[str, str] = {}
        self.staff_cookies: dict[str, str] = {}
        self.stats_path = ""
        self.learner_cookies: dict[str, str] = {}

    def prepare(self) -> None:
        from django.contrib.auth import get_user_model
        from django.urls import reverse

        from quiz.models import Attempt

        browser = Browser(self.server.url)
        landing = browser.get("/quiz/")
        form = Forms(landing.text).find("start-form")
        if form is None:
            raise RuntimeError("no start form on /quiz/")
        started = []
        for _ in range(200):  # the first with a choice question first: scored at once
            page = browser.post("/quiz/start/", [*hidden(form), ("mode", "mock")])
            if page.status != 302:
                raise RuntimeError(f"starting a quiz answered {page.status}")
            question = urlsplit(page.location).path
            started.append(question.split("/")[3])
            if self.answer_body:
                if len(started) >= self.plan.sources:
                    break
                continue
            answer = Forms(browser.get(question).text).find("answer-form")
            if answer is None:
                raise RuntimeError(f"no answer form on {question}")
            if {kind for _tag, kind, *_ in answer["fields"]} & {"radio", "checkbox"}:
                self.answer_body = _answer(answer)
                self.template = started[-1]
        if not self.answer_body:
            raise RuntimeError("no mock interview started with a choice question")
        self.cookies = dict(browser.cookies)
        browser.close()
        self.owner = Attempt.objects.using(self.alias).get(pk=self.template).owner
        self.shown = self.copies(self.plan.shown, started)
        self.learner_cookies = {"quiz_owner": self.learner_with_cards(LEARNER_CARDS)}

        # One quiz taken to the end through the site, as a taker does; its copies are the
        # results row's pages.
        taker = Taker(self.server.url, random.Random(1), Stats(), time.monotonic() + 600)
        taker.take_quiz()
        record = taker.stats.records[-1]
        self.results_cookies = dict(taker.browser.cookies)
        taker.browser.close()
        self.finished = self.copies(self.plan.finished, [record.attempt_id], answered=True)

        password = secrets.token_urlsafe(16)
        user_model = get_user_model()
        user_model.objects.db_manager(self.alias).filter(username="bench").delete()
        user_model.objects.db_manager(self.alias).create_superuser("bench", "", password)
        staff = Browser(self.server.url)
        login = staff.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        page = staff.post(
            "/admin/login/?next=/admin/",
            [
                ("csrfmiddlewaretoken", token.group(1) if token else ""),
                ("username", "bench"),
                ("password", password),
                ("next", "/admin/"),
            ],
        )
        if page.status != 302:
            raise RuntimeError(f"signing in to the admin answered {page.status}")
        self.staff_cookies = dict(staff.cookies)
        staff.close()
        from quiz.models import QuestionStats

        meta = QuestionStats._meta
        self.stats_path = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")

    def learner_with_cards(self, count: int) -> str:
        """A new learner's token, with ``count`` review cards (one per question of the bank,
        the rest for questions no longer in it, as a long-time learner has) and four reviews
        each over the last 60 days; about half of them due now."""
        from careerguide.content import get_library
        from quiz.models import ReviewCard, ReviewLog

        learner = secrets.token_urlsafe(24)
        ids = [q.slug for q in get_library().all("question")]
        ids = (ids + [f"retired-{i}" for i in range(count)])[:count]
        now = dt.datetime.now(dt.UTC)
        cards = ReviewCard.objects.using(self.alias).bulk_create(
            ReviewCard(
                learner=learner,
                question_id=qid,
                state=2,
                stability=2.0 + i % 30,
                difficulty=5.0,
                due=now + dt.timedelta(days=i % 30 - 15),
                last_review=now - dt.timedelta(days=1 + i % 30),
                last_score=(i % 3) / 2,
                reviews=4,
                created_at=now - dt.timedelta(days=60),
            )
            for i, qid in enumerate(ids)
        )
        ReviewLog.objects.using(self.alias).bulk_create(
            ReviewLog(
                card=card,
                learner=learner,
                question_id=card.question_id,
                score=(n % 3) / 2,
                rating=1 + n % 3,
                rescheduled=True,
                due_after=card.due,
                reviewed_at=now - dt.timedelta(days=15 * n + i % 15),
            )
            for i, card in enumerate(cards)
            for n in range(4)
        )
        return learner

    def copies(self, count: int, sources: list[str] | None = None, answered=False) -> list[str]:
        """``count`` copies of ``sources`` (default: the answer template) in turn, unanswered
        at question 1, or with their answers when ``answered``, for the source's owner."""
        from django.db import transaction

        from quiz.models import Attempt, Item, Response

        db = self.alias
        sources = sources or [self.template]
        attempts = {str(a.pk): a for a in Attempt.objects.using(db).filter(pk__in=sources)}
        items = defaultdict(list)
        for item in Item.objects.using(db).filter(attempt_id__in=sources).order_by("position"):
            items[str(item.attempt_id)].append(item)
        responses = {}
        if answered:
            responses = {
                r.item_id: r
                for r in Response.objects.using(db).filter(
                    item__attempt_id__in=[uuid.UUID(s) for s in sources]
                )
            }
        made: list[str] = []
        while len(made) < count:
            batch = min(2000, count - len(made))
            pairs = []
            for i in range(batch):
                source = attempts[sources[(len(made) + i) % len(sources)]]
                copy = Attempt(
                    id=uuid.uuid4(),
                    owner=source.owner,
                    mode=source.mode,
                    label=source.label,
                    total=source.total,
                    position=source.position if answered else 1,
                    finished_at=source.finished_at if answered else None,
                    points=source.points if answered else 0.0,
                )
                pairs.append((copy, source))
            new_items = [
                (
                    Item(
                        attempt=copy,
                        position=item.position,
                        version_id=item.version_id,
                        question_id=item.question_id,
                        choice_order=item.choice_order,
                        variant=item.variant,
                    ),
                    item,
                )
                for copy, source in pairs
                for item in items[str(source.pk)]
            ]
            with transaction.atomic(using=db):
                Attempt.objects.using(db).bulk_create([copy for copy, _ in pairs])
                Item.objects.using(db).bulk_create([new for new, _ in new_items], batch_size=1000)
                if answered:
                    Response.objects.using(db).bulk_create(
                        [
                            Response(
                                item=new,
                                question_id=r.question_id,
                                answer=r.answer,
                                score=r.score,
                                detail=r.detail,
                                scored_at=r.scored_at,
                            )
                            for new, old in new_items
                            if (r := responses.get(old.pk)) is not None
                        ],
                        batch_size=1000,
                    )
            made += [str(copy.pk) for copy, _ in pairs]
        return made


def _answer(form: dict) -> str:
    """The urlencoded body of a valid answer to the form: its hidden fields, the first
    choice, or a short text."""
    fields = hidden(form)
    chosen = False
    for tag, kind, name, value, _checked in form["fields"]:
        if kind in ("radio", "checkbox") and not chosen:
            fields.append((name, value))
            chosen = True
        elif tag == "textarea" or (tag == "input" and kind == "text"):
            fields.append((name, "1"))
    return urlencode(fields)


def _cookie(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# --- rows ------------------------------------------------------------------------------------


@dataclass(eq=False)
class Row:
    label: str
    server: str = "gunicorn"
    database: str = "empty"
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    errors: int = 0
    runs: list[float] = field(default_factory=list)
    latencies: list[tuple[float, float, float]] = field(default_factory=list)
    # this row's rate over each round's baseline on the same server, by baseline
    ratios: dict[str, list[float]] = field(default_factory=dict)
    # this row's rate over another row's in the same round (granian over gunicorn, seeded
    # over empty)
    gains: list[float] = field(default_factory=list)

    def ratio(self, base: str) -> float:
        kept = self.ratios.get(base)
        return statistics.median(kept) if kept else 0.0

    def record(self, result: dict) -> float:
        seconds = result["duration_us"] / 1e6
        self.requests += result["requests"]
        self.errors += sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
        rate = result["requests"] / seconds if seconds else 0.0
        self.runs.append(rate)
        self.rps = statistics.mean(self.runs)
        self.latencies.append(tuple(result[f"p{p}_us"] / 1000 for p in (50, 95, 99)))
        self.p50_ms, self.p95_ms, self.p99_ms = (
            statistics.median(run[i] for run in self.latencies) for i in range(3)
        )
        return rate


class Bench:
    """The rows of one database engine: their wrk scripts, servers and attempts."""

    def __init__(self, args, plan: Plan, folder: Path, servers: dict, quizzes: dict):
        self.args = args
        self.plan = plan
        self.folder = folder
        self.servers = servers  # by (server kind, database state)
        self.quizzes = quizzes  # by database state
        self.peak_rss_kb = 0
        self.worker_pids: set[int] = set()
        self.paths: dict[str, str] = {}

    def run(self, row: Row, connections: int | None = None) -> float:
        """Warm up, then measure ``row`` once on its server and database; its rate."""
        server = self.servers[(row.server, row.database)]
        quiz = self.quizzes[row.database]
        script, warm_args, run_args = self.script(row.label, quiz, server.kind)
        connections = connections or self.args.connections
        url = server.url + self.paths.get(row.label, "/")
        wrk(url, script, self.args.warmup, connections, warm_args)
        if row.label == "answer POST":
            run_args = self.fresh(quiz, row, "run")
        rate = row.record(wrk(url, script, self.args.duration, connections, run_args))
        for pid in server.workers():
            self.worker_pids.add(pid)
            self.peak_rss_kb = max(self.peak_rss_kb, _vm_hwm_kb(pid))
        p50, p95, p99 = row.latencies[-1]
        print(
            f"  {row.label:<20} {row.server:<8} {row.database:<6} {rate:8.0f} req/s  "
            f"p50 {p50:6.2f}  p95 {p95:6.2f}  p99 {p99:6.2f} ms"
            + (f"  errors {row.errors}" if row.errors else ""),
            flush=True,
        )
        return rate

    def script(self, label: str, quiz: Quiz, kind: str):
        folder = self.folder
        if label == "quiz question":
            ids = folder / f"shown-{quiz.alias}.txt"
            ids.write_text("\n".join(quiz.shown) + "\n")
            headers = {"Cookie": _cookie(quiz.cookies)}
            script = attempts_script(folder, "question", "GET", "q/1/", headers)
            return script, [str(ids)], [str(ids)]
        if label == "results":
            ids = folder / f"finished-{quiz.alias}.txt"
            ids.write_text("\n".join(quiz.finished) + "\n")
            headers = {"Cookie": _cookie(quiz.results_cookies)}
            script = attempts_script(folder, "results", "GET", "results/", headers)
            return script, [str(ids)], [str(ids)]
        if label == "answer POST":
            headers = {
                "Cookie": _cookie(quiz.cookies),
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
            }
            script = attempts_script(folder, "answer", "POST", "q/1/answer/", headers)
            return script, self.fresh(quiz, None, "warm"), []
        if label in ("review queue", "progress"):
            headers = {"Cookie": _cookie(quiz.learner_cookies)}
            return lua_script(folder, "learner", headers), [], []
        if label == "question statistics":
            self.paths[label] = quiz.stats_path
            headers = {"Cookie": _cookie(quiz.staff_cookies)}
            return lua_script(folder, "staff", headers), [], []
        return lua_script(folder, "get", {}), [], []

    def fresh(self, quiz: Quiz, row: Row | None, name: str) -> list[str]:
        """Unanswered attempts for an answer run: more than the row's last rate (or a guess
        from the question row) takes in the time."""
        seconds = self.args.duration if name == "run" else self.args.warmup
        rate = row.runs[-1] if row and row.runs else 1000.0
        ids = quiz.copies(int(rate * 1.6 * max(1, round(seconds))) + 200)
        path = self.folder / f"{name}-{quiz.alias}.txt"
        path.write_text("\n".join(ids) + "\n")
        return [str(path), quiz.answer_body]


def rounds(bench: Bench, rows: list[Row], count: int, pairs=()) -> None:
    """Every row in each of ``count`` rounds. Each server's baselines are measured at the
    start and the end of a round, and each row's ratios are to the mean of the two: the
    medians over the rounds are the figures quoted. ``pairs`` are (row, base row) measured
    one after the other, whose rates are compared in each round."""
    paired = {id(row) for pair in pairs for row in pair}
    for number in range(1, count + 1):
        print(f"Round {number} of {count}:", flush=True)
        baselines = [r for r in rows if r.label in ("static file", "trivial view")]
        for row in baselines:
            bench.run(row)
        done: set[int] = set()
        for row in rows:
            if row in baselines or id(row) in done:
                continue
            if id(row) in paired:
                for first, second in pairs:
                    if row is first or row is second:
                        bench.run(second)
                        bench.run(first)
                        done |= {id(first), id(second)}
                        first.gains.append(
                            first.runs[-1] / second.runs[-1] if second.runs[-1] else 0.0
                        )
                        break
            else:
                bench.run(row)
        for row in reversed(baselines):
            bench.run(row)
        for server in {r.server for r in rows}:
            base = {
                r.label: statistics.mean(r.runs[-2:])
                for r in baselines
                if r.server == server and r.runs
            }
            for row in rows:
                if row.server != server:
                    continue
                own = statistics.mean(row.runs[-2:]) if row in baselines else row.runs[-1]
                for label, rate in base.items():
                    row.ratios.setdefault(label, []).append(own / rate if rate else 0.0)


# --- profiles --------------------------------------------------------------------------------


def profile(quiz: Quiz, label: str, requests: int = 300) -> str:
    """Where a quiz view's time goes: cProfile of ``requests`` requests under Django's test
    client, the functions' own time summed by package, largest first."""
    from django.test import Client

    client = Client(headers={"host": "127.0.0.1"})
    for name, value in quiz.cookies.items():
        client.cookies[name] = value
    if label == "answer POST":
        ids = quiz.copies(requests)
        body = quiz.answer_body

        def call(i):
            return client.post(
                f"/quiz/a/{ids[i]}/q/1/answer/",
                body,
                content_type="application/x-www-form-urlencoded",
                headers={"hx-request": "true"},
            )
    else:

        def call(i):
            return client.get(f"/quiz/a/{quiz.shown[i % len(quiz.shown)]}/q/1/")

    call(0)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(1, requests):
        call(i)
    profiler.disable()
    profile = pstats.Stats(profiler).get_stats_profile()
    by_area: dict[str, float] = defaultdict(float)
    total = 0.0
    for function, timing in profile.func_profiles.items():
        by_area[_area(timing.file_name, function)] += timing.tottime
        total += timing.tottime
    top = sorted(by_area.items(), key=lambda kv: -kv[1])[:8]
    per_request = total / (requests - 1) * 1e6
    return f"{label}, {per_request:,.0f} µs a request under the profiler: " + ", ".join(
        f"{area} {share / total:.0%}" for area, share in top
    )


def _area(filename: str, function: str) -> str:
    if filename == "~":  # a C function
        name = function.strip("<>").split(" of ")[0].replace("built-in method ", "")
        return "sqlite3/psycopg (C)" if "sqlite3" in name or "execute" in name else "C built-ins"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        if rest[0] == "django" and len(rest) > 2:
            return f"django.{rest[1]}"
        return rest[0]
    try:
        relative = path.resolve().relative_to(REPO)
        return ".".join(relative.with_suffix("").parts[:2])
    except ValueError:
        return "Python stdlib"


# --- page weight, Lighthouse -----------------------------------------------------------------


class Assets(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.css.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])


def page_weight(server: Server, pages: dict[str, str], cookie: str) -> list[dict]:
    """Bytes on the wire for each page, fetched as a browser would (Accept-Encoding: gzip,
    br), with the stylesheets and scripts it loads."""
    import gzip
    import http.client

    def fetch(path: str, with_cookie: bool = False) -> tuple[bytes, str, int]:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{server.port}", "Accept-Encoding": "gzip, br"}
        if with_cookie:
            headers["Cookie"] = cookie
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return data, response.getheader("Content-Encoding") or "none", response.status

    rows = []
    for label, path in pages.items():
        html, encoding, status = fetch(path, label == "quiz question")
        plain = gzip.decompress(html) if encoding == "gzip" else html
        assets = Assets(plain.decode("utf-8", "replace"))
        css = sum(len(fetch(u)[0]) for u in assets.css)
        js = sum(len(fetch(u)[0]) for u in assets.js)
        rows.append(
            {
                "page": label,
                "status": status,
                "html": len(html),
                "html_encoding": encoding,
                "css": css,
                "js": js,
                "total": len(html) + css + js,
                "third_party": [u for u in assets.css + assets.js if re.match(r"^(https?:)?//", u)],
            }
        )
    return rows


def lighthouse(server: Server, pages: dict[str, str], cookie: str, folder: Path):
    binary = REPO / "node_modules" / ".bin" / "lighthouse"
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or ""
    if not binary.exists() or not chrome:
        return (
            "skipped: needs Chromium (apt-get install -y chromium) and lighthouse "
            "(npm install in the repository)"
        )
    results: list[dict[str, Any]] = []
    for label, path in pages.items():
        out = folder / f"lighthouse-{label.replace(' ', '-')}.json"
        command = [
            str(binary),
            server.url + path,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_ARGS]),
        ]
        if label == "quiz question":
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = {**os.environ, "CHROME_PATH": chrome}
        for _ in range(3):  # headless Chromium now and then fails to record a trace: retry
            out.unlink(missing_ok=True)
            result = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)
            if result.returncode == 0 and out.exists():
                break
        if result.returncode != 0 or not out.exists():
            results.append({"page": label, "error": (result.stderr or result.stdout)[-300:]})
            continue
        report = json.loads(out.read_text())
        audits = report["audits"]
        score = report["categories"]["performance"]["score"]
        results.append(
            {
                "page": label,
                "score": round(score * 100) if score is not None else None,
                "fcp_ms": audits["first-contentful-paint"]["numericValue"],
                "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
                "tbt_ms": audits["total-blocking-time"]["numericValue"],
                "cls": audits["cumulative-layout-shift"]["numericValue"],
                "version": report.get("lighthouseVersion", ""),
            }
        )
    return results


# --- one engine ------------------------------------------------------------------------------


@dataclass
class Result:
    engine: str
    throughput: list[Row]
    floor: list[Row]
    scale: list[Row]
    stats_latency: dict[str, tuple[float, float, float]]
    storage: dict
    seed_seconds: float
    profiles: list[str]
    peak_rss_kb: int
    workers_seen: int
    weights: list[dict] = field(default_factory=list)
    scores: list[dict] | str = "skipped"


def measure(db: Database, args, plan: Plan, env: dict, folder: Path, first: bool) -> Result:
    from careerguide.content import get_library

    print(f"\n== {db.engine} ==", flush=True)
    db.create()
    servers: dict[tuple[str, str], Server] = {}
    try:
        for url in db.urls.values():
            manage(env, url, "migrate", "--no-input", "--verbosity", "0")
        start = time.monotonic()
        print(f"Seeding {plan.seed_attempts:,} attempts, {plan.seed_answers:,} answers", flush=True)
        seed(env, db.urls["seeded"], plan)
        seed_seconds = time.monotonic() - start
        for kind, state in (("gunicorn", "empty"), ("granian", "empty"), ("gunicorn", "seeded")):
            name = f"{db.engine.lower()}-{kind}-{state}"
            servers[(kind, state)] = Server(
                kind, {**env, "DATABASE_URL": db.urls[state]}, folder, name
            )
        for server in servers.values():
            server.start()
        quizzes = {}
        for state in db.urls:
            quizzes[state] = Quiz(servers[("gunicorn", state)], db.alias(state), plan)
            quizzes[state].prepare()
        bench = Bench(args, plan, folder, servers, quizzes)

        library = get_library()

        def first_url(kind: str, prefer: str = "") -> str:
            docs = library.all(kind)
            url = next((d for d in docs if d.slug == prefer), docs[0]).url
            assert url is not None, kind
            return url

        bench.paths.update(
            {
                "static file": f"/static/{STATIC_BASELINE}",
                "trivial view": "/bench/trivial/",
                "home": "/",
                "role": first_url("role", "machine-learning-engineer"),
                "comparison": first_url("comparison"),
                "skill": first_url("skill"),
                "education": first_url("education"),
                "search": "/search/?q=cross-validation",
                "quiz landing": "/quiz/",
                "quiz question": f"/quiz/a/{quizzes['empty'].shown[0]}/q/1/",
                "answer POST": f"/quiz/a/{quizzes['empty'].template}/q/1/answer/",
                "results": f"/quiz/a/{quizzes['empty'].finished[0]}/results/",
                "review queue": "/quiz/review/",
                "progress": "/quiz/progress/",
            }
        )

        # 1 and 2: every page on gunicorn, the floor's rows on granian, in the same rounds.
        labels = [
            "static file",
            "trivial view",
            *GUIDE_PAGES,
            "search",
            "quiz landing",
            "quiz question",
            "answer POST",
            "review queue",
            "progress",
        ]
        throughput = [Row(label) for label in labels]
        floor = [Row(label, server="granian") for label in FLOOR_ROWS]
        by_label = {row.label: row for row in throughput}
        pairs = [(row, by_label[row.label]) for row in floor if row.label not in ("static file",)]
        pairs = [p for p in pairs if p[0].label != "trivial view"]
        print(f"Throughput ({args.rounds} rounds), gunicorn and granian:", flush=True)
        rounds(bench, throughput + floor, args.rounds, pairs)
        # the baselines of both servers, compared: gains of the trivial view and static file
        for row in floor:
            if row.label in ("static file", "trivial view"):
                base = by_label[row.label]
                row.gains = [a / b if b else 0.0 for a, b in zip(row.runs, base.runs, strict=False)]

        # 3: the same steps on the seeded database and the empty one, in turn.
        scale = []
        for label in SCALE_ROWS:
            scale += [Row(label, database="seeded"), Row(label, database="empty")]
        scale_pairs = [(scale[i], scale[i + 1]) for i in range(0, len(scale), 2)]
        scale_rounds = max(1, min(args.rounds, 2))
        print(f"Seeded against empty ({scale_rounds} rounds):", flush=True)
        rounds(bench, scale, scale_rounds, scale_pairs)
        stats_latency = {}
        for state in ("empty", "seeded"):
            row = Row("question statistics", database=state)
            bench.run(row, connections=1)
            stats_latency[state] = row.latencies[-1]

        storage = bytes_per_item(db, "seeded")
        profiles = []
        if first:
            with_quiz = quizzes["empty"]
            profiles = [profile(with_quiz, "quiz question"), profile(with_quiz, "answer POST")]
        result = Result(
            db.engine,
            throughput,
            floor,
            scale,
            stats_latency,
            storage,
            seed_seconds,
            profiles,
            bench.peak_rss_kb,
            len(bench.worker_pids),
        )
        if first:
            server, quiz = servers[("gunicorn", "empty")], quizzes["empty"]
            pages = {label: bench.paths[label] for label in (*GUIDE_PAGES, "search")}
            pages |= {"quiz landing": "/quiz/", "quiz question": bench.paths["quiz question"]}
            result.weights = page_weight(server, pages, _cookie(quiz.cookies))
            if args.no_lighthouse:
                result.scores = "skipped (--no-lighthouse)"
            else:
                lh = {k: pages[k] for k in ("home", "role", "quiz question")}
                result.scores = lighthouse(server, lh, _cookie(quiz.cookies), folder)
        return result
    finally:
        for server in servers.values():
            server.stop()
        from django.db import connections

        for alias in (db.alias("empty"), db.alias("seeded")):
            connections[alias].close()
        db.drop()


# --- the report ------------------------------------------------------------------------------


def _verdict(row: Row) -> str:
    budget = BUDGETS.get(row.label)
    if budget is None:
        return ""
    ratio = row.ratio("trivial view")
    return f"≥ {budget}: " + ("met" if ratio >= budget else "**missed**")


def throughput_table(rows: list[Row]) -> str:
    lines = [
        "| Page | Requests/s | p50 ms | p95 ms | p99 ms | ÷ static file | ÷ trivial view | "
        "÷ trivial, each round | Budget (÷ trivial) |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        each = " ".join(f"{r:.2f}" for r in row.ratios.get("trivial view", ()))
        errors = f" ({row.errors} errors)" if row.errors else ""
        lines.append(
            f"| {row.label} | {row.rps:,.0f} | {row.p50_ms:.1f} | {row.p95_ms:.1f} | "
            f"{row.p99_ms:.1f} | {row.ratio('static file'):.2f} | "
            f"{row.ratio('trivial view'):.2f} | {each} | {_verdict(row)}{errors} |"
        )
    return "\n".join(lines)


def floor_table(floor: list[Row], gunicorn: list[Row]) -> str:
    by_label = {row.label: row for row in gunicorn}
    lines = [
        "| Page | gunicorn req/s | granian req/s | granian ÷ gunicorn (each round) | "
        "granian p50 / p95 / p99 ms | granian ÷ its trivial view | on gunicorn | Budget |",
        "|---|---:|---:|---|---:|---:|---:|---|",
    ]
    for row in floor:
        base = by_label[row.label]
        gains = " ".join(f"{g:.2f}" for g in row.gains)
        gain = statistics.median(row.gains) if row.gains else 0.0
        budget = BUDGETS.get(row.label)
        verdict = ""
        if budget is not None:
            verdict = f"≥ {budget}: " + (
                "met" if row.ratio("trivial view") >= budget else "**missed**"
            )
        lines.append(
            f"| {row.label} | {base.rps:,.0f} | {row.rps:,.0f} | {gain:.2f} ({gains}) | "
            f"{row.p50_ms:.1f} / {row.p95_ms:.1f} / {row.p99_ms:.1f} | "
            f"{row.ratio('trivial view'):.2f} | {base.ratio('trivial view'):.2f} | {verdict} |"
        )
    return "\n".join(lines)


def scale_table(scale: list[Row], latency: dict) -> str:
    lines = [
        "| Step | empty req/s | seeded req/s | seeded cost ÷ empty (each round) | "
        "empty p50 / p99 ms | seeded p50 / p99 ms | Goal |",
        "|---|---:|---:|---|---:|---:|---|",
    ]
    for i in range(0, len(scale), 2):
        seeded, empty = scale[i], scale[i + 1]
        costs = [1 / g for g in seeded.gains if g]
        cost = statistics.median(costs) if costs else 0.0
        if seeded.label == "question statistics":
            goal = f"p50 < {STATS_GOAL_MS} ms, one at a time: " + (
                "met"
                if max(latency["seeded"][0], latency["empty"][0]) < STATS_GOAL_MS
                else "**missed**"
            )
        else:
            goal = f"≤ {SCALE_GOAL}x: " + ("met" if cost <= SCALE_GOAL else "**missed**")
        errors = seeded.errors + empty.errors
        lines.append(
            f"| {seeded.label} | {empty.rps:,.0f} | {seeded.rps:,.0f} | {cost:.2f} "
            f"({' '.join(f'{c:.2f}' for c in costs)}) | {empty.p50_ms:.1f} / {empty.p99_ms:.1f} | "
            f"{seeded.p50_ms:.1f} / {seeded.p99_ms:.1f} | {goal}"
            + (f" ({errors} errors)" if errors else "")
            + " |"
        )
    empty, seeded = latency["empty"], latency["seeded"]
    lines.append(
        "\nThe admin's question statistics one request at a time (1 connection), p50 / p95 / "
        f"p99: {empty[0]:.1f} / {empty[1]:.1f} / {empty[2]:.1f} ms on the empty database, "
        f"{seeded[0]:.1f} / {seeded[1]:.1f} / {seeded[2]:.1f} ms on the seeded one."
    )
    return "\n".join(lines)


def storage_line(storage: dict) -> str:
    if not storage.get("answered"):
        return "no answered items"
    return (
        f"{storage['bytes']:,.0f} bytes per answered item ({storage['bytes'] / 1024:.2f} KB; "
        f"the design that copied each question into each item: about "
        f"{BEFORE_BYTES_PER_ITEM / 1024:.1f} KB): {storage['answered']:,} answers, "
        f"{storage['items']:,} items, {storage['versions']:,} question versions; tables with "
        f"their indexes: items {storage['item'] / 2**20:,.1f} MiB, responses "
        f"{storage['response'] / 2**20:,.1f} MiB, question versions "
        f"{storage['version'] / 2**20:,.2f} MiB"
    )


def weight_table(rows: list[dict]) -> str:
    lines = [
        "| Page | HTML | CSS | JS | Total | HTML encoding | Within 40 KB |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['page']} | {r['html'] / 1024:.1f} KB | {r['css'] / 1024:.1f} KB | "
            f"{r['js'] / 1024:.1f} KB | {r['total'] / 1024:.1f} KB | {r['html_encoding']} | "
            f"{'yes' if r['total'] <= 40 * 1024 and not r['third_party'] else 'no'} |"
        )
    return "\n".join(lines)


def lighthouse_table(results: list[dict] | str) -> str:
    if isinstance(results, str):
        return results
    lines = ["| Page | Performance | FCP | LCP | TBT | CLS |", "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['page']} | error: {r['error'].splitlines()[-1:]} | | | | |")
            continue
        lines.append(
            f"| {r['page']} | {r['score']} | {r['fcp_ms']:.0f} ms | {r['lcp_ms']:.0f} ms | "
            f"{r['tbt_ms']:.0f} ms | {r['cls']:.3f} |"
        )
    version = next((r["version"] for r in results if r.get("version")), "")
    if version:
        lines.append(f"\nLighthouse {version}, default (mobile) settings, Chromium headless.")
    return "\n".join(lines)


def report(args, plan: Plan, results: list[Result], workers: int, threads: int, took) -> str:
    cores = os.cpu_count() or 1
    parts = [
        f"{dt.date.today().isoformat()}, {cores} cores ({platform.machine()}, Python "
        f"{platform.python_version()}). Every server with the shipped defaults for this "
        f"machine: {workers} workers x {threads} threads. wrk on the same machine: 1 thread, "
        f"{args.connections} connections, {args.warmup:g} s warm-up then {args.duration:g} s "
        f"per row, no `Accept-Encoding`; {args.rounds} round(s). Latency: the median over "
        f"the rounds of each run's percentiles. The whole run took {took / 60:.1f} minutes."
    ]
    for result in results:
        missed = [r.label for r in result.throughput if _verdict(r).endswith("**missed**")]
        parts += [
            f"## {result.engine}",
            "### Throughput on gunicorn",
            throughput_table(result.throughput),
            "Budgets missed: " + (", ".join(missed) if missed else "none") + ".",
        ]
        if result.profiles:
            parts.append(
                "Where a quiz step's time goes (cProfile under Django's test client, each "
                "function's own time summed by package):\n\n"
                + "\n".join(f"- {line}" for line in result.profiles)
            )
        parts += [
            "### gunicorn and granian",
            "The same workers and threads, the rows interleaved: each granian row right after "
            "the same gunicorn row, in every round.",
            floor_table(result.floor, result.throughput),
            f"### Seeded ({plan.seed_attempts:,} attempts, {plan.seed_answers:,} answers) "
            "against empty",
            f"Seeded with `manage.py seed_attempts` in {result.seed_seconds:.0f} s. Each step "
            "runs on the empty database, then right after on the seeded one, on gunicorn; the cost "
            "ratio is the empty database's rate over the seeded one's, the median over the "
            "rounds.",
            scale_table(result.scale, result.stats_latency),
            "Storage: " + storage_line(result.storage) + ".",
            f"Peak resident memory of a worker (VmHWM, the largest of {result.workers_seen} "
            f"worker processes seen): {result.peak_rss_kb / 1024:.0f} MiB.",
        ]
        if result.weights:
            parts += [
                "### Page weight",
                "Bytes on the wire fetched with `Accept-Encoding: gzip, br`: the page and the "
                "stylesheet and scripts it loads (no fonts, nothing from another origin).",
                weight_table(result.weights),
                "### Lighthouse",
                lighthouse_table(result.scores),
            ]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3, help="seconds per row (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every row (default 3)")
    parser.add_argument("--warmup", type=float, default=1, help="warm-up seconds (default 1)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (32)")
    parser.add_argument("--attempts", type=int, help="attempts to seed (100,000)")
    parser.add_argument("--answers", type=int, help="answers to seed (1,000,000)")
    parser.add_argument("--sqlite-only", action="store_true", help="even with DATABASE_URL")
    parser.add_argument(
        "--postgres-only", action="store_true", help="only DATABASE_URL's PostgreSQL"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a short run on a small database (for tests)"
    )
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    parser.add_argument("--write", action="store_true", help=f"write {REPORT.relative_to(REPO)}")
    args = parser.parse_args(argv)
    plan = Plan()
    if args.quick:
        plan = QUICK
        args.duration, args.warmup, args.rounds, args.no_lighthouse = 1, 1, 1, True
    if args.attempts is not None or args.answers is not None:
        plan = Plan(
            **{
                **plan.__dict__,
                "seed_attempts": plan.seed_attempts if args.attempts is None else args.attempts,
                "seed_answers": plan.seed_answers if args.answers is None else args.answers,
            }
        )
    if not 0 < args.duration <= MAX_DURATION or not 0 < args.warmup <= MAX_DURATION:
        parser.error(f"--duration and --warmup must be in (0, {MAX_DURATION}] seconds")
    if not 0 < args.connections <= 512 or args.rounds < 1:
        parser.error("--connections must be in [1, 512], --rounds at least 1")
    if not 1 <= plan.seed_attempts <= plan.seed_answers:
        parser.error("--attempts must be at least 1 and at most --answers")
    if shutil.which("wrk") is None:
        print(WRK_INSTALL, file=sys.stderr)
        return 2

    started = time.monotonic()
    workers, threads = shipped_concurrency()
    folder = Path(tempfile.mkdtemp(prefix="careerguide-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "careerguide.settings",
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(folder / "static"),
        "CACHE_KEY_PREFIX": f"careerguide-bench-{os.getpid()}",
        "BIND_HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(workers),
        "WEB_THREADS": str(threads),
        "BENCHMARK_VIEWS": "1",
        "LOG_LEVEL": "warning",
        # wrk sends everything from 127.0.0.1: limits that count but never refuse
        **GENEROUS_LIMITS,
    }
    env.pop("REDIS_URL", None)  # the servers' own in-process caches, as on one machine
    dbs = databases(folder, args.sqlite_only)
    # the SQLite databases stay this process's default (profiles, the baseline page) either way
    measured = [db for db in dbs if db.engine == "PostgreSQL"] if args.postgres_only else dbs
    if not measured:
        parser.error("--postgres-only needs DATABASE_URL to name a PostgreSQL database")
    results = []
    try:
        setup_django(folder, env, dbs)
        from django.core.management import call_command
        from django.test import Client

        manage(env, dbs[0].urls["empty"], "migrate", "--no-input", "--verbosity", "0")
        call_command("collectstatic", "--no-input", verbosity=0)
        home = Client().get("/", headers={"host": "127.0.0.1"})
        if home.status_code != 200:
            raise RuntimeError(f"the home page answered {home.status_code}")
        baseline = folder / "static" / STATIC_BASELINE
        baseline.parent.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(home.content)  # the home page's bytes, before WhiteNoise starts
        print(f"{workers} workers x {threads} threads, {args.connections} connections")
        for number, db in enumerate(measured):
            results.append(measure(db, args, plan, env, folder, first=number == 0))
        text = report(args, plan, results, workers, threads, time.monotonic() - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print()
    print(text)
    if args.write:
        REPORT.write_text(
            "# Benchmarks\n\n"
            "The latest `make bench` (scripts/bench.py). Quote the ratios: the machines are "
            "shared and noisy, so absolute rates vary from run to run. Budgets, as ratios to "
            "the trivial view on gunicorn: guide pages 0.8 or more, the quiz question 0.4 or "
            "more, the answer POST 0.3 or more. On the seeded database: each quiz step within "
            f"{SCALE_GOAL}x of the empty database's cost, the admin's question statistics "
            f"under {STATS_GOAL_MS} ms.\n\n" + text
        )
        print(f"Wrote {REPORT.relative_to(REPO)}")
    errors = any(r.errors for result in results for r in result.throughput + result.scale)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
