"""Settings for the test suite: production settings with a test key and plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("HTTPS", "0")

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast staff logins in tests
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so that tests with threads see one database as servers would; one
    # per test run, so that two runs in one checkout do not share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / f".test-db.sqlite3-{os.getpid()}")  # noqa: F405
    }

if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    # Keys of this test run only: tests clear them (tests/conftest.py) without touching those of
    # a server or of another run sharing the Redis database.
    CACHES["default"]["KEY_PREFIX"] = f"careerguide-test-{os.getpid()}"  # noqa: F405
