"""Every page of the guide, rendered from the real content."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse

from careerguide.content import get_store
from careerguide.content.store import ContentStore
from tests.conftest import REPO

CONTENT = REPO / "content"
LIBRARY = ContentStore(CONTENT).refresh()


def page_urls() -> list[str]:
    urls = ["/", "/roles/", "/compare/", "/skills/", "/education/", "/quiz/"]
    urls += [d.url for d in LIBRARY.documents.values() if d.url and not d.draft]
    return sorted(set(urls))


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.h1 = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("link", "script") and (attrs.get("href") or attrs.get("src")):
            self.links.append(attrs.get("href") or attrs.get("src"))


def parse(html: str) -> LinkParser:
    parser = LinkParser()
    parser.feed(html)
    return parser


@pytest.fixture(autouse=True)
def real_content(settings):
    settings.CONTENT_DIR = CONTENT


def test_shipped_content_has_no_problems():
    assert [str(p) for p in LIBRARY.problems] == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", page_urls())
def test_every_page_answers_with_one_h1(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert parse(html).h1 == 1, url
    assert '<meta name="description" content="' in html
    assert re.search(r'<meta name="description" content="[^"]{20,}"', html), url
    assert '<link rel="canonical" href="http://testserver' in html


@pytest.mark.django_db
def test_crawl_from_home_finds_no_broken_internal_link(client):
    """Follow every internal link from the home page; each must answer 200 and each
    #fragment must exist on its page."""
    seen: dict[str, LinkParser] = {}
    queue = ["/"]
    fragments: list[tuple[str, str, str]] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        if "text/html" not in response["Content-Type"]:
            seen[url] = LinkParser()
            continue
        seen[url] = parsed = parse(response.content.decode())
        for href in parsed.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target, fragment = urldefrag(href)
            target = target or url
            if target.startswith("/admin/") or target.startswith("/static/"):
                continue
            if fragment:
                fragments.append((url, target, fragment))
            queue.append(target)
    assert len(seen) >= 30
    for source, target, fragment in fragments:
        assert fragment in seen[target].ids, f"{source} links to missing {target}#{fragment}"
    assert {d.url for d in LIBRARY.documents.values() if d.url} <= set(seen)


@pytest.mark.django_db
def test_role_page_is_an_occupation_profile(client):
    html = client.get("/roles/machine-learning-engineer/").content.decode()
    for heading in (
        "Quick facts",
        "What they do",
        "How to become one",
        "Skills",
        "Education paths",
        "Pay",
        "Similar roles",
    ):
        assert f">{heading}</h2>" in html, heading
    assert "$112,590" in html and "May 2024" in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["@type"] == "Occupation"
    assert data["estimatedSalary"][0]["median"] == 112590
    assert data["occupationLocation"][0]["name"] == "United States"


@pytest.mark.django_db
def test_skill_page_links_to_practice(client):
    html = client.get("/skills/statistics-probability/").content.decode()
    assert "Why it matters for each role" in html
    assert 'href="/quiz/?skill=statistics-probability#by-skill"' in html
    quiz = client.get("/quiz/?skill=statistics-probability").content.decode()
    assert '<option value="statistics-probability" selected>' in quiz


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pair",
    [
        ("data-scientist", "machine-learning-engineer"),
        ("data-engineer", "machine-learning-engineer"),
        ("data-engineer", "data-scientist"),
    ],
)
def test_every_pair_of_roles_has_a_comparison(client, pair):
    a, b = pair
    response = client.get(f"/compare/{a}-vs-{b}/")
    assert response.status_code == 200
    html = response.content.decode()
    for row in ("Focus", "Daily work", "Tools", "Typical education", "Pay (US median)"):
        assert f'<th scope="row">{row}</th>' in html
    assert "Skills emphasis" in html and "Ideal for you if" in html
    reverse_order = client.get(f"/compare/{b}-vs-{a}/")
    assert reverse_order.status_code == 301
    assert reverse_order["Location"] == f"/compare/{a}-vs-{b}/"


@pytest.mark.django_db
def test_picker_without_javascript_redirects_to_the_comparison(client):
    response = client.get("/compare/", {"a": "machine-learning-engineer", "b": "data-engineer"})
    assert response.status_code == 302
    assert response["Location"] == "/compare/data-engineer-vs-machine-learning-engineer/"


@pytest.mark.django_db
def test_picker_with_htmx_swaps_the_comparison_fragment(client):
    response = client.get(
        "/compare/", {"a": "data-scientist", "b": "data-engineer"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html
    assert '<table class="side-by-side">' in html
    assert response["HX-Push-Url"] == "/compare/data-engineer-vs-data-scientist/"
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ("data-scientist", "data-scientist", "Choose two different roles to compare."),
        ("data-scientist", "astronaut", "Choose two roles from the lists."),
    ],
)
def test_picker_rejects_bad_choices_with_a_message(client, a, b, message):
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/compare/", {"a": a, "b": b}, headers=headers)
        assert response.status_code == 400
        assert message in response.content.decode()


@pytest.mark.django_db
def test_unknown_pages_answer_404_in_the_site_style(client):
    for url in (
        "/roles/astronaut/",
        "/skills/juggling/",
        "/compare/a-vs-b/",
        "/nope/",
        "/education/nowhere/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_home_redirects_from_its_page_url(client):
    assert client.get("/home/")["Location"] == "/"


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(client):
    for url in ("/", "/roles/data-scientist/", "/compare/", "/quiz/"):
        html = client.get(url).content.decode()
        assert " style=" not in html
        for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            attrs, body = script
            assert "src=" in attrs or 'type="application/ld+json"' in attrs, url


def test_content_text_has_none_of_the_article_errors():
    text = "\n".join(p.read_text() for p in CONTENT.rglob("*.md")).lower()
    for wrong in ("crisis validation", "machine language engineer", "originated in 2020"):
        assert wrong not in text


def test_store_for_settings_content_dir(settings):
    assert get_store().root == CONTENT.resolve()
    assert reverse("page", args=["pay"]) == "/pay/"
