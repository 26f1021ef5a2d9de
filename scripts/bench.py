#!/usr/bin/env python
"""Throughput of each kind of page, against the physical limit of this stack.

    python scripts/bench.py [--duration 3] [--rounds 3] [--connections 16] [--write]

Starts the production server as `make serve` does (gunicorn with careerguide/gunicorn.conf.py,
DEBUG off, a throwaway SECRET_KEY, plain HTTP, SQLite in a temporary folder, or DATABASE_URL
when set) on a free loopback port, and loads it from another process with wrk
(`apt-get install -y wrk`), one row at a time: a warm-up, then the same number of seconds
and connections for every row, on the same workers and threads (one worker of four threads
by default, see --workers; worker recycling is off during the run). Every row runs in each
of several rounds (--rounds), and two baselines are measured at the start and the end of
each round:

- a static file of the home page's size, served by WhiteNoise: the physical limit, since
  WhiteNoise answers before sessions, CSRF, authentication and the view;
- a trivial Django view returning a constant page through the whole middleware stack
  (careerguide/benchmark.py, routed only with BENCHMARK_VIEWS=1).

Each page is quoted as a ratio to both, the median over the rounds of its ratio to the
round's baselines: the machines are shared and noisy (rates drift by a fifth within a
minute), so ratios taken side by side are the figures to compare, not absolute rates. The
quiz question row shows question 1 of many attempts in turn, copies of mock interviews
started as the site starts them (questions drawn, choices shuffled), each opened first so
that the worker keeps its snapshot, as after the taker's previous step. The answer POST
rows send a real first answer each time (scored, stored, its feedback rendered as htmx
asks): the script
starts one attempt through the site (CSRF token and session cookie from real responses),
copies it into many attempts of the same owner in the database, and a wrk Lua script posts
to a different attempt on every request. For the first row each attempt's question is
fetched beforehand, as the taker's browser does, so the worker keeps the attempt's snapshot
(quiz/steps.py); the second row answers attempts the worker has never seen, as happens when
the answer reaches another worker than the question did.

Then: the cost of the content freshness check each request pays (in this process), peak
memory of a worker (VmHWM), the bytes each page sends compressed as a browser would fetch
it, and, when Chromium and lighthouse (`npm ci` in the repository) are present,
Lighthouse performance scores. --write puts the report in docs/benchmarks.md.

Exits 1 if a row saw errors (non-2xx/3xx answers, failed connections), 2 on bad arguments or
when wrk is missing. Missed targets are marked in the table, not turned into a failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.loadtest import Browser, Forms, Server, hidden  # noqa: E402
from scripts.screenshots import CHROMIUM_ARGS  # noqa: E402

MAX_DURATION = 60  # seconds per row
WRK_INSTALL = (
    "wrk is not installed. On Debian or Ubuntu: sudo apt-get install -y wrk "
    "(elsewhere: your package manager's wrk, e.g. brew install wrk)."
)
STATIC_BASELINE = "bench/baseline.html"
BASELINES = {"static file": "static", "trivial view": "trivial"}
COLD_ANSWER = "answer POST, attempt new to the worker"
ANSWER_BATCH = 2000
REPORT = REPO / "docs" / "benchmarks.md"

# Targets, as ratios of throughput (see README, "Performance").
CONTENT_TARGET = {"trivial": 0.8, "static": 0.5}
TARGETS = {
    "home": CONTENT_TARGET,
    "role": CONTENT_TARGET,
    "comparison": CONTENT_TARGET,
    "skill": CONTENT_TARGET,
    "education": CONTENT_TARGET,
    "quiz question": {"trivial": 0.5},
    "answer POST": {"trivial": 0.3},
}

# --- wrk -------------------------------------------------------------------------------------

# Every row's script ends with this: one JSON line with the counts and percentiles (in µs).
LUA_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nBENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""

LUA_HEADERS = """
wrk.headers["Accept"] = "text/html"
wrk.headers["User-Agent"] = "careerguide-bench"
{extra}
"""

# Each POST answers question 1 of the next attempt in the file given as the first argument,
# so every request is a real first answer (scored, stored, feedback rendered). The attempts
# are made before the row; a row that runs out gets 409s, which count as errors.
LUA_ANSWER = """
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
  return wrk.format("POST", "/quiz/a/" .. id .. "/q/1/answer/", nil, body)
