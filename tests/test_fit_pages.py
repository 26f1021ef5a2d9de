"""The assessment as content (validated like every kind) and its pages: /fit/ with and without
htmx, and the shared result link."""

import re
from urllib.parse import urlencode

import pytest

from careerguide import progress_hooks
from careerguide.content import get_library
from careerguide.content.store import ContentStore
from roles import fit
from tests.conftest import REPO
from tests.content_factory import render_file, tree, write_tree

LEVELS = ["none", "a little", "some", "a lot", "expert"]


def fit_meta(**changes) -> dict:
    items = [
        {"id": f"enjoy-{n}", "kind": "interest", "text": f"Thing {n}",
         "weights": {"ml-engineer": 2, "data-engineer": -1}}
        for n in range(9)
    ]  # fmt: skip
    items += [
        {"id": f"rate-{s}", "kind": "skill", "skill": s, "text": s.title(), "levels": LEVELS,
         "weights": {"data-engineer": 1}, "education": ["degree"]}
        for s in ("stats", "python", "pipelines")
    ]  # fmt: skip
    meta = {
        "title": "Which role fits me?",
        "description": "A short self-assessment.",
        "interest_scale": ["Not for me", "Not much", "Neutral", "Quite a lot", "Very much"],
        "style_scale": ["No", "Rather not", "Neither", "Rather", "Yes"],
        "items": items,
    }
    meta.update(changes)
    return meta


def problems(tmp_path, meta) -> list[str]:
    files = tree()
    files["fit/assessment.md"] = (meta, "## About\n\nAnswer what you can.\n")
    root = tmp_path / "c"
    write_tree(root, files)
    return [str(p) for p in ContentStore(root).refresh().problems if p.path.startswith("fit/")]


def test_a_valid_assessment_loads(tmp_path):
    assert problems(tmp_path, fit_meta()) == []


def line_of(meta, needle: str) -> int:
    text = render_file(meta, "## About\n\nx\n")
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    "change, field, message",
    [
        (lambda m: m["items"][2].update(kind="hobby"), "items[2].kind", "Input should be"),
        (lambda m: m["items"][3]["weights"].update({"ml-engineer": 4}), "items[3].weights.ml-engineer",  # noqa: E501
         "less than or equal to 3"),
        (lambda m: m["items"][4].update(weights={"ml-engineer": 0}), "items[4].weights", "other than 0"),  # noqa: E501
        (lambda m: m["items"][10].pop("levels"), "items[10].levels", "required for kind skill"),
        (lambda m: m["items"][10].update(levels=LEVELS[:4]), "items[10].levels", "at least 5 items"),  # noqa: E501
        (lambda m: m["items"][1].update(skill="stats"), "items[1].skill", "not used by kind interest"),  # noqa: E501
        (lambda m: m["items"][0].update(weight=2), "items[0].weight", "unknown field"),
        (lambda m: m.pop("interest_scale"), "interest_scale", "required field is missing"),
    ],
)  # fmt: skip
def test_item_errors_name_file_line_and_field(tmp_path, change, field, message):
    meta = fit_meta()
    change(meta)
    found = problems(tmp_path, meta)
    assert len(found) == 1, found
    path, line, rest = found[0].split(":", 2)
    assert path == "fit/assessment.md"
    assert rest.startswith(f" {field}: ") and message in rest, found
    index = re.match(r"items\[(\d+)\]", field)
    if index:  # the line is the item's own, or the field's inside it
        item_id = meta["items"][int(index.group(1))]["id"]
        assert int(line) >= line_of(meta, f"id: {item_id}"), (line, found)


def test_items_are_counted_and_unique(tmp_path):
    meta = fit_meta()
    meta["items"][5]["id"] = "enjoy-4"
    assert problems(tmp_path, meta) == [
        f"fit/assessment.md:{line_of(meta, 'items:')}: items: two items share the id 'enjoy-4'"
    ]
    assert "at least 12 items" in problems(tmp_path, fit_meta(items=fit_meta()["items"][:11]))[0]


