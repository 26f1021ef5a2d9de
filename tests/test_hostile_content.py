"""Content files written to attack the site: script, event handlers, javascript: and data: URLs,
frames, styles, objects, SVG with script. Whatever an editor (or a compromised editor account)
writes, in page bodies, question prompts, model answers or front matter, the served pages
carry none of it as live markup."""

import re
from html.parser import HTMLParser

import pytest

from quiz.models import Item
from tests.content_factory import tree, write_tree
from tests.helpers import HX, right_answer, start, url
from tests.test_security_headers import assert_security_headers, audit

pytestmark = pytest.mark.django_db

# Each attack carries a marker ("x-...") that must not reach the page as live markup: escaped
# text and title attributes are inert. The mutation-XSS attempt comes last, as the sanitiser
# drops everything after it.
ATTACKS = """
<script>alert("x-script-1")</script>
<SCRIPT SRC="https://evil.example/x-script-2.js"></SCRIPT>
<img src="pic.png" onerror="alert('x-onerror-1')">
<img src=x onerror=alert('x-onerror-2')//>
<p onclick="alert('x-onclick')">Click me</p>
<details open ontoggle="alert('x-ontoggle')"><summary>More</summary>Hidden</details>
[a link](javascript:alert('x-jslink-1'))
[another](JaVaScRiPt:alert('x-jslink-2'))
<a href="javascript:alert('x-jslink-3')">anchor</a>
<a href="&#106;avascript:alert('x-jslink-4')">entity anchor</a>
<a href="vbscript:msgbox('x-vbscript')">vb</a>
<iframe src="https://evil.example/x-iframe"></iframe>
<iframe srcdoc="<script>alert('x-srcdoc')</script>"></iframe>
<style>@import url(https://evil.example/x-style-1.css);</style>
<p style="background: url(https://evil.example/x-style-2.png)">Styled text</p>
<object data="https://evil.example/x-object.swf"></object>
<embed src="https://evil.example/x-embed.swf">
<svg><script>alert('x-svg-1')</script></svg>
<svg onload="alert('x-svg-2')"><circle r="1"/></svg>
[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgneC1kYXRhLTEnKTwvc2NyaXB0Pg==)
<a href="data:text/html,x-data-2">data anchor</a>
![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoJ3gtZGF0YS0zJyk+)
<img src="data:image/svg+xml,x-data-4">
<form action="https://evil.example/x-form"><input name="q"><button>Go</button></form>
<base href="https://evil.example/x-base/">
<meta http-equiv="refresh" content="0;url=https://evil.example/x-meta">
<link rel="stylesheet" href="https://evil.example/x-link.css">
<a href="https://example.org/fine">A fine link</a> stays.

Marker SAFE-MARK.

<math><mtext><table><mglyph><style><img src=x onerror=alert('x-mxss')>
"""

MARKERS = re.findall(r"x-[a-z]+(?:-\d)?", ATTACKS)

# Front matter is text, not markdown: it is escaped, never parsed as markup.
TEXT_ATTACK = "<script>alert('x-fm')</script><img src=x onerror=alert('x-fm')>"


def hostile_tree() -> dict:
    files = tree()
    for path, (meta, body) in files.items():
        files[path] = (meta, body + "\n" + ATTACKS)
        if "title" in meta and not path.startswith("questions/"):
            meta["description"] = f"{meta['description']} {TEXT_ATTACK}"[:200]
    for path, (meta, _body) in files.items():
        if not path.startswith("questions/"):
            continue
        meta["model_answer"] = "The model answer.\n\n" + ATTACKS
        if meta["kind"] == "numeric":
            meta["prompt"] = "TP = {tp}, FP = {fp}.\n\n" + ATTACKS
        else:
            meta["prompt"] = "Think first.\n\n" + ATTACKS
        meta["title"] = f"{meta['title']} <script>alert('x-fm')</script>"
        for choice in meta.get("choices", []):
            choice["text"] += " " + TEXT_ATTACK
            choice["why"] = "Because. " + TEXT_ATTACK
        for point in meta.get("rubric", []):
            point["point"] += " <b onmouseover=alert('x-fm')>bold</b>"
    home_meta = files["roles/ml-engineer.md"][0]
    home_meta["daily_work"].append(TEXT_ATTACK)
    home_meta["tools"].append("<iframe src=//evil.example/x-fm>")
    return files


@pytest.fixture
def hostile(tmp_path, settings):
    root = tmp_path / "content"
    write_tree(root, hostile_tree())
    settings.CONTENT_DIR = root
    return root


