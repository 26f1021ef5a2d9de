import contextlib
import os
import time
from pathlib import Path

import pytest

from careerguide.content.store import get_store
from tests.content_factory import render_file, tree, write_tree

REPO = Path(__file__).resolve().parent.parent


def _clear_cache() -> None:
    """Empty every cache declared in settings.CACHES (only this run's keys in Redis)."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        prefix = cache.key_prefix
        client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
        if prefix and client_of is not None:  # Redis shared with others: this run's keys only
            client = client_of(write=True)
            keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
            if keys:
                client.delete(*keys)
        else:
            cache.clear()


@pytest.fixture(autouse=True)
def clear_cache():
    """Each test starts, and leaves, with empty caches (cached sessions included)."""
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture
def content_dir(tmp_path, settings):
    """A small valid content tree in a temporary folder, served by the app."""
    root = tmp_path / "content"
    write_tree(root, tree())
    settings.CONTENT_DIR = root
    return root


@pytest.fixture
def touch():
    """Write a file so the store sees a change even within one clock tick, and return once the
    store's watcher has reported it (about 30 ms), as a person saves and then reloads."""

    def write(path: Path, text: str) -> None:
        store = get_store()
        watched = path.resolve().is_relative_to(store.root)
        with store.expect_change() if watched else contextlib.nullcontext():
            before = path.stat().st_mtime_ns if path.exists() else 0
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            after = path.stat().st_mtime_ns
            if after == before:  # coarse file-system clock: move it on explicitly
                os.utime(path, ns=(after + 1_000_000, after + 1_000_000))

    return write


@pytest.fixture
def draft(content_dir, touch):
    """The test content with a draft skill and a draft question."""
    meta, body = tree()["skills/python.md"]
    touch(
        content_dir / "skills/secret.md",
        render_file({**meta, "title": "Secret skill", "draft": True}, body),
    )
    qmeta, qbody = tree()["questions/q-one.md"]
    touch(
        content_dir / "questions/q-draft.md",
        render_file({**qmeta, "id": "q-draft", "title": "Draft question?", "draft": True}, qbody),
    )
    return content_dir


@pytest.fixture
def library(content_dir):
    return get_store(content_dir).refresh()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(user)
    return client


def wait_tick():
    time.sleep(0.01)