def test_unknown_references_are_errors_on_their_line(tmp_path):
    meta = fit_meta()
    meta["items"][0]["weights"]["astronaut"] = 1
    meta["items"][9]["skill"] = "juggling"
    meta["items"][10]["education"] = ["degree", "circus"]
    found = problems(tmp_path, meta)
    assert any("items[0].weights.astronaut: unknown role 'astronaut'" in p for p in found), found
    assert any("items[9].skill: unknown skill 'juggling'" in p for p in found), found
    assert any("items[10].education[1]: unknown education path 'circus'" in p for p in found)
    assert f"fit/assessment.md:{line_of(meta, 'skill: juggling')}:" in " ".join(found)


def test_a_role_no_item_weighs_is_an_error(tmp_path):
    meta = fit_meta()
    for entry in meta["items"]:
        entry["weights"].pop("data-engineer", None)
        entry["weights"].setdefault("ml-engineer", 1)
    found = problems(tmp_path, meta)
    assert any("no item weighs the role 'data-engineer'" in p for p in found), found


# --- the pages, on the shipped content ---------------------------------------------------------

ANSWERS = {
    "slow-service-fast": "4",
    "why-a-number-changed": "1",
    "how-data-flows": "3",
    "ship-over-report": "3",
    "rate-statistics": "3",
    "rate-programming": "1",
    "role": "",
}


@pytest.fixture(autouse=True)
def real_content(settings):
    settings.CONTENT_DIR = REPO / "content"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.django_db
