"""The content library: schemas, located errors, link resolution, sanitising, reload."""

import re
from html.parser import HTMLParser

import pytest

from careerguide.content import ContentError, load_library
from careerguide.content.store import ContentStore
from tests.content_factory import render_file, tree, write_tree


def build(tmp_path, changes=None, remove=()):
    files = tree()
    for path in remove:
        files.pop(path)
    for path, value in (changes or {}).items():
        files[path] = value
    root = tmp_path / "c"
    write_tree(root, files)
    return root


def problems(tmp_path, changes=None, remove=()):
    root = build(tmp_path, changes, remove)
    return [str(p) for p in ContentStore(root).refresh().problems]


def test_valid_tree_loads_every_kind(tmp_path):
    library = load_library(build(tmp_path))
    kinds = {doc.kind for doc in library.documents.values()}
    assert kinds == {"page", "role", "skill", "education", "comparison", "question"}
    role = library.get("role", "ml-engineer")
    assert role.url == "/roles/ml-engineer/"
    assert role.meta.pay[0].median_usd == 112590
    assert library.get("page", "home").url == "/"
    assert library.question("q-one").url is None


@pytest.mark.parametrize(
    ("kind_path", "field", "value", "expected"),
    [
        ("roles/ml-engineer.md", "difficulty", "x", "difficulty: unknown field"),
        (
            "roles/ml-engineer.md",
            "pay",
            [],
            "pay: List should have at least 1 item after validation, not 0",
        ),
        ("skills/stats.md", "title", "", "title: String should have at least 1 character"),
        (
            "education/degree.md",
            "path_type",
            "apprenticeship",
            "path_type: Input should be 'degree', 'masters', 'bootcamp' or 'self-study'",
        ),
        (
            "compare/data-engineer-vs-ml-engineer.md",
            "ideal_if",
            {"data-engineer": ["x"]},
            "ideal_if: give one list for each of the two roles, keyed by role slug",
        ),
        (
            "questions/q-one.md",
            "difficulty",
            "trivial",
            "difficulty: Input should be 'easy', 'medium' or 'hard'",
        ),
    ],
)
def test_each_kind_schema_rejects_bad_fields(tmp_path, kind_path, field, value, expected):
    files = tree()
    meta, body = files[kind_path]
    meta[field] = value
    found = problems(tmp_path, {kind_path: (meta, body)})
    assert any(p.startswith(f"{kind_path}:") and p.endswith(expected) for p in found), found


def test_missing_field_names_file_line_and_field(tmp_path):
    files = tree()
    meta, body = files["roles/ml-engineer.md"]
    del meta["focus"]
    found = problems(tmp_path, {"roles/ml-engineer.md": (meta, body)})
    assert "roles/ml-engineer.md:2: focus: required field is missing" in found


def test_nested_field_error_points_at_its_line(tmp_path):
    root = build(tmp_path)
    path = root / "roles/ml-engineer.md"
    text = path.read_text().replace("median_usd: 112590", "median_usd: lots", 1)
    path.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "median_usd: lots" in t)
    found = [str(p) for p in ContentStore(root).refresh().problems]
    assert any(
        p.startswith(
            f"roles/ml-engineer.md:{line}: pay[0].median_usd: Input should be a valid integer"
        )
        for p in found
    ), found


def test_bad_yaml_reports_its_line(tmp_path):
    root = build(tmp_path)
    (root / "skills/stats.md").write_text("---\ntitle: Stats\ndescription: [unclosed\n---\nBody\n")
    found = [str(p) for p in ContentStore(root).refresh().problems]
    assert any(p.startswith("skills/stats.md:4: front matter: invalid YAML") for p in found), found


def test_missing_front_matter(tmp_path):
    root = build(tmp_path)
    (root / "skills/stats.md").write_text("Just text\n")
    found = [str(p) for p in ContentStore(root).refresh().problems]
    assert any(
        p.startswith("skills/stats.md:1: front matter: the file must start with") for p in found
    )


