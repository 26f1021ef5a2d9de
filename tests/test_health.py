"""/healthz and /readyz, and the 503 page a request gets when the database is unreachable."""

from unittest import mock

import pytest
import redis
from django.db import InterfaceError, OperationalError
from django.test import Client

from quiz.models import Attempt, Item, Response
from tests.helpers import start, url

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie
    assert "Cookie" not in response.get("Vary", "")
    assert client.head("/healthz").status_code == 200


def test_healthz_needs_no_csrf_token_and_only_reads():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/healthz").status_code == 405  # not 403: CSRF is not in the way
    assert client.get("/healthz").status_code == 200


def test_healthz_reports_a_lost_database(client):
    broken = mock.Mock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch("careerguide.health.connection", broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable: database"
    assert response["Cache-Control"] == "no-store"


def test_healthz_reports_a_database_that_answers_wrong(client):
    cursor = mock.MagicMock()
    cursor.__enter__.return_value.fetchone.return_value = None
    with mock.patch("careerguide.health.connection") as connection:
        connection.cursor.return_value = cursor
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable: database"


@pytest.mark.parametrize(
    "failure",
    [redis.exceptions.ConnectionError("Connection refused"), TimeoutError("timed out")],
)
def test_a_lost_cache_is_degraded_not_down(client, failure):
    """Pages do without the cache, so a load balancer must keep routing here (200); readiness
    says what failed."""
    with mock.patch("careerguide.health.cache") as cache:
        cache.set.side_effect = failure
        health = client.get("/healthz")
        ready = client.get("/readyz")
    assert health.status_code == 200
    assert health.content == b"degraded: cache"
    assert health["Cache-Control"] == "no-store"
    assert ready.status_code == 503
    lines = ready.content.decode().splitlines()
    assert lines[0] == "database: ok"
    assert lines[1].startswith("cache: unavailable (") and type(failure).__name__ in lines[1]


def test_healthz_reports_a_cache_that_forgets(client):
    with mock.patch("careerguide.health.cache") as cache:
        cache.get.return_value = None
        response = client.get("/healthz")
        ready = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"degraded: cache"
    assert "could not be read back" in ready.content.decode()


def test_healthz_names_both_when_both_fail(client):
    broken = mock.Mock()
    broken.cursor.side_effect = InterfaceError("connection already closed")
    with (
        mock.patch("careerguide.health.connection", broken),
        mock.patch("careerguide.health.cache") as cache,
    ):
        cache.set.side_effect = redis.exceptions.ConnectionError()
        response = client.get("/healthz")
        ready = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"unavailable: database, cache"
    assert ready.status_code == 503
    assert [line.split(":")[0] for line in ready.content.decode().splitlines()] == [
        "database",
        "cache",
    ]


def test_readyz_answers_ok_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"database: ok\ncache: ok\n"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert client.post("/readyz").status_code == 405


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/quiz/").status_code == 301  # everything else is


# --- the 503 page ------------------------------------------------------------------------------


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "<h1>Temporarily unavailable</h1>" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert response["X-Frame-Options"] == "DENY"
    assert "Permissions-Policy" in response and "Content-Security-Policy" in response


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379"),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
    ],
)
def test_a_lost_database_or_cache_gets_a_clean_503(client, content_dir, error):
    attempt = start(client)
    with mock.patch("quiz.views.steps.load_item", side_effect=error):
        assert_unavailable(client.get(url(attempt, 1)))
        assert_unavailable(client.post(url(attempt, 1, "answer"), {"value": "0.8"}))
    assert not Response.objects.exists()


def test_a_503_saves_no_session_and_writes_nothing(client, content_dir):
    with mock.patch(
        "quiz.views.create_attempt", side_effect=OperationalError("the database system is down")
    ):
        response = client.post("/quiz/start/", {"mode": "article"})
    assert_unavailable(response)
    assert "sessionid" not in response.cookies and "quiz_owner" not in response.cookies
    assert not Attempt.objects.exists() and not Item.objects.exists()


def test_an_attempt_is_written_whole_or_not_at_all(client, content_dir):
    with mock.patch(
        "quiz.attempts.Item.objects.bulk_create", side_effect=OperationalError("connection lost")
    ):
        assert_unavailable(client.post("/quiz/start/", {"mode": "article"}))
    assert not Attempt.objects.exists() and not Item.objects.exists()


def test_other_errors_are_still_500s(content_dir):
    client = Client(raise_request_exception=False)
    with mock.patch("quiz.views.get_library", side_effect=RuntimeError("a bug")):
        response = client.get("/quiz/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_lost_database_outside_a_view_is_a_503(rf):
    from django.db import OperationalError

    from careerguide.errors import server_error

    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503 and response["Retry-After"]
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(rf.get("/")).status_code == 500