def test_the_empty_form_is_a_shared_guide_page(client):
    response = client.get("/fit/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache" and response.has_header("ETag")
    html = response.content.decode()
    assert html.count('type="radio"') > 19 * 5  # every item, every level, and a skip
    assert 'data-hx-get="/fit/"' in html and 'data-hx-trigger="change"' in html
    assert 'method="get"' in html and "csrfmiddlewaretoken" not in html
    assert "I write SELECT queries with WHERE and ORDER BY." in html  # SQL's levels, written out
    assert "Your result appears here" in html


@pytest.mark.django_db
def test_a_plain_submission_shows_the_result_without_javascript(client):
    response = client.get("/fit/", ANSWERS)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "ETag" not in response
    assert {"Cookie", "HX-Request"} <= {v.strip() for v in response["Vary"].split(",")}
    page = text(response)
    assert "lean most toward the machine learning engineer role" in page
    assert "Pulled toward it: \u201cMaking a slow service fast\u201d: very much" in page
    assert "not a verdict" in page
    assert "Skill gap for a machine learning engineer" in page
    assert 'id="gap-chart-title"' in response.content.decode()  # the chart, and a table below
    assert "A learning plan" in page and "/quiz/?skill=" in response.content.decode()
    for role in (
        "An idempotent daily pipeline",
        "Why did the number change?",
        "A model behind an API",
    ):
        assert role in page
    assert 'value="4" checked' in response.content.decode()  # the answers stay on the form


@pytest.mark.django_db
def test_htmx_gets_the_result_fragment_alone(client):
    response = client.get("/fit/", ANSWERS, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert 'id="fit-title"' in html and "Skill gap" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_the_learner_chooses_the_role_to_plan_for(client):
    page = text(client.get("/fit/", {**ANSWERS, "role": "data-engineer"}))
    assert "Skill gap for a data engineer" in page
    assert page.index("An idempotent daily pipeline") < page.index("A model behind an API")


@pytest.mark.django_db
def test_all_neutral_answers_say_so(client):
    doc = get_library().get("fit", "assessment")
    neutral = {item.id: "2" for item in doc.meta.items}
    page = text(client.get("/fit/", neutral))
    assert "don't lean toward any role yet" in page
    assert page.count("50 of 100") == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, message",
    [
        ({"rate-sql": "9"}, "must be a whole number from 0 to 4"),
        ({"rate-sql": "x"}, "must be a whole number from 0 to 4"),
        ({"nonsense": "1"}, "no item called"),
        ({"role": "astronaut"}, "no role called"),
        ("rate-sql=1&rate-sql=2", "given 2 times"),
    ],
)
def test_malformed_answers_get_a_400_with_the_reason(client, query, message):
    query = query if isinstance(query, str) else urlencode(query)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(f"/fit/?{query}", headers=headers)
        assert response.status_code == 400
        assert message in text(response).replace("&#x27;", "'")


def share_url(client) -> str:
    html = client.get("/fit/", ANSWERS).content.decode()
    found = re.search(r'<a href="(/fit/r/[^"]+/)">', html)
    assert found is not None
    return found.group(1)


def result_part(response) -> tuple[str, str]:
    """The fit per role, and the gap's table and the plan (the intro sentences differ)."""
    hint = (
        "Practise a skill's questions in the quiz and your measured figures show here next to "
        "your own rating."
    )
    page = re.sub(r"\s+", " ", text(response).replace(hint, ""))
    return (
        page[page.index("Your fit for each role") : page.index("Skill gap for")],
        page[
            page.index("Skill gap for a machine learning engineer: levels") : page.index(
                "Try the work"
            )
        ],
    )


@pytest.mark.django_db
def test_the_shared_link_reproduces_the_result(client):
    url = share_url(client)
    shared = client.get(url)
    assert shared.status_code == 200
    assert result_part(shared) == result_part(client.get("/fit/", ANSWERS))
    assert "private" not in shared["Cache-Control"]
    assert client.get(url).content == shared.content  # the same for every reader
    assert share_url(client) == url  # the same answers, the same link


@pytest.mark.django_db
def test_the_shared_result_does_not_mix_in_the_viewers_quiz_figures(client):
    def figures(request):
        return {"statistics-probability": 0.5}

    progress_hooks.register(figures)
    try:
        own = text(client.get("/fit/", ANSWERS))
        shared = text(client.get(share_url(client)))
    finally:
        progress_hooks.unregister(figures)
    assert "You rated Statistics and probability 3 of 4; your quiz answers put it nearer 2." in own
    assert "Your quiz answers" in own
    assert "nearer 2" not in shared and "Your quiz answers" not in shared


@pytest.mark.django_db
def test_a_changed_shared_link_gets_a_400(client):
    url = share_url(client)
    token = url.removeprefix("/fit/r/").removesuffix("/")
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[: len(token) // 2], "x"):
        response = client.get(f"/fit/r/{bad}/")
        assert response.status_code == 400, bad
        assert "changed or cut short" in text(response)
    signed = fit.encode(fit.Answers({"no-such-item": 1}))  # signed here, but names no item
    response = client.get(f"/fit/r/{signed}/")
    assert response.status_code == 400 and "take it again" in text(response)


@pytest.mark.django_db
def test_home_opens_on_the_three_roles_and_two_ways_in(client):
    response = client.get("/")
    html = response.content.decode()
    page = text(response)
    library = get_library()
    for role in library.all("role"):
        pay, outlook = role.meta.pay[0], role.meta.outlook[0]
        assert f'<a href="{role.url}">{role.title}</a>' in html
        assert f"${pay.median_usd:,}" in page and pay.as_of in page
        assert outlook.period in page
    assert (
        page.index("Three roles")
        < page.index("Which role fits me?")
        < page.index("What a machine learning engineer is")
    )
    assert 'href="/fit/"' in html and "Practise the interview" in page
    assert 'class="due-slot"' in html  # where the learner's own count is swapped in


@pytest.mark.django_db
def test_the_quiz_offers_nothing_for_a_visitor_who_has_not_practised(rf):
    assert progress_hooks.measured_skills(rf.get("/fit/")) == {}