def test_duplicate_yaml_key(tmp_path):
    root = build(tmp_path)
    path = root / "skills/python.md"
    path.write_text(path.read_text().replace("title: Python\n", "title: Python\ntitle: Py\n"))
    found = [str(p) for p in ContentStore(root).refresh().problems]
    assert "skills/python.md:3: title: duplicate key" in found


def test_unknown_skill_reference(tmp_path):
    files = tree()
    meta, body = files["roles/data-engineer.md"]
    meta["skills"][1]["skill"] = "juggling"
    found = problems(tmp_path, {"roles/data-engineer.md": (meta, body)})
    line = render_file(meta, body).splitlines().index("- skill: juggling") + 1
    assert f"roles/data-engineer.md:{line}: skills[1].skill: unknown skill 'juggling'" in found


def test_unknown_role_reference_in_question(tmp_path):
    files = tree()
    meta, body = files["questions/q-one.md"]
    meta["roles"] = ["astronaut"]
    found = problems(tmp_path, {"questions/q-one.md": (meta, body)})
    assert any(p.endswith("roles[0]: unknown role 'astronaut'") for p in found), found


def test_duplicate_question_id(tmp_path):
    files = tree()
    meta, body = files["questions/q-one.md"]
    found = problems(tmp_path, {"questions/q-two.md": (dict(meta), body)})
    assert "questions/q-two.md:2: id: duplicate: questions/q-one.md already uses it" in found


def test_duplicate_comparison_pair(tmp_path):
    files = tree()
    meta, body = files["compare/data-engineer-vs-ml-engineer.md"]
    meta = {**meta, "roles": ["ml-engineer", "data-engineer"]}
    found = problems(tmp_path, {"compare/ml-engineer-vs-data-engineer.md": (meta, body)})
    assert any(
        p.startswith("compare/ml-engineer-vs-data-engineer.md:")
        and "roles: duplicate: compare/data-engineer-vs-ml-engineer.md already uses it" in p
        for p in found
    ), found


def test_broken_link_and_anchor(tmp_path):
    files = tree()
    meta, _ = files["pages/about.md"]
    body = "## Sources\n\nText\n\nSee [gone](../roles/nobody.md) and [bad](home.md#nowhere).\n"
    found = problems(tmp_path, {"pages/about.md": (meta, body)})
    line = render_file(meta, body).splitlines().index(body.splitlines()[4]) + 1
    assert (
        f"pages/about.md:{line}: body: broken link '../roles/nobody.md': no file roles/nobody.md"
    ) in found
    assert (
        f"pages/about.md:{line}: body: broken link 'home.md#nowhere': "
        "pages/home.md has no heading #nowhere"
    ) in found


def test_load_library_raises_one_error_type(tmp_path):
    root = build(tmp_path, remove=["skills/python.md"])
    with pytest.raises(ContentError) as caught:
        load_library(root)
    assert "roles/ml-engineer.md" in str(caught.value)
    assert all(p.path and p.line >= 1 and p.field for p in caught.value.problems)


def test_links_resolve_to_site_urls(tmp_path):
    library = load_library(build(tmp_path))
    assert 'href="/roles/ml-engineer/"' in library.get("page", "home").html
    assert 'href="/roles/ml-engineer/#what-they-do"' in library.get("page", "pay").html
    assert 'href="/"' in library.get("page", "about").html


def test_headings_get_anchors_and_toc(tmp_path):
    library = load_library(build(tmp_path))
    role = library.get("role", "ml-engineer")
    assert '<h2 id="what-they-do">What they do</h2>' in role.html
    assert [(t.level, t.id) for t in role.toc] == [(2, "what-they-do")]


