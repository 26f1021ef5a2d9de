"""The editors' workflow: content check, live reload with last-good fallback, drafts, preview,
sitemap and robots.txt."""

import io
import subprocess
import sys
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from careerguide.content import get_store
from tests.conftest import REPO
from tests.content_factory import render_file, tree

pytestmark = pytest.mark.django_db


# --- content check ---------------------------------------------------------------------------


# As in a fresh clone: production settings, and neither SECRET_KEY nor DEBUG set.
FRESH_CLONE = {"PATH": "/usr/bin:/bin"}


def run_check(root):
    return subprocess.run(
        [sys.executable, "manage.py", "content_check", "--content-dir", str(root)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=FRESH_CLONE,
    )


def test_content_check_passes_on_shipped_content():
    result = run_check(REPO / "content")
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stderr


def test_only_the_content_check_runs_without_a_secret_key():
    """Serving, and every other command, still refuse to start without SECRET_KEY."""
    for command in (
        ["manage.py", "check"],
        ["manage.py", "runserver", "--noreload"],
        ["-c", "from careerguide.wsgi import application"],
    ):
        result = subprocess.run(
            [sys.executable, *command],
            cwd=REPO,
            capture_output=True,
            text=True,
            env={**FRESH_CLONE, "DJANGO_SETTINGS_MODULE": "careerguide.settings"},
            timeout=60,
        )
        assert result.returncode != 0, command
        assert "SECRET_KEY is not set" in result.stderr, (command, result.stderr)


def test_content_check_prints_one_line_per_problem_and_fails(content_dir):
    (content_dir / "skills/stats.md").write_text("---\ntitle: [oops\n---\nBody\n")
    meta, body = tree()["questions/q-one.md"]
    (content_dir / "questions/q-two.md").write_text(render_file(meta, body))
    result = run_check(content_dir)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("skills/stats.md:3: front matter: invalid YAML") for line in lines)
    assert "questions/q-two.md:2: id: duplicate: questions/q-one.md already uses it" in lines
    # called from Python (a script, another command), it raises rather than exits
    with pytest.raises(CommandError, match=r" [1-9][0-9]* error\(s\)") as raised:
        call_command("content_check", content_dir=content_dir, stdout=io.StringIO())
    assert raised.value.returncode == 1


def test_content_check_reports_orphans_as_warnings(content_dir):
    meta, body = tree()["pages/about.md"]
    (content_dir / "pages/lonely.md").write_text(render_file({**meta, "title": "Lonely"}, body))
    result = run_check(content_dir)
    assert (
        "pages/lonely.md:1: file: orphan: no other content file links to this page (warning)"
        in result.stdout.splitlines()
    )
    # the small test site's only errors are its three skills' question coverage
    assert ", 3 error(s), " in result.stderr
    assert sum(": questions: coverage: " in line for line in result.stdout.splitlines()) == 3


def test_system_check_framework_reports_content_problems(content_dir, capsys):
    (content_dir / "skills/python.md").write_text("---\ntitle: x\n---\nBody\n")
    call_command("check")
    err = capsys.readouterr().err
    assert "skills/python.md:2: (content.W001) description: required field is missing" in err
    with pytest.raises(Exception, match="SystemCheckError|System check"):
        call_command("check", fail_level="WARNING")


# --- live reload -----------------------------------------------------------------------------


def test_edit_shows_on_next_request(client, content_dir, touch):
    assert "Statistics" in client.get("/skills/stats/").content.decode()
    meta, body = tree()["skills/stats.md"]
    touch(
        content_dir / "skills/stats.md",
        render_file({**meta, "title": "Statistics, revised"}, body + "\nNew paragraph.\n"),
    )
    html = client.get("/skills/stats/").content.decode()
    assert "Statistics, revised" in html and "New paragraph." in html


def test_new_file_appears_and_deleted_file_is_404(client, content_dir, touch):
    meta, body = tree()["skills/python.md"]
    touch(content_dir / "skills/sql.md", render_file({**meta, "title": "SQL"}, body))
    assert client.get("/skills/sql/").status_code == 200
    assert "/skills/sql/" in client.get("/skills/").content.decode()
    with get_store().expect_change():
        (content_dir / "skills/sql.md").unlink()
    assert client.get("/skills/sql/").status_code == 404
    assert "/skills/sql/" not in client.get("/skills/").content.decode()


def test_broken_edit_keeps_last_good_and_tells_staff(staff_client, content_dir, touch, caplog):
    client = Client()  # a reader, not signed in
    assert client.get("/skills/python/").status_code == 200
    meta, body = tree()["skills/python.md"]
    broken = render_file({**meta, "title": "Python 2"}, body).replace("summary:", "summry:")
    touch(content_dir / "skills/python.md", broken)

    with caplog.at_level("ERROR", logger="careerguide.content"):
        reader = client.get("/skills/python/")
    assert reader.status_code == 200
    html = reader.content.decode()
    assert ">Python</h1>" in html and "Python 2" not in html
    assert "staff-banner" not in html
    assert any(
        "skills/python.md" in r.getMessage() and "last good version" in r.getMessage()
        for r in caplog.records
    )

    staff = staff_client.get("/skills/python/").content.decode()
    assert "staff-banner" in staff
    assert "skills/python.md:2</code> summary: required field is missing" in staff
    assert "skills/python.md:4</code> summry: unknown field" in staff
    assert "Readers see its last good version" in staff


