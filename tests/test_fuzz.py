"""Random and hostile input to every form and endpoint: never a 500, and a refused request
(4xx) leaves the data exactly as it was.

Examples are generated deterministically (derandomize) and bounded in number, so the suite
stays fast and a failure reproduces on every run.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.models import Attempt, Item, Response
from tests.helpers import HX, right_answer, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_limits_on_volume(settings):
    """These tests send hundreds of requests from one client to probe what each one may
    contain; the limits on how many (rate limits, the daily cap, sign-in lockouts) are tested
    in tests/test_limits.py."""
    settings.RATELIMIT_ENABLE = False
    settings.QUIZ_ATTEMPTS_PER_DAY = 0
    settings.AXES_ENABLED = False


FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one client and content tree for all examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# --- what gets sent ----------------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\r\n",
    "%00",
    "'; DROP TABLE quiz_response; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
    "${jndi:ldap://x}",
    "../../../../etc/passwd",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-1e309",
    "1e-400",
    "0x10",
    "1_000",
    "٠٫٨",  # Arabic-Indic digits
    "８",  # full-width
    "0,8",
    "80%",
    "4/5",
    "-0",
    "9" * 400,
    "\u202e\u0645\u0631\u062d\u0628\u0627",
    "𝟘.𝟠",
    "\ud7ff\ue000\uffff",
    "😀" * 50,
    "0",
    "1",
    "-1",
    "2",
    "99",
    "32768",
    "4294967296",
    "true",
    "null",
    "[]",
    "{}",
    str(uuid.uuid4()),
]

huge = st.builds(
    lambda chunk, n: chunk * n,
    st.sampled_from(["a", "é", "😀", "<b>", "9", " ", "noise "]),
    st.integers(min_value=1_000, max_value=400_000),
)
scalar = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(max_size=400),
    st.integers(),
    st.floats(),
    st.booleans(),
    huge,
)
field = st.one_of(scalar, st.lists(scalar, max_size=6))


def form(*names: str):
    """Form data with the given field names (each maybe missing) and some others."""
    keys = st.one_of(
        st.sampled_from([*names, "csrfmiddlewaretoken", "id", "attempt", "score"]),
        st.text(min_size=1, max_size=12),
    )
    return st.dictionaries(keys, field, max_size=len(names) + 3)


def _flat(data: dict) -> list[tuple[str, str]]:
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, str(item)))
    return pairs


@st.composite
def body(draw, *names: str):
    """A request body: multipart or urlencoded form, JSON, or raw bytes."""
    data = draw(form(*names))
    how = draw(st.sampled_from(["multipart", "urlencoded", "json", "bytes"]))
    if how == "multipart":
        return {
            "data": {
                k: [str(i) for i in v] if isinstance(v, list) else str(v) for k, v in data.items()
            }
        }
    if how == "urlencoded":
        return {
            "data": urlencode(_flat(data)),
            "content_type": "application/x-www-form-urlencoded",
        }
    if how == "json":
        return {"data": json.dumps(data, default=str), "content_type": "application/json"}
    raw = draw(st.binary(max_size=600))
    kind = draw(
        st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "multipart/form-data",
                "text/plain",
            ]
        )
    )
    return {"data": raw, "content_type": kind}


headers = st.sampled_from([{}, HX, {"HX-Request": "true", "HX-Boosted": "true"}])


# --- what is checked ---------------------------------------------------------------------------


def state():
    """Everything a request might change."""
    return (
        list(Attempt.objects.order_by("pk").values_list("pk", "finished_at", "points")),
        list(Item.objects.order_by("pk").values_list("pk", "attempt_id", "position")),
        list(Response.objects.order_by("pk").values_list("pk", "item_id", "score", "answer")),
        get_user_model().objects.count(),
        list(get_user_model().objects.values_list("pk", "last_login")),
    )


def check(send, *, may_change: bool = True):
    """Send one request: no 5xx; if refused (4xx), or if it may not change anything, the data
    is as it was."""
    before = state()
    response = send()
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400 or not may_change:
        assert state() == before, response.status_code
    return response


# --- fixtures ----------------------------------------------------------------------------------


class Quiz:
    """Items of each kind waiting for an answer (or a marking), in the client's attempts."""

    def __init__(self, client):
        self.client = client
        self.items: dict[str, Item] = {}

    def _fresh(self, kind: str) -> Item:
        attempt = start(self.client, "skill", "stats")  # all five kinds
        item = attempt.items.get(version__kind=kind)
        for earlier in attempt.items.filter(position__lt=item.position):
            Response.objects.create(
                item=earlier, question_id=earlier.question_id, answer={}, score=0
            )
        return item

    def waiting(self, kind: str) -> Item:
        item = self.items.get(kind)
        if item is None or Response.objects.filter(item=item).exists():
            item = self.items[kind] = self._fresh(kind)
        return item

    def to_mark(self) -> Item:
        item = self.items.get("marking")
        if item is None or Response.objects.filter(item=item, score__isnull=False).exists():
            item = self._fresh("open")
            Response.objects.create(
                item=item, question_id=item.question_id, answer={"text": "noise"}, score=None
            )
            item = self.items["marking"] = Item.objects.get(pk=item.pk)
        return item