def test_tables_and_footnotes_render(tmp_path):
    files = tree()
    meta, _ = files["pages/about.md"]
    body = (
        "## Sources\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\nPay is high.[^bls]\n\n"
        "[^bls]: BLS, 2025.\n"
    )
    library = load_library(build(tmp_path, {"pages/about.md": (meta, body)}))
    html = library.get("page", "about").html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'class="footnote"' in html and "BLS, 2025." in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">styled</p>',
        "[click](javascript:alert(1))",
    ],
)
def test_markdown_output_is_sanitised(tmp_path, hostile):
    files = tree()
    meta, _ = files["pages/about.md"]
    library = load_library(
        build(tmp_path, {"pages/about.md": (meta, f"## Sources\n\n{hostile}\n")})
    )
    html = library.get("page", "about").html.lower()
    for bad in ("<script", "onerror", "javascript:", "<iframe", "style="):
        assert bad not in html


def test_h1_in_body_is_an_error(tmp_path):
    files = tree()
    meta, _ = files["pages/about.md"]
    found = problems(tmp_path, {"pages/about.md": (meta, "# Second title\n\nText\n")})
    assert any("body: use '##' headings" in p for p in found)


def test_question_kind_data_is_checked(tmp_path):
    files = tree()
    meta, body = files["questions/q-one.md"]
    meta["choices"][1]["correct"] = True
    found = problems(tmp_path, {"questions/q-one.md": (meta, body)})
    assert any(
        p.endswith("choices: a single-choice question needs exactly one correct choice")
        for p in found
    ), found


def test_question_without_explanation(tmp_path):
    files = tree()
    meta, _ = files["questions/q-one.md"]
    found = problems(tmp_path, {"questions/q-one.md": (meta, "\n")})
    assert any("body: is empty: write the explanation shown after answering" in p for p in found)


def test_open_question_needs_rubric(tmp_path):
    files = tree()
    meta, body = files["questions/q-one.md"]
    meta["kind"] = "open"
    del meta["choices"]
    found = problems(tmp_path, {"questions/q-one.md": (meta, body)})
    assert any(p.endswith("rubric: required for kind open") for p in found), found


def test_reload_picks_up_edit_add_and_delete(tmp_path, touch):
    root = build(tmp_path)
    store = ContentStore(root)
    first = store.refresh()
    assert store.refresh() is first  # nothing changed: same snapshot, nothing re-read

    meta, body = tree()["skills/python.md"]
    touch(root / "skills/python.md", render_file({**meta, "title": "Python, properly"}, body))
    second = store.refresh()
    assert second is not first
    assert second.get("skill", "python").title == "Python, properly"
    # unchanged files are not parsed again
    assert second.get("skill", "stats") is first.get("skill", "stats")

    touch(root / "skills/sql.md", render_file({**meta, "title": "SQL"}, body))
    assert store.refresh().get("skill", "sql").title == "SQL"

    (root / "skills/sql.md").unlink()
    assert store.refresh().get("skill", "sql") is None


def test_broken_edit_keeps_last_good_version(tmp_path, touch):
    root = build(tmp_path)
    store = ContentStore(root)
    store.refresh()
    touch(root / "skills/python.md", "---\ntitle: [broken\n---\n")
    library = store.refresh()
    assert library.get("skill", "python").title == "Python"
    assert [p.field for p in library.problems_for("skills/python.md")] == ["front matter"]


def test_never_valid_file_is_left_out_and_reported(tmp_path, touch):
    root = build(tmp_path)
    store = ContentStore(root)
    store.refresh()
    meta, body = tree()["skills/python.md"]
    touch(root / "skills/broken.md", render_file({**meta, "why": "everyone"}, body))
    library = store.refresh()
    assert library.get("skill", "broken") is None
    assert [p.field for p in library.problems_for("skills/broken.md")] == ["why"]


def test_one_broken_file_does_not_take_its_linkers_down(tmp_path):
    """On a fresh start a file with its own error is left out, but the files that link to it
    stay live, with the broken links reported."""
    root = build(tmp_path)
    path = root / "roles/ml-engineer.md"
    path.write_text(path.read_text().replace("focus:", "fokus:"))
    library = ContentStore(root).refresh()
    assert library.get("role", "ml-engineer") is None
    assert len(library.documents) == len(tree()) - 1
    assert any(
        "unknown role 'ml-engineer'" in p.message for p in library.problems_for("skills/stats.md")
    )