# Attributes that load, run or style something. Any other attribute (title, alt, a meta
# description's content) holds inert text.
ACTIVE_ATTRIBUTES = re.compile(
    r"^(on.*|href|src|srcset|srcdoc|action|formaction|data|poster|background|style|"
    r"http-equiv|xlink:href)$"
)


class LiveMarkup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.live.append("<meta http-equiv>")
        for name, value in attrs:
            if ACTIVE_ATTRIBUTES.match(name):
                self.live.append(f"{name}={value}")


def assert_inert(response, label: str, *, markers: int | None = None) -> str:
    assert response.status_code == 200, (label, response.status_code)
    html = response.content.decode()
    assert audit(html).problems == [], label
    parser = LiveMarkup()
    parser.feed(html)
    for live in parser.live:
        lowered = live.lower()
        assert "evil.example" not in lowered and "alert" not in lowered, (label, live)
        assert not any(marker in lowered for marker in MARKERS), (label, live)
    # front-matter text is shown escaped (or not at all), never as markup
    assert "<script>alert('x-fm')" not in html and "<img src=x" not in html, label
    assert "<b onmouseover" not in html and "<iframe" not in html, label
    if markers is not None:
        assert html.count("SAFE-MARK") >= markers, f"{label}: the hostile file was not served"
    assert_security_headers(response, label)
    return html


PAGES = [
    ("home", "/"),
    ("about", "/about/"),
    ("pay", "/pay/"),
    ("role", "/roles/ml-engineer/"),
    ("other role", "/roles/data-engineer/"),
    ("comparison", "/compare/data-engineer-vs-ml-engineer/"),
    ("skill", "/skills/stats/"),
    ("education", "/education/degree/"),
]


def test_hostile_content_still_loads(hostile):
    from careerguide.content.store import get_store

    library = get_store(hostile).refresh()
    served = {doc.path for doc in library.documents.values()}
    assert set(hostile_tree()) <= served, [str(p) for p in library.problems]


@pytest.mark.parametrize(("label", "path"), PAGES)
def test_guide_pages_serve_none_of_it(client, hostile, label, path):
    html = assert_inert(client.get(path), label, markers=1)
    assert 'href="https://example.org/fine"' in html  # ordinary links survive


def test_lists_and_fragments_serve_none_of_it(client, hostile):
    for path, headers in [
        ("/roles/", {}),
        ("/skills/", {}),
        ("/education/", {}),
        ("/compare/", {}),
        ("/quiz/", {}),
        ("/compare/?a=data-engineer&b=ml-engineer", HX),
        ("/search/?q=alert", {}),
        ("/search/?q=Marker", HX),
    ]:
        assert_inert(client.get(path, headers=headers), path)


def test_quiz_screens_serve_none_of_it(client, hostile):
    attempt = start(client)
    for item in attempt.items.order_by("position"):
        assert_inert(
            client.get(url(attempt, item.position)), f"question {item.position}", markers=1
        )
        response = client.post(
            url(attempt, item.position, "answer"), right_answer(item), headers=HX
        )
        html = assert_inert(response, f"feedback {item.position}")
        if item.kind == "open":
            assert "SAFE-MARK" in html  # the model answer beside the rubric
            points = [str(i) for i in range(len(item.key["rubric"]))]
            response = client.post(url(attempt, item.position, "assess"), {"points": points})
            assert response.status_code == 302
        html = assert_inert(client.get(url(attempt, item.position)), f"answered {item.position}")
        assert html.count("SAFE-MARK") >= 2  # explanation and model answer (or prompt)
    assert_inert(client.get(f"/quiz/a/{attempt.pk}/results/"), "results", markers=1)


def test_a_takers_hostile_answer_is_shown_as_text(client, hostile):
    attempt = start(client)
    answers = {
        "numeric": {"value": "0.8"},
        "example": {"text": "<script>alert('x-taker')</script> linear regression"},
        "open": {"text": "<img src=x onerror=alert('x-taker')> noise\n<iframe src=//x>"},
        "multiple": None,
    }
    for item in attempt.items.order_by("position"):
        data = answers[item.kind] or right_answer(item)
        assert client.post(url(attempt, item.position, "answer"), data).status_code == 302
        if item.kind == "open":
            client.post(url(attempt, item.position, "assess"), {"points": ["0"]})
        html = client.get(url(attempt, item.position)).content.decode()
        assert audit(html).problems == []
        assert "x-taker" not in html or "&lt;" in html
    html = client.get(f"/quiz/a/{attempt.pk}/results/").content.decode()
    assert audit(html).problems == []
    assert "<script>alert('x-taker')" not in html
    assert Item.objects.filter(attempt=attempt, response__isnull=False).count() == 4
