"""Degraded, not down: a Redis of the test's own is killed under a running app server. Readers,
quiz takers and signed-in staff keep getting their pages, staff can sign in, /healthz stays 200
(degraded) while /readyz names the cache, and caching resumes when Redis is back, without a
restart."""

from __future__ import annotations

import re

import pytest
import redis

from tests.services import (
    Browser,
    Forms,
    Gunicorn,
    PrivateRedis,
    hidden,
    manage,
    server_env,
    wait_for,
)

pytestmark = pytest.mark.services

PASSWORD = "a-long-staff-password-for-tests"


def sign_in(browser: Browser) -> None:
    page = browser.get("/admin/login/?next=/admin/")
    assert page.status == 200, page.text[:300]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    response = browser.post(
        "/admin/login/?next=/admin/",
        [
            ("csrfmiddlewaretoken", token.group(1)),
            ("username", "editor"),
            ("password", PASSWORD),
            ("next", "/admin/"),
        ],
    )
    assert response.status == 302 and response.location == "/admin/", response.text[:500]


def take_a_question(browser: Browser) -> None:
    index = browser.get("/quiz/")
    assert index.status == 200
    form = next(hidden(f) for f in Forms(index.text).forms if ("mode", "article") in hidden(f))
    started = browser.post("/quiz/start/", form)
    assert started.status == 302, started.text[:300]
    question = browser.get(started.location)
    assert question.status == 200
    answer = Forms(question.text).find("answer-form")
    assert answer is not None
    answered = browser.post(started.location + "answer/", hidden(answer) + [("value", "0.5")])
    assert answered.status == 302, answered.text[:300]
    assert browser.get(answered.location).status == 200


def plain(browser: Browser, path: str) -> tuple[int, str]:
    page = browser.get(path)
    return page.status, page.text


@pytest.fixture
def site(tmp_path):
    cache = PrivateRedis(tmp_path).start()
    settings = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": cache.url,
        "REDIS_TIMEOUT": "1",
        "REDIS_RETRY": "1",
    }
    env = server_env(**settings)
    manage("migrate", "--no-input", env=env)
    manage(
        "createsuperuser",
        "--no-input",
        "--username",
        "editor",
        "--email",
        "editor@example.org",
        env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    server = Gunicorn(tmp_path, **settings)
    try:
        server.start()
        yield server, cache
    finally:
        server.stop()
        cache.stop()


def test_pages_staff_and_sign_in_survive_a_redis_outage(site):
    server, cache = site
    reader, staff = Browser(server.url), Browser(server.url)
    sign_in(staff)
    assert plain(reader, "/healthz") == (200, "ok")

    cache.stop()
    # readers: guide pages and search
    for path in ("/", "/roles/", "/skills/", "/search/?q=model", "/quiz/"):
        assert reader.get(path).status == 200, path
    # quiz takers
    take_a_question(Browser(server.url))
    # signed-in staff, and a new sign-in
    assert staff.get("/admin/").status == 200
    assert staff.get("/editors/preview/").status == 200
    newcomer = Browser(server.url)
    sign_in(newcomer)
    assert newcomer.get("/admin/").status == 200
    # a load balancer keeps routing here; readiness says what is missing
    assert plain(reader, "/healthz") == (200, "degraded: cache")
    status, text = plain(reader, "/readyz")
    assert status == 503 and "database: ok" in text and "cache: unavailable" in text

    cache.start()  # the same port: the server was not told anything
    assert wait_for(lambda: plain(reader, "/healthz") == (200, "ok"), timeout=15)
    assert plain(reader, "/readyz")[0] == 200
    # the shared cache is written to again: the search limit's counter is back in Redis
    client = redis.Redis(port=cache.port)
    assert client.dbsize() == 0  # a fresh Redis
    assert reader.get("/search/?q=data").status == 200
    assert wait_for(lambda: client.dbsize() > 0, timeout=5)

    for browser in (reader, staff, newcomer):
        browser.close()
    assert server.tracebacks() == [], server.output()
    # a warning per process and outage, not one per request
    log = server.log.read_text(errors="replace")
    assert 1 <= log.count("is unreachable") <= 2, log[-4000:]