end
"""


# Each GET shows question 1 of the next attempt in the file given as the first argument.
LUA_QUESTION = """
local ids = {}
local next_id = 0
init = function(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
end
request = function()
  next_id = next_id + 1
  return wrk.format("GET", "/quiz/a/" .. ids[((next_id - 1) % #ids) + 1] .. "/q/1/")
end
"""


@dataclass
class Row:
    label: str
    path: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    errors: int = 0
    runs: list[float] = field(default_factory=list)
    # this row's rate over each round's baseline, by baseline ("static", "trivial")
    ratios: dict[str, list[float]] = field(default_factory=dict)
    # context switches of the workers' threads per request, in each run
    switches: list[float] = field(default_factory=list)

    def ratio(self, base: Row) -> float:
        """The median over the rounds of the rate over ``base``'s rate in the same round
        (with no rounds recorded, over ``base``'s mean rate)."""
        kept = self.ratios.get(BASELINES.get(base.label, ""))
        if kept:
            return statistics.median(kept)
        return self.rps / base.rps if base.rps else 0.0


def lua_script(folder: Path, name: str, headers: dict[str, str], body: str = "") -> Path:
    extra = "\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    path = folder / f"{name}.lua"
    path.write_text(LUA_HEADERS.format(extra=extra) + body + LUA_REPORT)
    return path


def wrk(url: str, script: Path, seconds: float, connections: int, args: list[str] = ()) -> dict:
    command = [
        "wrk",
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


# --- the site under test ---------------------------------------------------------------------


class Site:
    """The server, plus what the rows need from it: URLs, a quiz session, attempts."""

    def __init__(self, workers: int, threads: int):
        self.server = Server(workers, threads)
        # Worker recycling off for the run: a new worker costs about a second of CPU every
        # 50,000 requests (20 µs a request in production), but in a benchmark it would land
        # in one row and take a sixth of that row's time.
        self.server.env.update(
            BENCHMARK_VIEWS="1", LOG_LEVEL="warning", GUNICORN_CMD_ARGS="--max-requests 0"
        )
        self.url = self.server.url
        self.host = f"127.0.0.1:{self.server.port}"
        self.cookies: dict[str, str] = {}
        self.owner = ""
        self.answer_body = ""
        self.template_attempt = None
        self.attempt_ids: list[str] = []
        self.peak_rss_kb = 0
        self.worker_pids: set[int] = set()

    def prepare(self) -> dict[str, str]:
        """Set Django up in this process on the server's settings, write the static baseline,
        start the server. Returns the page URLs to load."""
        os.environ.update(self.server.env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", "--no-input", verbosity=0)
        call_command("collectstatic", "--no-input", verbosity=0)

        from careerguide.content import get_library

        home = Client().get("/", headers={"host": self.host})
        if home.status_code != 200:
            raise RuntimeError(f"the home page answered {home.status_code}")
        baseline = Path(self.server.env["STATIC_ROOT"]) / STATIC_BASELINE
        baseline.parent.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(home.content)  # same size, same bytes as the home page
        # (written before the server starts: WhiteNoise lists the files once, at start)

        self.server.launch()  # migrations and static files are prepared above, in this process
        library = get_library()

        def first(kind: str, prefer: str = "") -> str:
            docs = library.all(kind)
            chosen = next((d for d in docs if d.slug == prefer), docs[0])
            return chosen.url

        return {
            "home": "/",
            "role": first("role", "machine-learning-engineer"),
            "comparison": first("comparison"),
            "skill": first("skill"),
            "education": first("education"),
            "search": "/search/?q=cross-validation",
            "quiz landing": "/quiz/",
        }

    def start_quiz(self) -> str:
        """Start a mock interview through the site; returns question 1's path."""
        browser = Browser(self.url)
        landing = browser.get("/quiz/")
        form = Forms(landing.text).find("start-form")
        if form is None:
            raise RuntimeError("no start form on /quiz/")
        for _ in range(20):  # prefer a choice question first: scored on the spot
            page = browser.post("/quiz/start/", [*hidden(form), ("mode", "mock")])
            if page.status != 302:
                raise RuntimeError(f"starting a quiz answered {page.status}")
            question = page.location
            answer = Forms(browser.get(question).text).find("answer-form")
            if answer is None:
                raise RuntimeError(f"no answer form on {question}")
            kinds = {kind for _tag, kind, *_ in answer["fields"]}
            if kinds & {"radio", "checkbox"}:
                break
        self.cookies = dict(browser.cookies)
        self.answer_body = _answer(answer)
        attempt_id = question.split("/")[3]
        from quiz.models import Attempt

        self.template_attempt = Attempt.objects.get(pk=attempt_id)
        self.owner = self.template_attempt.owner
        browser.close()
        return question

    def make_attempts(self, count: int, sources: list | None = None) -> list[str]:
        """``count`` unanswered copies of the started attempt (or of ``sources`` in turn),
        for the same owner."""
        from django.db import transaction

        from quiz.models import Attempt, Item

        sources = sources or [self.template_attempt]
        items = {
            source.pk: list(Item.objects.filter(attempt=source).order_by("position"))
            for source in sources
        }
        made: list[str] = []
        while len(made) < count:
            batch = min(ANSWER_BATCH, count - len(made))
            copies = [
                (Attempt(id=uuid.uuid4(), owner=self.owner, mode=s.mode, label=s.label), s)
                for i in range(batch)
                for s in [sources[(len(made) + i) % len(sources)]]
            ]
            with transaction.atomic():
                Attempt.objects.bulk_create([attempt for attempt, _ in copies])
                Item.objects.bulk_create(
                    [
                        Item(
                            attempt=attempt,
                            position=item.position,
                            question_id=item.question_id,
                            kind=item.kind,
                            difficulty=item.difficulty,
                            skills=item.skills,
                            asked=item.asked,
                            key=item.key,
                        )
                        for attempt, source in copies
                        for item in items[source.pk]
                    ],
                    batch_size=1000,
                )
            made += [str(attempt.id) for attempt, _ in copies]
        self.attempt_ids += made
        return made

    def start_attempts(self, count: int, seed: int = 1) -> list:
        """``count`` mock interviews started as the site starts them (their questions drawn
        and their choices shuffled at random), for the same owner."""
        import random

        from careerguide.content import get_library
        from quiz.attempts import create_attempt, select

        library, rng = get_library(), random.Random(seed)
        started = [
            create_attempt(library, select(library, "mock", "", rng), self.owner, rng)
            for _ in range(count)
        ]
        self.attempt_ids += [str(a.pk) for a in started]
        return started

    def resume(self, attempt_ids: list[str], threads: int = 4) -> None:
        """Open each attempt (its resume link, which redirects to its question): the worker
        then keeps its snapshot, as after the taker's previous step, without showing it."""
        self._each(attempt_ids, "/quiz/a/{}/", 302, threads)

    def show(self, attempt_ids: list[str], threads: int = 4) -> None:
        """Fetch question 1 of each attempt, as the taker's browser does before answering."""
        self._each(attempt_ids, "/quiz/a/{}/q/1/", 200, threads)

    def _each(self, attempt_ids: list[str], path: str, status: int, threads: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        def fetch(ids: list[str]) -> None:
            browser = Browser(self.url)
            browser.cookies = dict(self.cookies)
            try:
                for attempt_id in ids:
                    page = browser.get(path.format(attempt_id))
                    if page.status != status:
                        raise RuntimeError(f"{path.format(attempt_id)} answered {page.status}")
            finally:
                browser.close()

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(fetch, [attempt_ids[i::threads] for i in range(threads)]))

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def thread_switches(self) -> int:
        """Context switches so far of every thread of every worker: mostly the GIL passing
        between a worker's threads (at each call that releases it: a socket read or write, an
        SQL statement, each row it reads) and gunicorn handing connections over."""
        master = self.server.process.pid if self.server.process else None
        return sum(_switches(pid) for pid in _children(master)) if master else 0

    def sample_memory(self) -> None:
        master = self.server.process.pid if self.server.process else None
        if master is None:
            return
        for pid in _children(master):
            self.worker_pids.add(pid)
            self.peak_rss_kb = max(self.peak_rss_kb, _vm_hwm_kb(pid))

    def cleanup(self) -> None:
        if self.owner:
            try:
                from quiz.models import Attempt

                Attempt.objects.filter(owner=self.owner).delete()
            except Exception as exc:  # the database may be gone with the temporary folder
                print(f"note: could not delete the benchmark's attempts: {exc}", file=sys.stderr)
        self.server.stop()
        self.server.cleanup()


def _answer(form: dict) -> str:
    """The urlencoded body of a valid answer to the form: its hidden fields, the first
    choice, or a short text."""
    from urllib.parse import urlencode

    fields = hidden(form)
    chosen = False
    for tag, kind, name, value, _checked in form["fields"]:
        if kind in ("radio", "checkbox") and not chosen:
            fields.append((name, value))
            chosen = True
        elif tag == "textarea" or (tag == "input" and kind == "text"):
            fields.append((name, "1"))
    return urlencode(fields)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    except OSError:
        pass
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _switches(pid: int) -> int:
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                    total += int(line.split()[1])
    except OSError:  # a thread or the worker ended meanwhile
        pass
    return total


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- measurements ----------------------------------------------------------------------------


def freshness_cost() -> dict:
    """Time the check each request runs (ContentFreshnessMiddleware) with nothing changed."""
    from careerguide.content.store import get_store, scan

    store = get_store()
    store.refresh()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        for _ in range(100):
            store.refresh()
        calls += 100
    per_call = (time.perf_counter() - start) / calls
    files = len(scan(store.root))
    scans, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.5:
        scan(store.root)
        scans += 1
    per_scan = (time.perf_counter() - start) / scans
    return {
        "refresh_us": per_call * 1e6,
        "calls": calls,
        "watched": store.watched,
        "files": files,
        "scan_us": per_scan * 1e6,
    }


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


def page_weight(site: Site, pages: dict[str, str]) -> list[dict]:
    """Bytes on the wire for each page, fetched as a browser would (Accept-Encoding: gzip,
    br), with the stylesheets and scripts it loads."""
    import http.client

    def fetch(path: str, cookie: str = "") -> tuple[bytes, str, int]:
        conn = http.client.HTTPConnection("127.0.0.1", site.server.port, timeout=30)
        headers = {"Host": site.host, "Accept-Encoding": "gzip, br"}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return data, response.getheader("Content-Encoding") or "none", response.status

    rows = []
    for label, path in pages.items():
        cookie = site.cookie_header() if label == "quiz question" else ""
        html, encoding, status = fetch(path, cookie)
        plain = html
        if encoding == "gzip":
            import gzip

            plain = gzip.decompress(html)
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


def lighthouse(site: Site, pages: dict[str, str], folder: Path) -> list[dict] | str:
    binary = REPO / "node_modules" / ".bin" / "lighthouse"
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or ""
    if not binary.exists() or not chrome:
        return (
            "skipped: needs Chromium (apt-get install -y chromium) and lighthouse "
            "(npm install in the repository)"
        )
    results = []
    for label, path in pages.items():
        out = folder / f"lighthouse-{label.replace(' ', '-')}.json"
        command = [
            str(binary),
            site.url + path,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_ARGS]),
        ]
        if label == "quiz question":
            command.append("--extra-headers=" + json.dumps({"Cookie": site.cookie_header()}))
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


# --- the run ---------------------------------------------------------------------------------


def run_row(site: Site, row: Row, script: Path, args, extra=(), warm_extra=None) -> None:
    warm = list(extra if warm_extra is None else warm_extra)
    wrk(site.url + row.path, script, args.warmup, args.connections, warm)
    switched = site.thread_switches()
    result = wrk(site.url + row.path, script, args.duration, args.connections, list(extra))
    if result["requests"]:
        row.switches.append((site.thread_switches() - switched) / result["requests"])
    seconds = result["duration_us"] / 1e6
    row.requests += result["requests"]
    row.errors += sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    rate = result["requests"] / seconds if seconds else 0.0
    row.runs.append(rate)
    row.rps = statistics.mean(row.runs)
    # latency of the last run (baselines: the mean of both)
    p50, p99 = result["p50_us"] / 1000, result["p99_us"] / 1000
    n = len(row.runs)
    row.p50_ms = (row.p50_ms * (n - 1) + p50) / n
    row.p99_ms = (row.p99_ms * (n - 1) + p99) / n
    site.sample_memory()
    print(
        f"  {row.label:<14} {rate:9.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms"
        + (f"  errors {row.errors}" if row.errors else ""),
        flush=True,
    )


QUESTION_SOURCES = 200  # mock interviews started as the site does, copied for the question row
QUESTION_ATTEMPTS = 1500  # fewer than a worker keeps (quiz/steps.py), so each stays warm


def measure(site: Site, pages: dict[str, str], args, folder: Path) -> list[Row]:
    """Every row, in ``args.rounds`` rounds. Each round measures the baselines at its start and
    its end, and each row's ratios are taken to the mean of the round's two: the median over
    the rounds is the figure quoted, so a slow spell of the machine moves one round's ratios,
    not the result."""
    plain = lua_script(folder, "get", {})
    question_path = site.start_quiz()
    cookie = site.cookie_header()
    # The question row shows question 1 of many attempts, drawn and shuffled as the site
    # does, each about once or twice a row, as takers see them: after their previous step
    # (so the worker keeps the attempt's snapshot, see Site.resume), not after a reload.
    sources = site.start_attempts(QUESTION_SOURCES)
    shown = site.make_attempts(QUESTION_ATTEMPTS, sources)
    (folder / "shown.txt").write_text("\n".join(shown) + "\n")
    question_script = lua_script(folder, "question", {"Cookie": cookie}, LUA_QUESTION)
    answer_script = lua_script(
        folder,
        "answer",
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "HX-Request": "true",
        },
        LUA_ANSWER,
    )

    static = Row("static file", f"/static/{STATIC_BASELINE}")
    trivial = Row("trivial view", "/bench/trivial/")
    page_rows = [Row(label, path) for label, path in pages.items()]
    question = Row("quiz question", question_path)
    answers = [Row(label, question_path + "answer/") for label in ("answer POST", COLD_ANSWER)]
    rows = [static, trivial, *page_rows, question, *answers]
    shown_file = [str(folder / "shown.txt")]
    for number in range(1, args.rounds + 1):
        print(f"Round {number} of {args.rounds}:", flush=True)
        for row in (static, trivial):
            run_row(site, row, plain, args)
        for row in page_rows:
            run_row(site, row, plain, args)
        site.resume(shown)  # again each round: the answer rows' attempts take their place
        run_row(site, question, question_script, args, shown_file, shown_file)
        # Fresh attempts for each warm-up and run, at the question page's rate and more. A
        # taker's browser fetches a question before answering it, so the worker has usually
        # seen the attempt (its snapshot is kept): the first answer row does the same. The
        # second answers attempts no worker has seen, as when the answer reaches another
        # worker than the question did.
        for answer, fetched in zip(answers, (True, False), strict=True):
            warm_ids = site.make_attempts(int(question.runs[-1] * args.warmup * 1.5) + 200)
            run_ids = site.make_attempts(int(question.runs[-1] * args.duration * 1.5) + 500)
            if fetched:  # last answered first: the first to be answered are the freshest kept
                site.show([*reversed(run_ids), *reversed(warm_ids)])
            (folder / "warm.txt").write_text("\n".join(warm_ids) + "\n")
            (folder / "run.txt").write_text("\n".join(run_ids) + "\n")
            run_row(
                site,
                answer,
                answer_script,
                args,
                [str(folder / "run.txt"), site.answer_body],
                [str(folder / "warm.txt"), site.answer_body],
            )
            print(f"  ({_answered(run_ids)} of {len(run_ids)} prepared attempts answered)")
        for row in (trivial, static):
            run_row(site, row, plain, args)
        bases = {
            "static": statistics.mean(static.runs[-2:]),
            "trivial": statistics.mean(trivial.runs[-2:]),
        }
        for row in rows:
            rate = statistics.mean(row.runs[-2:]) if row.label in BASELINES else row.runs[-1]
            for name, base in bases.items():
                row.ratios.setdefault(name, []).append(rate / base)
    return rows


def _answered(ids: list[str]) -> int:
    from quiz.models import Response

    return sum(
        Response.objects.filter(item__attempt_id__in=ids[i : i + 500]).count()
        for i in range(0, len(ids), 500)
    )


def table(rows: list[Row]) -> str:
    bases = {
        "static": next(r for r in rows if r.label == "static file"),
        "trivial": next(r for r in rows if r.label == "trivial view"),
    }
    rounds = max((len(r.ratios.get("trivial", ())) for r in rows), default=0)
    lines = [
        "| Page | Requests/s | p50 ms | p99 ms | Thread switches / request | ÷ static file | "
        "÷ trivial view | " + ("÷ trivial, each round | " if rounds > 1 else "") + "Target |",
        "|---|---:|---:|---:|---:|---:|---:|" + ("---|" if rounds > 1 else "") + "---|",
    ]
    for row in rows:
        ratios = {name: row.ratio(base) for name, base in bases.items()}
        target = TARGETS.get(row.label)
        verdict = ""
        if target:
            misses = [
                f"÷ {name} {ratios[name]:.2f} < {want}"
                for name, want in target.items()
                if ratios[name] < want
            ]
            wanted = ", ".join(f"≥ {want} × {name}" for name, want in target.items())
            verdict = f"{wanted}: " + (f"**missed** ({'; '.join(misses)})" if misses else "met")
        if row.errors:
            verdict += f" ({row.errors} errors)"
        each = (
            " ".join(f"{r:.2f}" for r in row.ratios.get("trivial", ())) + " | "
            if rounds > 1
            else ""
        )
        switches = f"{statistics.median(row.switches):.0f}" if row.switches else ""
        lines.append(
            f"| {row.label} | {row.rps:,.0f} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {switches} | "
            f"{ratios['static']:.2f} | {ratios['trivial']:.2f} | {each}{verdict} |"
        )
    return "\n".join(lines)


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
    lines = [
        "| Page | Performance | FCP | LCP | TBT | CLS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
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
        lines.append(
            f"\nLighthouse {version}, default (mobile) settings, Chromium headless, same server."
        )
    return "\n".join(lines)


def report(args, rows, fresh, weights, scores, site: Site) -> str:
    cores = os.cpu_count() or 1
    fresh_line = f"{fresh['refresh_us']:.1f} µs per request over {fresh['calls']:,} calls, " + (
        f"stat'ing no file (change notifications; the {fresh['files']} files are still "
        f"stat'ed once a second, {fresh['scan_us']:.0f} µs a scan)"
        if fresh["watched"]
        else f"stat'ing {fresh['files']} files"
    )
    database = "PostgreSQL" if "postgres" in site.server.env["DATABASE_URL"] else "SQLite"
    return f"""## Throughput

{table(rows)}

{dt.date.today().isoformat()}, {cores} cores ({platform.machine()}, Python
{platform.python_version()}), {database}. gunicorn with careerguide/gunicorn.conf.py:
{args.workers} worker(s) x {args.threads} threads for every row. wrk on the same machine: 1 thread,
{args.connections} connections, {args.warmup:g} s warm-up then {args.duration:g} s per row,
no `Accept-Encoding` (every row sends the same uncompressed bytes it would to a client that
does not ask for compression). {args.rounds} round(s) of every row: each round measures the
baselines at its start and its end, each row's ratios are to the mean of the two, and the
ratios quoted are the medians over the rounds (the rates, the means). The quiz question row
shows question 1 of {QUESTION_ATTEMPTS:,} attempts in turn, copies of {QUESTION_SOURCES} mock
interviews drawn and shuffled as the site does.

On this stack the static file costs about as much as the trivial view: gunicorn's own work
(HTTP parsing in Python, the access log) dominates both, and WhiteNoise answers from the
same process. So "within 2x of the static file" and "0.8 of the trivial view" are close to
the same bar here, and what separates the pages is what a request does beyond that.

Thread switches / request: the context switches of the worker's threads during each run, over
its requests (the median over the rounds). With several threads in a worker, most are the GIL
passing from one thread to another at a call that releases it (a socket read or write, an SQL
statement, each row a query reads), and each costs the worker time: a page that switches
more than the trivial view pays for it beyond the Python it runs.

## Content freshness check

{fresh_line}.

## Memory

Peak resident memory of a worker (VmHWM, the largest over the worker processes seen:
{len(site.worker_pids)}): {site.peak_rss_kb / 1024:.0f} MiB.

## Page weight

Bytes on the wire fetched with `Accept-Encoding: gzip, br`: the page and the stylesheet and
scripts it loads (fonts: none, the site uses the system's). No page loads anything from
another origin.

{weight_table(weights)}

## Lighthouse

{lighthouse_table(scores)}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3, help="seconds per row (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every row (default 3)")
    parser.add_argument("--warmup", type=float, default=1, help="warm-up seconds (default 1)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (16)")
    # One worker by default: the load generator needs a core of its own, and gunicorn's
    # gthread workers share connections unevenly (one worker may accept all of wrk's
    # connections while another idles), which makes runs with several workers bimodal.
    # Ratios compare the cost of a request, which one worker measures without that noise.
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (1)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    parser.add_argument("--write", action="store_true", help=f"write {REPORT.relative_to(REPO)}")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION or not 0 < args.warmup <= MAX_DURATION:
        parser.error(f"--duration and --warmup must be in (0, {MAX_DURATION}] seconds")
    if not 0 < args.connections <= 512 or min(args.workers, args.threads, args.rounds) < 1:
        parser.error(
            "--connections must be in [1, 512], --workers, --threads and --rounds at least 1"
        )
    if shutil.which("wrk") is None:
        print(WRK_INSTALL, file=sys.stderr)
        return 2

    site = Site(args.workers, args.threads)
    folder = Path(tempfile.mkdtemp(prefix="careerguide-bench-"))
    try:
        pages = site.prepare()
        print(f"Loading {site.url} ({args.workers} workers x {args.threads} threads):")
        rows = measure(site, pages, args, folder)
        fresh = freshness_cost()
        question = next(r for r in rows if r.label == "quiz question")
        weights = page_weight(site, {**pages, "quiz question": question.path})
        scores = (
            "skipped (--no-lighthouse)"
            if args.no_lighthouse
            else lighthouse(
                site,
                {"home": pages["home"], "role": pages["role"], "quiz question": question.path},
                folder,
            )
        )
        text = report(args, rows, fresh, weights, scores, site)
    finally:
        site.cleanup()
        shutil.rmtree(folder, ignore_errors=True)

    print()
    print(text)
    if args.write:
        REPORT.write_text(
            "# Benchmarks\n\n"
            "The latest `make bench` (scripts/bench.py). Quote the ratios: the machines are "
            "shared and noisy, so absolute rates vary from run to run. Targets: guide pages at "
            "0.8 or more of the trivial view and within 2x of the static file (0.5 or more), "
            "the quiz question at 0.5 or more of the trivial view, the answer POST at 0.3 or "
            "more.\n\n" + text
        )
        print(f"Wrote {REPORT.relative_to(REPO)}")
    return 1 if any(r.errors for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