def test_page_named_like_a_site_section_is_reported(tmp_path):
    meta, body = tree()["pages/about.md"]
    found = problems(tmp_path, {"pages/quiz.md": (meta, body)})
    assert (
        "pages/quiz.md:1: file name: this page name is taken by another part of the site" in found
    )


def test_edit_that_breaks_a_reference_falls_back(tmp_path, touch):
    root = build(tmp_path)
    store = ContentStore(root)
    store.refresh()
    meta, body = tree()["roles/data-engineer.md"]
    meta["skills"][0]["skill"] = "nonexistent"
    touch(root / "roles/data-engineer.md", render_file({**meta, "title": "Renamed"}, body))
    library = store.refresh()
    assert library.get("role", "data-engineer").title == "Data engineer"
    assert any(
        "unknown skill 'nonexistent'" in p.message
        for p in library.problems_for("roles/data-engineer.md")
    )


def test_quiz_snippets_are_rendered_once_at_load(tmp_path):
    files = tree()
    meta, body = files["questions/q-one.md"]
    meta["choices"][0]["text"] = "`SELECT COUNT(*)` <script>x</script>"
    meta["choices"][0]["why"] = "Counts *rows*."
    library = load_library(build(tmp_path, {"questions/q-one.md": (meta, body)}))
    fragments = library.question("q-one").fragments
    assert fragments["choice:linreg"] == "<code>SELECT COUNT(*)</code> "
    assert fragments["why:linreg"] == "Counts <em>rows</em>."


class Scrollers(HTMLParser):
    """Each code block and table, with the attributes of the box it scrolls in."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "pre":
            self.found.append(("pre", attrs))
        elif tag == "table":
            self.found.append(("table", self.stack[-1][1] if self.stack else {}))
        self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass


def test_code_blocks_and_tables_scroll_in_a_box_keyboard_users_can_reach(tmp_path):
    """Sideways scrolling needs the keyboard focus: each box is focusable and named."""
    files = tree()
    meta, _ = files["pages/about.md"]
    body = (
        "## Sources\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        "```python\nscores = cross_val_score(model, X, y, cv=5)  # a long line\n```\n\n"
        "    indented code\n\n"
        '<table class="wide"><tr><td>raw</td></tr></table>\n\n<pre>raw pre</pre>\n'
    )
    html = load_library(build(tmp_path, {"pages/about.md": (meta, body)})).get("page", "about").html
    parser = Scrollers()
    parser.feed(html)
    assert [kind for kind, _ in parser.found] == ["table", "pre", "pre", "table", "pre"]
    for kind, box in parser.found:
        name = "Table" if kind == "table" else "Code"
        assert box.get("tabindex") == "0" and box.get("role") == "group", (kind, box)
        assert box.get("aria-label") == name, (kind, box)
        if kind == "table":
            assert box.get("class") == "table-wrap"


@pytest.mark.parametrize(
    "written",
    [
        '<div tabindex="5" role="alert" aria-label="Click here">x</div>',
        '<p tabindex="0" role="button" aria-label="Pay">x</p>',
        '<pre tabindex="-1" role="presentation" aria-label="Nothing">x</pre>',
        '<a href="/" tabindex="9" role="button">x</a>',
    ],
)
def test_editors_cannot_change_focus_order_or_roles(tmp_path, written):
    """Only the renderer's own values pass: no other tab stops, roles or names."""
    files = tree()
    meta, _ = files["pages/about.md"]
    library = load_library(build(tmp_path, {"pages/about.md": (meta, f"## A\n\n{written}\n")}))
    html = library.get("page", "about").html
    for attribute in ("tabindex", "role", "aria-label"):
        values = re.findall(rf'{attribute}="([^"]*)"', html)
        assert set(values) <= {"0", "group", "Code"}, (attribute, values)
