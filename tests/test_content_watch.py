"""The freshness check each request runs. A watcher thread (watchfiles) reports changes, so the
check stats no file until one changes; every kind of change a person makes shows on the first
request after the watcher has reported it; and where nothing can be relied on to report (no
watcher yet, a watcher that failed, a store without one) every check stats the files."""

from __future__ import annotations

import os
import threading
import time
import types
import warnings

import pytest

from careerguide.content import ContentStore, get_store
from careerguide.content import store as store_module
from tests.content_factory import render_file, tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_scans(monkeypatch):
    calls = []
    real = store_module.scan

    def scan(root):
        calls.append(root)
        return real(root)

    monkeypatch.setattr(store_module, "scan", scan)
    return calls


@pytest.fixture
def store(content_dir):
    """The store requests use for the test content, with its watcher running."""
    store = get_store(content_dir)
    assert store.start_watching(), "watchfiles cannot watch the test content folder"
    return store


def skill_file(title: str, body: str = "## A\n\nB.\n") -> str:
    return render_file({**tree()["skills/stats.md"][0], "title": title}, body)


def title_on_page(client, path: str) -> str:
    html = client.get(path).content.decode()
    return html.split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0]


def test_nothing_changed_means_no_stat(store, counted_scans):
    first = store.refresh()
    assert store.watched
    for _ in range(1000):
        assert store.refresh() is first
    assert counted_scans == []


def test_every_change_shows_on_the_next_request(client, content_dir, store):
    assert title_on_page(client, "/skills/stats/") == "Statistics"
    meta, body = tree()["skills/python.md"]

    # an edit in place, as most editors save
    with store.expect_change():
        (content_dir / "skills/stats.md").write_text(skill_file("Stats now"))
    assert title_on_page(client, "/skills/stats/") == "Stats now"
    # a new file, a deleted one
    with store.expect_change():
        (content_dir / "skills/sql.md").write_text(render_file({**meta, "title": "SQL"}, body))
    assert title_on_page(client, "/skills/sql/") == "SQL"
    with store.expect_change():
        (content_dir / "skills/sql.md").unlink()
    assert client.get("/skills/sql/").status_code == 404
    # a file renamed into place, as vim and git save
    tmp = content_dir / "skills/.python.md.tmp"
    with store.expect_change():
        tmp.write_text(render_file({**meta, "title": "Python 3"}, body))
        os.replace(tmp, content_dir / "skills/python.md")
    assert title_on_page(client, "/skills/python/") == "Python 3"
    # only the modification date changes: the "Last updated" date may
    path = content_dir / "skills/pipelines.md"
    before = store.refresh().get("skill", "pipelines").updated
    stamp = path.stat().st_mtime_ns - 40 * 86400 * 10**9
    with store.expect_change():
        os.utime(path, ns=(stamp, stamp))
    assert store.refresh().get("skill", "pipelines").updated != before
    assert store.watched


def test_files_that_are_not_content_are_not_reported(content_dir, store, counted_scans):
    """An editor's swap file or a note beside the content does not cost a rescan."""
    library = store.refresh()
    with pytest.raises(TimeoutError), store.expect_change(timeout=0.5):
        (content_dir / "skills/.stats.md.swp").write_text("swap")
        (content_dir / "skills/notes.txt").write_text("notes")
    assert store.refresh() is library and counted_scans == []


def test_a_folder_removed_and_made_again_is_watched_again(content_dir, store):
    folder = content_dir / "education"
    saved = {p.name: p.read_text() for p in folder.iterdir()}
    with store.expect_change():
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    assert store.refresh().get("education", "degree") is None
    with store.expect_change():
        folder.mkdir()
        for name, text in saved.items():
            (folder / name).write_text(text)
    assert store.refresh().get("education", "degree") is not None
    with store.expect_change():
        (folder / "degree.md").write_text(saved["degree.md"].replace("title: Degree", "title: BSc"))
    assert store.refresh().get("education", "degree").title == "BSc"
    assert store.watched


class DeafWatcher:
    """A watcher on a file system that reports nothing (a network mount edited elsewhere)."""

    def __init__(self, root, folders):
        self.pid, self.changes, self.ready, self.alive = os.getpid(), 0, True, True

    def wait_ready(self, timeout):
        return True

    def stop(self):
        self.alive = False


def test_a_change_nobody_reports_is_caught_within_a_second(content_dir, monkeypatch):
    monkeypatch.setattr(store_module, "FolderWatcher", DeafWatcher)
    now = [1000.0]
    clock = types.SimpleNamespace(monotonic=lambda: now[0], time=time.time)
    monkeypatch.setattr(store_module, "time", clock)
    store = ContentStore(content_dir, watch=True)
    assert store.start_watching()
    (content_dir / "skills/stats.md").write_text(skill_file("Unnoticed"))
    now[0] += store_module.RESCAN_SECONDS / 2
    assert store.refresh().get("skill", "stats").title == "Statistics"
    now[0] += store_module.RESCAN_SECONDS / 2
    assert store.refresh().get("skill", "stats").title == "Unnoticed"


def test_a_forked_worker_starts_its_own_watcher(content_dir, store):
    """As gunicorn forks its workers: the parent's watcher thread does not exist in the child,
    which stats its files until its own watcher reports changes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads running
        pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        status = 1
        try:
            if store.watched:
                status = 2
            else:
                (content_dir / "skills/stats.md").write_text(skill_file("Before watching"))
                if store.refresh().get("skill", "stats").title != "Before watching":
                    status = 3
                elif not store.start_watching():
                    status = 4
                else:
                    with store.expect_change():
                        (content_dir / "skills/stats.md").write_text(skill_file("After fork"))
                    status = 0 if store.refresh().get("skill", "stats").title == "After fork" else 5
        finally:
            os._exit(status)
    deadline = time.monotonic() + 30
    while (waited := os.waitpid(pid, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    if waited == (0, 0):
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung")
    assert os.waitstatus_to_exitcode(waited[1]) == 0


def test_a_folder_that_cannot_be_watched_is_stat_ed_on_every_check(tmp_path, caplog):
    root = tmp_path / "later"  # watchfiles cannot watch a folder that is not there yet
    store = ContentStore(root, watch=True)
    with caplog.at_level("WARNING", logger="careerguide.content"):
        assert not store.start_watching()
    assert "stat'ing its files instead" in caplog.text
    assert store.refresh().documents == {}
    (root / "skills").mkdir(parents=True)
    (root / "skills/stats.md").write_text(skill_file("Found"))
    assert store.refresh().get("skill", "stats", drafts=True) is not None
    assert not store.watched


def test_a_store_without_a_watcher_stats_on_every_check(content_dir):
    store = ContentStore(content_dir)  # as the content check and load_library use it
    store.refresh()
    (content_dir / "skills/stats.md").write_text(skill_file("Polled"))
    assert store.refresh().get("skill", "stats").title == "Polled"
    assert not store.watched


def test_stores_of_a_folder_no_longer_configured_stop_watching(content_dir, store, settings):
    def watching() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name == f"content-watch {store.root}"]

    assert watching()
    settings.CONTENT_DIR = content_dir.parent / "elsewhere"
    deadline = time.monotonic() + 5
    while watching() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert watching() == [] and not store.watched
    assert get_store(content_dir) is not store
