"""Site search: the FTS5 index, the query handling and the /search/ page."""

import re

import pytest

from careerguide.content import search as search_module
from careerguide.content.search import MAX_QUERY_CHARS, MAX_TERMS, get_index, parse_query, search
from careerguide.content.store import ContentStore, get_store
from tests.conftest import REPO
from tests.content_factory import render_file, skill

ODD_QUERIES = [
    '"',
    '""',
    "*",
    "stat*",
    "NEAR(a b)",
    "a OR",
    "OR",
    "AND NOT",
    "title:statistics",
    "^statistics",
    "'; DROP TABLE docs; --",
    "😀🔥",
    "(((",
    "\\",
    "\x00\x02\x03",
    "a" * 5000,
    "word " * 1000,
]


@pytest.fixture
def site(content_dir, touch):
    """The test content plus a few files made for search, loaded as the app will see it."""
    files = {
        "skills/model-checking.md": (
            skill("Model checking"),
            "## What to learn\n\nHoldout validation, and a coffee at the café.\n",
        ),
        "skills/probability-basics.md": (skill("Probability basics"), "## Counting\n\nDice.\n"),
        "skills/secret-plans.md": (
            {**skill("Zanzibar plans"), "draft": True},
            "## Hidden\n\nZanzibar zanzibar.\n",
        ),
        "pages/markup.md": (
            {"title": "Tags & <angle> brackets", "description": "Markup in text."},
            "## Escaping\n\nWrite `<script>alert(1)</script>` in a code span & move on.\n",
        ),
    }
    for path, (meta, body) in files.items():
        touch(content_dir / path, render_file(meta, body))
    library = get_store(content_dir).refresh()
    assert not library.errors, library.errors
    return library


def titles(results) -> list[str]:
    return [hit.title for hit in results.hits]


@pytest.fixture
def no_query_errors(monkeypatch):
    """Fail the test if the index ever swallows an SQLite error."""

    class Logger:
        def exception(self, *args):
            raise AssertionError(f"search query failed: {args}")

    monkeypatch.setattr(search_module, "logger", Logger())


# --- the index --------------------------------------------------------------------------------


def test_title_match_outranks_body_only_match(site):
    # "Statistics" says "Probability." in its body; "Probability basics" has it in the title
    found = titles(search(site, "probability"))
    assert found[:2] == ["Probability basics", "Statistics"]


def test_stemming_and_diacritics(site):
    results = search(site, "validate")
    assert titles(results) == ["Model checking"]
    assert "<mark>validation</mark>" in results.hits[0].snippet
    assert titles(search(site, "cafe")) == ["Model checking"]


def test_snippet_and_title_highlight_matches(site):
    hit = search(site, "counting dice").hits[0]
    assert hit.title == "Probability basics"
    assert "<mark>Counting</mark>" in hit.snippet and "<mark>Dice</mark>" in hit.snippet
    hit = search(site, "probability").hits[0]
    assert hit.title_html == "<mark>Probability</mark> basics"


@pytest.mark.parametrize(
    ("query", "label", "title", "url"),
    [
        ("ML engineer", "Role", "ML engineer", "/roles/ml-engineer/"),
        ("statistics", "Skill", "Statistics", "/skills/stats/"),
        ("degree", "Education path", "Degree", "/education/degree/"),
        (
            "Data engineer vs ML engineer",
            "Comparison",
            "Data engineer vs ML engineer",
            "/compare/data-engineer-vs-ml-engineer/",
        ),
        ("about", "Page", "About", "/about/"),
        ("welcome", "Page", "Home", "/"),
    ],
)
def test_each_kind_is_labelled(site, query, label, title, url):
    hits = [(h.label, h.title, h.url) for h in search(site, query).hits]
    assert (label, title, url) in hits


def test_questions_are_found_by_title_model_answer_and_explanation(site):
    for query in ("parametric", "linear regression", "explanation of q-one"):
        hits = {h.title: h for h in search(site, query).hits}
        hit = hits["Which is a parametric model?"]
        assert hit.label == "Question"
        assert hit.url == "/skills/stats/#practice"
        assert hit.note == "Practise it in the quiz: Statistics"


def test_drafts_never_appear(site):
    assert site.get("skill", "secret-plans", drafts=True) is not None
    assert search(site, "zanzibar").hits == ()
    assert "Zanzibar plans" not in titles(search(site, "zanzibar plans statistics"))


def test_falls_back_to_any_word_when_no_document_has_all(site):
    results = search(site, "statistics xylophone")
    assert titles(results)[0] == "Statistics"
    assert any("some of them" in note for note in results.notes)


