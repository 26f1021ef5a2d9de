"""The freshness check each request runs: with change notifications it stats nothing until a
file changes, and every kind of change still shows on the very next request."""

from __future__ import annotations

import os

import pytest

from careerguide.content import store as store_module
from careerguide.content.store import ContentStore, get_store
from careerguide.content.watch import get_watcher
from tests.content_factory import render_file, tree

needs_notifications = pytest.mark.skipif(
    get_watcher() is None, reason="no change notifications (inotify) on this system"
)


@pytest.fixture
def counted_scans(monkeypatch):
    calls = []
    real = store_module.scan

    def scan(root):
        calls.append(root)
        return real(root)

    monkeypatch.setattr(store_module, "scan", scan)
    return calls


@needs_notifications
def test_nothing_changed_means_no_stat(content_dir, counted_scans):
    store = get_store(content_dir)
    first = store.refresh()
    assert store.watched
    counted_scans.clear()
    for _ in range(1000):
        assert store.refresh() is first
    assert counted_scans == []


@needs_notifications
def test_every_change_shows_on_the_next_check(content_dir):
    store = get_store(content_dir)
    store.refresh()
    meta, body = tree()["skills/python.md"]

    # an edit, with no pause: the notification is queued before the write returns
    (content_dir / "skills/stats.md").write_text(
        render_file({**tree()["skills/stats.md"][0], "title": "Stats now"}, body)
    )
    assert store.refresh().get("skill", "stats").title == "Stats now"
    # a new file, a deleted one
    (content_dir / "skills/sql.md").write_text(render_file({**meta, "title": "SQL"}, body))
    assert store.refresh().get("skill", "sql").title == "SQL"
    (content_dir / "skills/sql.md").unlink()
    assert store.refresh().get("skill", "sql") is None
    # a file renamed into place, as editors and git save
    tmp = content_dir / "skills/.python.md.tmp"
    tmp.write_text(render_file({**meta, "title": "Python 3"}, body))
    os.replace(tmp, content_dir / "skills/python.md")
    assert store.refresh().get("skill", "python").title == "Python 3"
    # only the modification date changes: the "Last updated" date may
    path = content_dir / "skills/pipelines.md"
    before = store.refresh().get("skill", "pipelines").updated
    stamp = path.stat().st_mtime_ns - 40 * 86400 * 10**9
    os.utime(path, ns=(stamp, stamp))
    assert store.refresh().get("skill", "pipelines").updated != before


@needs_notifications
def test_a_folder_removed_and_made_again_is_watched_again(content_dir):
    store = get_store(content_dir)
    store.refresh()
    folder = content_dir / "education"
    saved = {p.name: p.read_text() for p in folder.iterdir()}
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()
    assert store.refresh().get("education", "degree") is None
    folder.mkdir()
    for name, text in saved.items():
        (folder / name).write_text(text)
    assert store.refresh().get("education", "degree") is not None
    (folder / "degree.md").write_text(saved["degree.md"].replace("title: Degree", "title: BSc"))
    assert store.refresh().get("education", "degree").title == "BSc"


@needs_notifications
def test_a_missed_notification_is_caught_by_the_periodic_scan(content_dir):
    store = get_store(content_dir)
    store.refresh()
    (content_dir / "skills/stats.md").write_text(
        render_file({**tree()["skills/stats.md"][0], "title": "Unnoticed"}, "## A\n\nB.\n")
    )
    get_watcher().poll()
    store._scanned_changes = store._changes  # as if the file system had said nothing
    assert store.refresh().get("skill", "stats").title == "Statistics"
    store._rescan_at = 0  # a second later
    assert store.refresh().get("skill", "stats").title == "Unnoticed"


@needs_notifications
def test_a_forked_worker_gets_its_own_notifications(content_dir):
    store = get_store(content_dir)
    store.refresh()
    watcher = get_watcher()
    watcher._pid = -1  # as in a child process after fork
    (content_dir / "skills/stats.md").write_text(
        render_file({**tree()["skills/stats.md"][0], "title": "After fork"}, "## A\n\nB.\n")
    )
    assert store.refresh().get("skill", "stats").title == "After fork"
    assert watcher._pid == os.getpid()


def test_without_notifications_every_check_stats_the_files(content_dir, monkeypatch):
    monkeypatch.setattr(store_module, "get_watcher", lambda: None)
    store = ContentStore(content_dir, watch=True)
    store.refresh()
    assert not store.watched
    (content_dir / "skills/stats.md").write_text(
        render_file({**tree()["skills/stats.md"][0], "title": "Polled"}, "## A\n\nB.\n")
    )
    assert store.refresh().get("skill", "stats").title == "Polled"