@pytest.fixture
def quiz(client, content_dir):
    return Quiz(client)


# --- the quiz ----------------------------------------------------------------------------------


@FUZZ
@given(request=body("mode", "value"), extra=headers)
def test_start(client, content_dir, request, extra):
    check(lambda: client.post("/quiz/start/", **request, headers=extra))


@FUZZ
@given(
    mode=st.one_of(
        st.sampled_from(["article", "mock", "skill", "difficulty", "role", "retake"]), scalar
    ),
    value=st.one_of(
        st.sampled_from(["stats", "python", "ml-engineer", "easy", "hard", "data-engineer"]),
        scalar,
    ),
)
def test_start_with_near_miss_choices(client, content_dir, mode, value):
    response = check(lambda: client.post("/quiz/start/", {"mode": str(mode), "value": str(value)}))
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("kind", ["single", "multiple", "numeric", "example", "open"])
def test_answer_each_kind(client, quiz, kind):
    @FUZZ
    @given(request=body("choice", "choices", "value", "text"), extra=headers, data=st.data())
    def run(request, extra, data):
        item = quiz.waiting(kind)
        if data.draw(st.booleans(), label="near miss"):
            # a well-formed answer with one field forged
            good = right_answer(item)
            name = data.draw(st.sampled_from([*good, "choice", "choices", "value", "text"]))
            good[name] = data.draw(field)
            request = {
                "data": {
                    k: [str(i) for i in v] if isinstance(v, list) else str(v)
                    for k, v in good.items()
                }
            }
        response = check(
            lambda: client.post(
                url(item.attempt, item.position, "answer"), **request, headers=extra
            )
        )
        if response.status_code in (200, 302):
            assert Response.objects.filter(item=item).count() <= 1

    run()


def test_answer_twice_and_out_of_turn(client, quiz):
    @FUZZ
    @given(
        request=body("choice", "choices", "value", "text"), extra=headers, step=st.integers(0, 6)
    )
    def run(request, extra, step):
        item = quiz.waiting("open")
        answered = item.attempt.items.filter(response__isnull=False).first()
        target = answered.position if answered and step < 3 else item.position + step
        check(lambda: client.post(url(item.attempt, target, "answer"), **request, headers=extra))

    run()


def test_assess(client, quiz):
    @FUZZ
    @given(request=body("points"), extra=headers, data=st.data())
    def run(request, extra, data):
        item = quiz.to_mark()
        if data.draw(st.booleans(), label="points only"):
            points = data.draw(st.lists(st.one_of(st.integers(-3, 5).map(str), scalar.map(str))))
            request = {"data": {"points": points}}
        response = check(
            lambda: client.post(
                url(item.attempt, item.position, "assess"), **request, headers=extra
            )
        )
        if response.status_code < 400:
            item.response.refresh_from_db()
            assert item.response.score is None or 0 <= item.response.score <= 1

    run()


def test_assess_what_cannot_be_assessed(client, quiz):
    @FUZZ
    @given(request=body("points"), kind=st.sampled_from(["single", "numeric", "open"]))
    def run(request, kind):
        item = quiz.waiting(kind)  # unanswered: nothing to mark yet
        check(lambda: client.post(url(item.attempt, item.position, "assess"), **request))

    run()


def test_retake(client, quiz):
    @FUZZ
    @given(request=body("mode", "value"), which=st.sampled_from(["own", "forged", "other"]))
    def run(request, which):
        if which == "own":
            attempt = quiz.waiting("single").attempt
            send = lambda: client.post(f"/quiz/a/{attempt.pk}/retake/", **request)  # noqa: E731
        elif which == "forged":
            send = lambda: client.post(f"/quiz/a/{uuid.uuid4()}/retake/", **request)  # noqa: E731
        else:
            attempt = quiz.waiting("single").attempt
            send = lambda: Client().post(f"/quiz/a/{attempt.pk}/retake/", **request)  # noqa: E731
        response = check(send)
        if which != "own":
            assert response.status_code in (403, 404)

    run()


@FUZZ
@given(
    attempt_id=st.uuids(),
    position=st.integers(min_value=0, max_value=10**12),
    action=st.sampled_from(["answer", "assess", "retake", "results", "question", "resume"]),
    request=body("choice", "text", "value", "points"),
)
def test_forged_ids(client, content_dir, attempt_id, position, action, request):
    paths = {
        "answer": f"/quiz/a/{attempt_id}/q/{position}/answer/",
        "assess": f"/quiz/a/{attempt_id}/q/{position}/assess/",
        "retake": f"/quiz/a/{attempt_id}/retake/",
        "results": f"/quiz/a/{attempt_id}/results/",
        "question": f"/quiz/a/{attempt_id}/q/{position}/",
        "resume": f"/quiz/a/{attempt_id}/",
    }
    if action in ("results", "question", "resume"):
        response = check(lambda: client.get(paths[action]), may_change=False)
    else:
        response = check(lambda: client.post(paths[action], **request))
    assert response.status_code == 404