def test_never_valid_file_is_left_out_and_reported(client, content_dir, touch, capsys):
    touch(content_dir / "skills/new.md", "---\ntitle: New\n---\nBody\n")
    assert client.get("/skills/new/").status_code == 404
    call_command("check")
    assert "skills/new.md:2: (content.W001)" in capsys.readouterr().err


# --- drafts ----------------------------------------------------------------------------------


def test_drafts_are_hidden_from_every_public_surface(client, draft):
    assert client.get("/skills/secret/").status_code == 404
    for url in ("/skills/", "/", "/sitemap.xml", "/roles/ml-engineer/", "/quiz/"):
        assert "Secret skill" not in client.get(url).content.decode(), url
        assert "/skills/secret/" not in client.get(url).content.decode(), url
    client.post("/quiz/start/", {"mode": "skill", "value": "stats"})
    from quiz.models import Item

    assert not Item.objects.filter(question_id="q-draft").exists()


def test_staff_see_drafts_with_a_banner(staff_client, draft):
    response = staff_client.get("/skills/secret/")
    assert response.status_code == 200
    assert "<strong>Draft.</strong>" in response.content.decode()


# --- preview ---------------------------------------------------------------------------------


def test_preview_is_staff_only(client, content_dir):
    response = client.get("/editors/preview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def snapshot_dir(root):
    return {
        p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_preview_renders_and_validates_without_writing(staff_client, content_dir):
    before = snapshot_dir(content_dir)
    page = staff_client.get("/editors/preview/", {"path": "skills/stats.md"}).content.decode()
    assert "title: Statistics" in page and "No problems found." in page

    meta, body = tree()["skills/stats.md"]
    text = render_file({**meta, "title": "Stats draft"}, "## Heading\n\nSee [x](python.md).\n")
    response = staff_client.post(
        "/editors/preview/",
        {"path": "skills/stats.md", "text": text},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Stats draft" in html and '<a href="/skills/python/">x</a>' in html

    bad = text.replace("summary:", "summry:") + "\n[gone](missing.md)\n"
    html = staff_client.post(
        "/editors/preview/",
        {"path": "skills/stats.md", "text": bad},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "summary: required field is missing" in html and "summry: unknown field" in html

    html = staff_client.post(
        "/editors/preview/",
        {"path": "skills/new-one.md", "text": text},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "would be at <code>/skills/new-one/</code>" in html
    html = staff_client.post(
        "/editors/preview/", {"path": "skills/stats.md", "text": text + "[b](missing.md)\n"}
    ).content.decode()
    assert "broken link &#x27;missing.md&#x27;: no file skills/missing.md" in html
    assert snapshot_dir(content_dir) == before
    assert staff_client.get("/skills/stats/").content.decode().count("Stats draft") == 0


@pytest.mark.parametrize("path", ["../settings.py", "/etc/passwd", "roles/../../x.md", "notes.txt"])
def test_preview_refuses_paths_outside_content(staff_client, content_dir, path):
    response = staff_client.post("/editors/preview/", {"path": path, "text": "x"})
    assert response.status_code == 400
    assert "Give a content path such as" in response.content.decode()
    page = staff_client.get("/editors/preview/", {"path": path})
    assert page.status_code == 200 and "root:" not in page.content.decode()


# --- sitemap and robots ----------------------------------------------------------------------


def test_sitemap_lists_public_pages_with_last_modified(client, draft):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(response.content)
    entries = {u.find("s:loc", ns).text: u.find("s:lastmod", ns) for u in root.findall("s:url", ns)}
    for path in (
        "/",
        "/pay/",
        "/roles/ml-engineer/",
        "/skills/stats/",
        "/education/degree/",
        "/compare/data-engineer-vs-ml-engineer/",
        "/roles/",
        "/quiz/",
    ):
        assert f"http://testserver{path}" in entries, path
        assert entries[f"http://testserver{path}"] is not None
    assert not any("secret" in loc or "/quiz/a/" in loc for loc in entries)


def test_robots_txt_points_at_the_sitemap(client, content_dir):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text and "Disallow: /quiz/a/" in text


def test_pages_show_last_updated_and_edit_link(client, content_dir, settings):
    html = client.get("/skills/stats/").content.decode()
    assert "Last updated" in html and "Edit this page" not in html
    settings.CONTENT_EDIT_URL = "https://example.org/org/repo/edit/main/content"
    html = client.get("/skills/stats/").content.decode()
    assert 'href="https://example.org/org/repo/edit/main/content/skills/stats.md"' in html
