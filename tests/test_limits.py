"""Limits on what writes or costs: over a limit a client gets a 429 with Retry-After and nothing
is written; under it nothing changes. Sign-ins are locked out by django-axes, in the database.
And two app servers share one limit (services)."""

from __future__ import annotations

import logging
import os
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from careerguide.limits import client_ip, client_key
from quiz.models import Attempt, Response
from scripts.loadtest import Browser, drop_redis_keys, free_port
from tests.helpers import HX, right_answer, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    """Set some limits (the others keep their defaults)."""

    def set_rates(**rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return set_rates


def assert_too_many(response, *, fragment=False):
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Nothing you sent was saved" in html
    if fragment:
        assert "<html" not in html and 'role="alert"' in html
    else:
        assert "<h1>Too many requests</h1>" in html and "<html" in html
        assert 'name="robots" content="noindex"' in html


# --- search and preview: reads, per client address ---------------------------------------------


def test_search_over_the_limit_gets_429(client, content_dir, rates):
    rates(search="3/h")
    for _ in range(3):
        response = client.get("/search/", {"q": "python"})
        assert response.status_code == 200
    assert_too_many(client.get("/search/", {"q": "python"}))
    assert_too_many(client.get("/search/", {"q": "python"}, headers=HX), fragment=True)
    # another address has its own count
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.get("/search/", {"q": "python"}).status_code == 200


def test_under_the_limit_nothing_changes(client, content_dir):
    first = client.get("/search/", {"q": "python"})
    again = client.get("/search/", {"q": "python"})
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert "Retry-After" not in again


def test_the_preview_is_limited(staff_client, content_dir, rates):
    rates(preview="2/h")
    form = {"path": "skills/python.md", "text": "---\ntitle: X\n---\nBody\n"}
    assert staff_client.post("/editors/preview/", form).status_code in (200, 400)
    assert staff_client.get("/editors/preview/").status_code == 200
    assert_too_many(staff_client.post("/editors/preview/", form))


def test_limits_can_be_turned_off(client, content_dir, rates, settings):
    rates(search="1/h")
    settings.RATELIMIT_ENABLE = False
    assert [client.get("/search/", {"q": "x"}).status_code for _ in range(3)] == [200] * 3


# --- the quiz: per address and per browser -----------------------------------------------------


def test_starting_over_the_limit_writes_nothing(client, content_dir, rates):
    rates(**{"quiz-start": "2/h"})
    start(client)
    start(client)
    before = Attempt.objects.count()
    response = client.post("/quiz/start/", {"mode": "article"})
    assert_too_many(response)
    assert "Too many quizzes started" in response.content.decode()
    assert Attempt.objects.count() == before
    assert "quiz_owner" not in response.cookies  # nothing set either


def test_each_browser_has_its_own_limit(content_dir, rates):
    rates(**{"quiz-start-owner": "2/h"})
    first, second = Client(), Client()  # one address, two browsers
    # a browser's first start has no token yet: only the address limit counts it
    for browser in (first, second):
        start(browser)
        start(browser)
        start(browser)
    for browser in (first, second):
        assert_too_many(browser.post("/quiz/start/", {"mode": "article"}))


def test_retakes_count_as_starts(client, content_dir, rates):
    rates(**{"quiz-start-owner": "1/h"})
    attempt = start(client)  # no token yet: not counted for this browser
    assert client.post(f"/quiz/a/{attempt.pk}/retake/").status_code == 302
    before = Attempt.objects.count()
    assert_too_many(client.post(f"/quiz/a/{attempt.pk}/retake/"))
    assert Attempt.objects.count() == before


def test_answering_over_the_limit_records_nothing(client, content_dir, rates):
    rates(**{"quiz-answer-owner": "1/h"})
    attempt = start(client)
    first = attempt.items.get(position=1)
    assert client.post(url(attempt, 1, "answer"), right_answer(first)).status_code == 302
    second = attempt.items.get(position=2)
    response = client.post(url(attempt, 2, "answer"), right_answer(second), headers=HX)
    assert_too_many(response, fragment=True)
    assert not Response.objects.filter(item=second).exists()
    attempt.refresh_from_db()
    assert attempt.position == 2  # the attempt waits where it was


def test_a_day_caps_the_attempts_of_a_browser(client, content_dir, settings):
    settings.QUIZ_ATTEMPTS_PER_DAY = 3
    attempts = [start(client) for _ in range(3)]
    response = client.post("/quiz/start/", {"mode": "article"})
    assert_too_many(response)
    assert "as many quizzes as one day allows" in response.content.decode()
    # it may try again once the oldest of the day is a day old
    assert 86400 - 60 < int(response["Retry-After"]) <= 86400
    assert Attempt.objects.count() == 3
    Attempt.objects.filter(pk=attempts[0].pk).update(
        created_at=attempts[0].created_at - timedelta(days=1, seconds=1)
    )
    start(client)
    # another browser is not capped by this one's attempts
    start(Client())


# --- who a client is ---------------------------------------------------------------------------


def meta(rf, remote="10.0.0.2", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return rf.get("/", REMOTE_ADDR=remote, headers=headers)


def test_the_client_is_the_peer_unless_behind_a_proxy(rf, settings):
    settings.BEHIND_PROXY = False
    assert client_ip(meta(rf, "198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_behind_a_proxy_the_client_is_the_right_most_untrusted_hop(rf, settings):
    settings.BEHIND_PROXY = True
    # the load balancer (10.0.0.1) appended what it saw; the proxy is the peer
    assert client_ip(meta(rf, forwarded="203.0.113.5, 10.0.0.1")) == "203.0.113.5"
    # a client cannot choose its address by sending the header itself
    assert client_ip(meta(rf, forwarded="1.1.1.1, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(meta(rf, forwarded="not-an-ip, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(meta(rf, forwarded="garbage")) == "10.0.0.2"
    assert client_ip(meta(rf)) == "10.0.0.2"
    # only our proxies on the way: the furthest of them
    assert client_ip(meta(rf, forwarded="192.168.1.4, 10.0.0.1")) == "192.168.1.4"
    settings.TRUSTED_PROXY_NETWORKS = []
    assert client_ip(meta(rf, forwarded="203.0.113.5, 10.0.0.1")) == "10.0.0.1"


def test_an_ipv6_client_is_its_network(rf, settings):
    settings.BEHIND_PROXY = False
    a = client_key("g", meta(rf, "2001:db8:1:2::1"))
    b = client_key("g", meta(rf, "2001:db8:1:2:ffff::9"))
    assert a == b == "2001:db8:1:2::"
    assert client_key("g", meta(rf, "2001:db8:1:3::1")) != a
    assert client_key("g", meta(rf, "::ffff:192.0.2.1")) == "192.0.2.1"


def test_limits_count_each_client_behind_the_proxy(content_dir, rates, settings):
    settings.BEHIND_PROXY = True
    rates(search="1/h")
    alice = Client(REMOTE_ADDR="10.0.0.1", headers={"X-Forwarded-For": "203.0.113.1"})
    bob = Client(REMOTE_ADDR="10.0.0.1", headers={"X-Forwarded-For": "203.0.113.2"})
    assert alice.get("/search/").status_code == 200
    assert bob.get("/search/").status_code == 200
    assert alice.get("/search/").status_code == 429
    spoofing = Client(REMOTE_ADDR="10.0.0.1", headers={"X-Forwarded-For": "9.9.9.9, 203.0.113.1"})
    assert spoofing.get("/search/").status_code == 429


# --- sign-ins ----------------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="right-pw", is_staff=True)


def sign_in(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_signing_in_works(client, editor):
    response = sign_in(client, "editor", "right-pw")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_failed_sign_ins_lock_out_without_telling_who_exists(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = sign_in(client, "editor", "wrong")
        assert response.status_code == 200  # the form again, with Django's generic message
    locked = sign_in(client, "editor", "wrong")
    assert_too_many(locked)
    text = locked.content.decode()
    assert "Too many failed sign-ins with this username from this address" in text
    assert int(locked["Retry-After"]) == 15 * 60
    # the right password does not get through a lockout
    assert sign_in(client, "editor", "right-pw").status_code == 429
    assert "_auth_user_id" not in client.session

    # a username that does not exist is locked out the same way, with the same words
    for _ in range(2):
        assert sign_in(client, "nobody", "wrong").status_code == 200
    ghost = sign_in(client, "nobody", "wrong")
    assert ghost.status_code == 429
    assert ghost.content.replace(b"nobody", b"editor") == locked.content
    # and another address is not locked out
    assert sign_in(Client(REMOTE_ADDR="198.51.100.3"), "editor", "right-pw").status_code == 302


def test_sign_in_attempts_are_limited_per_address(client, editor, rates):
    rates(signin="3/h")
    for name in ("a", "b", "c"):  # three usernames: under axes' limit for each
        assert sign_in(client, name, "wrong").status_code == 200
    assert_too_many(sign_in(client, "editor", "right-pw"))
    assert get_user_model().objects.get(username="editor").last_login is None


# --- when the shared cache cannot count --------------------------------------------------------


@pytest.fixture
def unreachable_cache(settings):
    """The default cache is a Redis that nothing answers at (connection refused)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "careerguide.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "KEY_PREFIX": f"careerguide-test-down-{os.getpid()}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "RETRY_SECONDS": 0},
        },
    }


def test_reads_fail_open_when_the_cache_is_down(client, content_dir, rates, unreachable_cache):
    rates(search="1/h", **{"quiz-start": "1/h"})
    assert [client.get("/search/", {"q": "x"}).status_code for _ in range(3)] == [200] * 3
    start(client)
    start(client)  # the quiz keeps serving too; the daily cap (in the database) still holds


def test_sign_ins_stay_limited_when_the_cache_is_down(client, editor, rates, unreachable_cache):
    rates(signin="2/h")
    assert sign_in(client, "x", "wrong").status_code == 200
    assert sign_in(Client(), "editor", "right-pw").status_code == 302  # sign-in works
    # counted in this server's memory instead: still limited, never open
    assert_too_many(sign_in(client, "editor", "right-pw"))


def test_the_cache_backend_degrades_quietly(unreachable_cache, caplog):
    from django.core.cache import cache

    with caplog.at_level(logging.WARNING, logger="careerguide.cache"):
        assert cache.get("k") is None and cache.get("k", "dflt") == "dflt"
        cache.set("k", 1)
        assert cache.add("k", 1) is False
        assert cache.get_many(["k"]) == {}
        assert cache.delete("k") is False
        with pytest.raises(ValueError):
            cache.incr("k")
        assert cache.get_or_set("k", 5) == 5
    warnings = [r for r in caplog.records if r.name == "careerguide.cache"]
    assert len(warnings) == 1  # once a minute, not per call
    assert "is unreachable" in warnings[0].getMessage()
    assert "redis://" not in warnings[0].getMessage()  # host and port, never credentials


# --- two app servers share one limit -----------------------------------------------------------


@pytest.mark.services
def test_two_servers_share_one_limit(tmp_path):
    from tests.services import Gunicorn, require_redis

    redis_url = require_redis()
    prefix = f"careerguide-limits-{os.getpid()}"
    settings = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,
        "RATE_SEARCH": "4/h",
    }
    from tests.services import manage, server_env

    manage("migrate", "--no-input", env=server_env(**settings))
    servers = [Gunicorn(tmp_path, **settings), Gunicorn(tmp_path, **settings)]
    try:
        for server in servers:
            server.start()
        browsers = [Browser(server.url) for server in servers]
        statuses = [browsers[i % 2].get("/search/?q=model").status for i in range(6)]
        # four in all, whichever server answered, then both refuse
        assert statuses == [200, 200, 200, 200, 429, 429], statuses
        page = browsers[0].get("/search/?q=model")
        assert page.status == 429 and int(page.headers["Retry-After"]) >= 1
        for browser in browsers:
            browser.close()
    finally:
        for server in servers:
            server.stop()
        drop_redis_keys(redis_url, prefix)
