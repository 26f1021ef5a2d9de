"""Production configuration: settings read from the environment, `check --deploy`, gunicorn's
settings and static files served by WhiteNoise."""

import gzip
import os
import re
import runpy
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, override_settings

from tests.conftest import REPO

SETTINGS = REPO / "careerguide" / "settings.py"
GUNICORN_CONF = REPO / "careerguide" / "gunicorn.conf.py"
DOCS = REPO / "docs" / "configuration.md"

ENV_READ = re.compile(
    r"""(?:environ\.get|environ\[|env_bool|env_int|env_list|_int)\(?\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def documented_variables() -> set[str]:
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", DOCS.read_text(), re.MULTILINE))


def read_variables() -> set[str]:
    names = set()
    for path in (SETTINGS, GUNICORN_CONF):
        names |= set(ENV_READ.findall(path.read_text()))
    return names | {"DATABASE_URL"}  # read by dj-database-url


@pytest.fixture
def load(monkeypatch):
    """Run settings.py (or another file) afresh with exactly the given environment."""

    def run(path=SETTINGS, **env):
        for name in read_variables():
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(path))

    return run


KEY = "k" * 10 + secrets.token_urlsafe(40)


def test_every_variable_is_documented():
    assert read_variables() - documented_variables() == set()
    assert {"DEBUG", "SECRET_KEY", "PORT", "WEB_CONCURRENCY", "REDIS_URL"} <= read_variables()


def test_debug_is_off_unless_set(load):
    assert load(SECRET_KEY=KEY)["DEBUG"] is False
    assert load(SECRET_KEY=KEY, DEBUG="0")["DEBUG"] is False
    assert load(DEBUG="1")["DEBUG"] is True
    assert load(DEBUG="true")["DEBUG"] is True


def test_secret_key_is_required_without_debug(load):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load()
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load(DEBUG="0", SECRET_KEY="")
    assert load(SECRET_KEY=KEY)["SECRET_KEY"] == KEY
    assert load(DEBUG="1")["SECRET_KEY"]  # a development key, with DEBUG only


def test_hosts_and_origins(load):
    assert load(SECRET_KEY=KEY)["ALLOWED_HOSTS"] == []
    assert load(DEBUG="1")["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    s = load(SECRET_KEY=KEY, ALLOWED_HOSTS="example.org, www.example.org ,")
    assert s["ALLOWED_HOSTS"] == ["example.org", "www.example.org"]
    assert s["CSRF_TRUSTED_ORIGINS"] == []
    s = load(SECRET_KEY=KEY, SITE_URL="https://careers.example.org/")
    assert s["SITE_URL"] == "https://careers.example.org"
    assert s["ALLOWED_HOSTS"] == ["careers.example.org"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://careers.example.org"]
    s = load(
        SECRET_KEY=KEY,
        SITE_URL="https://careers.example.org",
        ALLOWED_HOSTS="a.example.org",
        CSRF_TRUSTED_ORIGINS="https://a.example.org,https://b.example.org",
    )
    assert s["ALLOWED_HOSTS"] == ["a.example.org"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://a.example.org", "https://b.example.org"]


def test_database_defaults_to_sqlite_in_wal_mode(load):
    db = load(SECRET_KEY=KEY)["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert str(db["NAME"]) == str(REPO / "db.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_postgres_through_psycopg3_with_persistent_checked_connections(load):
    import psycopg

    assert psycopg.__version__.startswith("3.")
    db = load(SECRET_KEY=KEY, DATABASE_URL="postgres://u:p@db.internal:5433/guide")["DATABASES"][
        "default"
    ]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == ("db.internal", 5433, "guide", "u")
    assert db["CONN_MAX_AGE"] == 600
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"]["connect_timeout"] == 5
    db = load(
        SECRET_KEY=KEY,
        DATABASE_URL="postgres://u@db/guide",
        CONN_MAX_AGE="0",
        DB_CONNECT_TIMEOUT="2",
    )["DATABASES"]["default"]
    assert db["CONN_MAX_AGE"] == 0 and db["OPTIONS"]["connect_timeout"] == 2


def test_cache_is_local_without_redis_and_shared_with_it(load):
    caches = load(SECRET_KEY=KEY)["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    s = load(SECRET_KEY=KEY, REDIS_URL="redis://cache:6379/1", CACHE_KEY_PREFIX="staging")
    cache = s["CACHES"]["default"]
    assert cache["BACKEND"] == "careerguide.cache.ResilientRedisCache"
    assert cache["LOCATION"] == "redis://cache:6379/1"
    assert cache["KEY_PREFIX"] == "staging"
    assert cache["OPTIONS"] == {
        "socket_connect_timeout": 2,
        "socket_timeout": 2,
        "RETRY_SECONDS": 5,
    }
    # sessions never depend on the cache, so a Redis outage signs nobody out
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert load(SECRET_KEY=KEY)["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_content_and_static_locations(load, tmp_path):
    s = load(
        SECRET_KEY=KEY,
        CONTENT_DIR=str(tmp_path / "content"),
        CONTENT_EDIT_URL="https://github.com/org/guide/edit/main/content/",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    assert s["CONTENT_DIR"] == tmp_path / "content"
    assert s["CONTENT_EDIT_URL"] == "https://github.com/org/guide/edit/main/content"
    assert s["STATIC_ROOT"] == tmp_path / "static"
    s = load(SECRET_KEY=KEY)
    assert s["CONTENT_DIR"] == REPO / "content"
    assert s["STATIC_ROOT"] == REPO / "staticfiles"
    assert s["CONTENT_EDIT_URL"] == ""
    backend = s["STORAGES"]["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_https_is_on_by_default_in_production(load):
    s = load(SECRET_KEY=KEY)
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] == 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_HSTS_PRELOAD"] is False
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert "SECURE_PROXY_SSL_HEADER" not in s
    assert s["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$", r"^readyz$"]


def test_https_settings_follow_the_environment(load):
    s = load(SECRET_KEY=KEY, HTTPS="0")
    assert (s["SECURE_SSL_REDIRECT"], s["SECURE_HSTS_SECONDS"]) == (False, 0)
    assert s["SESSION_COOKIE_SECURE"] is False and s["CSRF_COOKIE_SECURE"] is False
    assert load(DEBUG="1")["SECURE_HSTS_SECONDS"] == 0
    s = load(
        SECRET_KEY=KEY,
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_PRELOAD="1",
        BEHIND_PROXY="1",
    )
    assert s["SECURE_SSL_REDIRECT"] is False
    assert s["SECURE_HSTS_SECONDS"] == 3600 and s["SECURE_HSTS_PRELOAD"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_a_malformed_number_fails_loudly(load):
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS"):
        load(SECRET_KEY=KEY, SECURE_HSTS_SECONDS="a year")


def test_log_level(load):
    assert load(SECRET_KEY=KEY)["LOGGING"]["root"]["level"] == "WARNING"
    assert load(SECRET_KEY=KEY, LOG_LEVEL="info")["LOGGING"]["root"]["level"] == "INFO"


# --- gunicorn ----------------------------------------------------------------------------------


def test_gunicorn_defaults(load):
    conf = load(GUNICORN_CONF)
    cores = os.cpu_count() or 1
    assert conf["bind"] == ["0.0.0.0:8000"]
    assert conf["workers"] == min(2 * cores + 1, 8)
    assert conf["threads"] == 4 and conf["worker_class"] == "gthread"
    assert conf["timeout"] == 30
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
    assert conf["preload_app"] is False
    assert conf["wsgi_app"] == "careerguide.wsgi:application"
    assert conf["control_socket_disable"] is True


def test_gunicorn_from_the_environment(load):
    conf = load(
        GUNICORN_CONF,
        PORT="9123",
        BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY="3",
        WEB_THREADS="2",
        WEB_TIMEOUT="60",
        GUNICORN_CONTROL_SOCKET="/run/guide.ctl",
    )
    assert conf["bind"] == ["127.0.0.1:9123"]
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (3, 2, 60)
    assert conf["control_socket"] == "/run/guide.ctl"
    assert load(GUNICORN_CONF, BIND_HOST="::", PORT="80")["bind"] == ["[::]:80"]


def test_gunicorn_accepts_its_config():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "--config", str(GUNICORN_CONF)],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "careerguide.test_settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_makefile_serves_with_granian():
    makefile = (REPO / "Makefile").read_text()
    recipe = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "migrate --no-input" in recipe
    assert "collectstatic --no-input" in recipe
    assert "-m careerguide.serve" in recipe
    assert recipe.index("migrate") < recipe.index("collectstatic") < recipe.index("serve")


def test_granian_takes_gunicorns_settings():
    from careerguide.serve import options

    cores = os.cpu_count() or 1
    defaults = options({})
    assert (defaults["address"], defaults["port"]) == ("0.0.0.0", 8000)
    assert defaults["workers"] == min(2 * cores + 1, 8) and defaults["blocking_threads"] == 4
    assert defaults["workers_kill_timeout"] == 30 and defaults["log_access"] is True
    assert defaults["respawn_failed_workers"] is True
    custom = options(
        {
            "PORT": "9123",
            "BIND_HOST": "::",
            "WEB_CONCURRENCY": "3",
            "WEB_THREADS": "2",
            "WEB_TIMEOUT": "60",
        }
    )
    assert (custom["address"], custom["port"], custom["workers"]) == ("::", 9123, 3)
    assert (custom["blocking_threads"], custom["workers_kill_timeout"]) == (2, 60)


# --- check --deploy ----------------------------------------------------------------------------


def test_check_deploy_reports_nothing():
    """The production defaults, with the shipped content, pass Django's deployment checklist
    without a single warning."""
    # Only what a deployment would set: nothing from the test run (DJANGO_* variables included).
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in read_variables() and not name.startswith("DJANGO_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="careerguide.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 random characters
        ALLOWED_HOSTS="example.org",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",  # password resets reach people
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    configuration = [line for line in output.splitlines() if re.search(r"\(\w+\.[WE]\d+\)", line)]
    assert [line for line in configuration if "(content." not in line] == [], output
    assert configuration == [], "content problems: run `python manage.py content_check`"
    assert result.returncode == 0, output
    assert "System check identified no issues (3 silenced)." in output, output


# --- static files ------------------------------------------------------------------------------


@pytest.fixture
def collected(tmp_path):
    """Static files collected as in production: hashed names, compressed copies."""
    root = tmp_path / "static"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
        yield root


@pytest.mark.django_db
def test_static_files_are_hashed_immutable_and_compressed(collected, content_dir):
    client = Client()  # a new client loads WhiteNoise with the collected files
    html = client.get("/").content.decode()
    match = re.search(r'href="(/static/css/site\.([0-9a-f]{12})\.css)"', html)
    assert match, "the stylesheet link carries the file's hash"
    url = match.group(1)
    assert (collected / url.removeprefix("/static/")).exists()

    plain = client.get(url)
    assert plain.status_code == 200
    assert plain["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Content-Encoding" not in plain
    body = b"".join(plain.streaming_content)

    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.status_code == 200
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert zipped["Cache-Control"] == "max-age=315360000, public, immutable"
    assert gzip.decompress(b"".join(zipped.streaming_content)) == body
    assert len(body) > 0

    # the unhashed name may change at any deploy: cached briefly only
    unhashed = client.get("/static/css/site.css")
    assert unhashed.status_code == 200
    assert "immutable" not in unhashed["Cache-Control"]
    assert plain["X-Content-Type-Options"] == "nosniff"
