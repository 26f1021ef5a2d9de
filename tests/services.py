"""Helpers for the tests marked ``services``: real gunicorn servers, PostgreSQL and Redis.

When PostgreSQL or Redis cannot be reached these tests fail in CI (``CI=true``), where the
services are part of the contract, and are skipped with the reason everywhere else.
"""

from __future__ import annotations

import atexit
import functools
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts.loadtest import (
    Browser,
    Forms,
    free_port,
    hidden,
    launch_gunicorn,
    wait_until_healthy,
)
from tests.content_factory import tree, write_tree

REPO = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"

# Settings a server must not inherit from the test run's environment.
INHERITED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "CONTENT_DIR",
    "STATIC_ROOT",
    "SECRET_KEY",
    "DEBUG",
    "HTTPS",
    "PORT",
    "BIND_HOST",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
)

__all__ = ["Browser", "Forms", "hidden"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason}; CI provides this service, so this is a failure")
    pytest.skip(reason)


def postgres_url() -> str:
    """The PostgreSQL server to use: the one DATABASE_URL names, or the local default."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS


def with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def require_postgres() -> str:
    import psycopg

    url = with_database(postgres_url(), "postgres")
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as exc:
        unavailable(f"PostgreSQL is not reachable at {url}: {exc}".strip())
    return url


def require_redis() -> str:
    import redis

    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {url}: {exc}")
    return url


@functools.cache
def static_root() -> str:
    """Static files collected once per test run, as `make serve` does."""
    root = tempfile.mkdtemp(prefix="careerguide-static-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    manage("collectstatic", "--no-input", env=server_env(STATIC_ROOT=root))
    return root


@functools.cache
def content_root() -> str:
    """The small content tree of tests/content_factory.py, for servers."""
    root = tempfile.mkdtemp(prefix="careerguide-content-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    write_tree(Path(root), tree())
    return root


SECRET_KEY = secrets.token_urlsafe(50)  # one key: servers of one site must share it


def server_env(**settings: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in INHERITED and not name.startswith("DJANGO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="careerguide.settings",
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY="2",
        WEB_THREADS="2",
        LOG_LEVEL="warning",
    )
    env.update(settings)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args, "--verbosity", "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


class Gunicorn:
    """`make serve`'s gunicorn, on a free loopback port."""

    def __init__(self, log_dir: Path, **settings: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = server_env(
            PORT=str(self.port), STATIC_ROOT=static_root(), CONTENT_DIR=content_root(), **settings
        )
        self.log = Path(log_dir) / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        self.process = launch_gunicorn(self.env, self.log)
        try:
            wait_until_healthy(self.url, timeout=60, process=self.process)
        except RuntimeError as exc:
            self.stop()
            raise AssertionError(f"{exc}\n{self.output()}") from None
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def tracebacks(self) -> list[str]:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "Traceback" in line]


def csrf_form(page_text: str, css_class: str) -> list[tuple[str, str]]:
    form = Forms(page_text).find(css_class)
    assert form is not None, f"no {css_class} on the page"
    return hidden(form)


def wait_for(condition, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()


class PrivateRedis:
    """A redis-server of the test's own on a free loopback port, which the test stops and
    starts again at will; the machine's shared Redis is never touched."""

    def __init__(self, log_dir: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed")
        self.binary = str(binary)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = Path(log_dir) / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        import redis

        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.log.parent),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        assert wait_for(answers, timeout=10), self.log.read_text(errors="replace")
        return self

    def stop(self) -> None:
        """Kill it (as a crash would), and wait until it is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