def test_someone_elses_attempt(client, quiz):
    stranger = Client()

    @FUZZ
    @given(
        request=body("choice", "choices", "value", "text", "points"),
        action=st.sampled_from(["answer", "assess"]),
        position=st.integers(1, 6),
    )
    def run(request, action, position):
        attempt = quiz.waiting("multiple").attempt
        response = check(
            lambda: stranger.post(url(attempt, position, action), **request, headers=HX)
        )
        assert response.status_code in (403, 404)

    run()


# --- pages with query parameters ---------------------------------------------------------------


query = st.one_of(
    st.dictionaries(
        st.one_of(st.sampled_from(["a", "b", "q", "page", "path", "next"]), st.text(max_size=8)),
        field,
        max_size=4,
    ),
)


def get_with(client, path: str, params: dict, extra: dict):
    qs = urlencode(_flat(params))
    return client.get(f"{path}?{qs}" if qs else path, headers=extra)


@FUZZ
@given(params=query, extra=headers, data=st.data())
def test_compare_picker(client, content_dir, params, extra, data):
    if data.draw(st.booleans(), label="role slugs"):
        roles = st.sampled_from(["ml-engineer", "data-engineer", "data-scientist", ""])
        params = {"a": data.draw(st.one_of(roles, scalar)), "b": data.draw(roles)}
    response = check(lambda: get_with(client, "/compare/", params, extra), may_change=False)
    assert response.status_code in (200, 302, 400)


@FUZZ
@given(params=query, extra=headers, q=st.one_of(scalar, st.lists(scalar, max_size=3)))
def test_search(client, content_dir, params, extra, q):
    params = {**params, "q": q}
    response = check(lambda: get_with(client, "/search/", params, extra), may_change=False)
    assert response.status_code in (200, 400)


@FUZZ
@given(
    path=st.sampled_from(
        [
            "/",
            "/quiz/",
            "/quiz/history/",
            "/roles/ml-engineer/",
            "/skills/stats/",
            "/pay/",
            "/healthz",
        ]
    ),
    params=query,
    extra=headers,
)
def test_other_pages_ignore_strange_parameters(client, content_dir, path, params, extra):
    check(lambda: get_with(client, path, params, extra), may_change=False)


# --- admin and editors -------------------------------------------------------------------------


@FUZZ
@given(request=body("username", "password", "next"), extra=headers)
def test_admin_login(client, content_dir, django_user_model, request, extra):
    if not django_user_model.objects.exists():
        django_user_model.objects.create_user("editor", password="right-pw", is_staff=True)
    sessions = Session.objects.count()
    response = check(
        lambda: client.post("/admin/login/", **request, headers=extra), may_change=False
    )
    assert response.status_code in (200, 400)  # a failed login shows the form again
    assert Session.objects.count() == sessions  # nobody was logged in
    assert "sessionid" not in response.cookies


@FUZZ
@given(request=body("path", "text"), extra=headers, data=st.data())
def test_editors_preview(client, content_dir, django_user_model, request, extra, data):
    user = django_user_model.objects.filter(username="fuzz-editor").first()
    if user is None:
        user = django_user_model.objects.create_user("fuzz-editor", password="pw", is_staff=True)
    client.force_login(user)
    if data.draw(st.booleans(), label="content path"):
        path = data.draw(
            st.sampled_from(
                ["questions/new.md", "roles/x.md", "skills/stats.md", "../x.md", "/etc/passwd"]
            )
        )
        text = data.draw(
            st.one_of(scalar, st.just("---\ntitle: [\n---\n"), st.just("---\n- a\n---\nx"))
        )
        request = {"data": {"path": path, "text": str(text)}}
    check(lambda: client.post("/editors/preview/", **request, headers=extra), may_change=False)
    check(
        lambda: client.get("/editors/preview/", {"path": str(data.draw(scalar))}, headers=extra),
        may_change=False,
    )


def test_every_form_refuses_a_missing_csrf_token(content_dir):
    strict = Client(enforce_csrf_checks=True)
    before = state()
    for path in (
        "/quiz/start/",
        f"/quiz/a/{uuid.uuid4()}/q/1/answer/",
        f"/quiz/a/{uuid.uuid4()}/q/1/assess/",
        f"/quiz/a/{uuid.uuid4()}/retake/",
        "/admin/login/",
        "/editors/preview/",
    ):
        assert strict.post(path, {"mode": "article"}).status_code == 403, path
    assert state() == before