def test_html_in_content_is_escaped_in_snippets(site):
    hit = search(site, "alert script").hits[0]
    assert hit.title == "Tags & <angle> brackets"
    assert "<script" not in hit.snippet and "&lt;<mark>script</mark>&gt;" in hit.snippet
    assert "&amp;" in hit.title_html and "&lt;angle&gt;" in hit.title_html


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_become_plain_quoted_terms(site, no_query_errors, query):
    text, terms, _ = parse_query(query)
    assert len(text) <= MAX_QUERY_CHARS
    assert sum(len(term.split()) for term in terms) <= MAX_TERMS
    for term in terms:
        assert re.fullmatch(r"[^\W_]+( [^\W_]+)*", term), term
    search(site, query)  # no exception, no swallowed SQLite error


def test_hyphenated_words_are_searched_as_a_phrase():
    assert parse_query("cross-validation A/B")[1] == ("cross validation", "a b")


def test_index_is_built_once_per_snapshot(site, content_dir, touch):
    index = get_index(site)
    assert get_index(site) is index
    assert get_store(content_dir).refresh() is site  # nothing changed: same snapshot
    touch(content_dir / "skills/python.md", render_file(skill("Python"), "## New\n\nSnakes.\n"))
    fresh = get_store(content_dir).refresh()
    assert fresh is not site and get_index(fresh) is not index
    assert titles(search(fresh, "snakes")) == ["Python"]


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_page_without_javascript(client, site):
    response = client.get("/search/", {"q": "validate"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<meta name="robots" content="noindex">' in html
    assert 'action="/search/"' in html and 'name="q" value="validate"' in html
    assert 'hx-get="/search/"' in html and 'hx-target="#results"' in html
    assert '<a href="/skills/model-checking/">Model checking</a>' in html
    assert "<mark>validation</mark>" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment(client, site):
    response = client.get("/search/", {"q": "validate"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html and "<form" not in html
    assert "Model checking" in html and "<mark>validation</mark>" in html
    restore = client.get(
        "/search/",
        {"q": "validate"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


@pytest.mark.django_db
def test_empty_query_shows_the_form_and_a_hint(client, site):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<input type="search"' in html and "Type a word or two" in html
        assert "No results" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_queries_answer_200(client, site, no_query_errors, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Traceback" not in html
    if len(query) > MAX_QUERY_CHARS:
        assert "shortened" in html


@pytest.mark.django_db
def test_no_results_offers_suggestions(client, site):
    html = client.get("/search/", {"q": "😀"}).content.decode()
    assert "No results" in html and "punctuation and symbols are ignored" in html
    assert 'href="/skills/"' in html and 'href="/quiz/"' in html


@pytest.mark.django_db
def test_query_html_never_reaches_the_page(client, site):
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get("/search/", {"q": "<script>alert(1)</script>"}, headers=headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html


@pytest.mark.django_db
def test_requests_reuse_the_index_until_content_changes(
    client, site, content_dir, touch, monkeypatch
):
    built = []
    real = search_module.SearchIndex

    def counting(library):
        built.append(library)
        return real(library)

    monkeypatch.setattr(search_module, "SearchIndex", counting)
    for _ in range(3):
        assert client.get("/search/", {"q": "statistics"}).status_code == 200
    assert len(built) == 1
    touch(content_dir / "skills/python.md", render_file(skill("Python"), "## New\n\nSnakes.\n"))
    for _ in range(2):
        assert "Python" in client.get("/search/", {"q": "snakes"}).content.decode()
    assert len(built) == 2 and built[-1] is get_store(content_dir).library


@pytest.mark.django_db
def test_header_has_a_search_form(client, site):
    html = client.get("/").content.decode()
    assert 'role="search" action="/search/"' in html
    assert '<label class="visually-hidden" for="site-search-q">Search the guide</label>' in html


# --- the real content -------------------------------------------------------------------------


@pytest.mark.django_db
def test_real_content_cross_validation_finds_the_skill_first(client, settings):
    settings.CONTENT_DIR = REPO / "content"
    expected = "Algorithm selection, implementation and cross-validation"
    library = ContentStore(settings.CONTENT_DIR).refresh()
    assert search(library, "cross-validation").hits[0].title == expected
    html = client.get("/search/", {"q": "cross-validation"}).content.decode()
    first = re.search(r"<h2><a href=\"([^\"]+)\">(.*?)</a></h2>", html)
    assert first.group(1) == "/skills/algorithms-cross-validation/"
    assert re.sub(r"</?mark>", "", first.group(2)) == expected
