"""Every kind of response carries the full set of security headers, and no page needs the CSP
loosened: no inline script or style anywhere."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.helpers import HX, answer_all_right, start, url

pytestmark = pytest.mark.django_db

PERMISSIONS_DENIED = (
    "camera",
    "microphone",
    "geolocation",
    "interest-cohort",
    "browsing-topics",
    "payment",
    "usb",
    "serial",
    "hid",
    "midi",
    "display-capture",
)

RESPONSE_HANDLING = [
    {"code": "204", "swap": False},
    {"code": "[23]..", "swap": True},
    # a refused answer (400), a conflict (409) and a limit (429) swap their message in
    {"code": "40[09]|429", "swap": True, "error": False},
    {"code": "[45]..", "swap": False, "error": True},
]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response, label: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    assert csp, label
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (label, csp)
    directives = csp_directives(csp)
    assert directives["default-src"] == ["'self'"], label
    assert directives["script-src"] == ["'self'"], label
    assert directives["style-src"] == ["'self'"], label
    assert directives["object-src"] == ["'none'"], label
    assert directives["base-uri"] == ["'none'"], label
    assert directives["frame-ancestors"] == ["'none'"], label
    assert directives["form-action"] == ["'self'"], label
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", label
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", label
    assert response["X-Frame-Options"] == "DENY", label
    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in PERMISSIONS_DENIED:
        assert policy.get(feature) == "()", (label, feature)


class PageAudit(HTMLParser):
    """Collects everything a strict CSP would block or that smells of injected code."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.in_script: str | None = None
        self.json_ld: list[str] = []
        self.htmx_config: str | None = None
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action", "formaction", "data") and re.match(
                r"\s*(javascript|vbscript|data):", value or "", re.IGNORECASE
            ):
                self.problems.append(f"{name}={value[:40]!r} on <{tag}>")
        if tag in ("style", "iframe", "frame", "object", "embed", "applet", "base"):
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            kind = attrs_d.get("type", "")
            if kind == "application/ld+json":
                self.in_script = "ld+json"
            elif attrs_d.get("src"):
                self.in_script = "src"
                self.scripts.append(attrs_d["src"])
            else:
                self.problems.append(f"inline <script type={kind!r}>")
                self.in_script = "inline"
        if tag == "meta" and attrs_d.get("name") == "htmx-config":
            self.htmx_config = attrs_d.get("content")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = None

    def handle_data(self, data):
        if self.in_script == "ld+json":
            self.json_ld.append(data)
        elif self.in_script == "src" and data.strip():
            self.problems.append("a <script src> with a body")


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser


def assert_clean_html(response, label: str, *, full_page: bool = True) -> PageAudit:
    page = audit(response.content.decode())
    assert page.problems == [], label
    for block in page.json_ld:
        json.loads(block)  # data, parseable as such
    if full_page and page.scripts:  # htmx, on the pages that use it, with its settings
        assert page.htmx_config is not None, f"{label}: no htmx-config meta"
        config = json.loads(page.htmx_config)
        assert config["includeIndicatorStyles"] is False, label
        assert config["allowEval"] is False, label
        assert config["allowScriptTags"] is False, label
        assert config["responseHandling"] == RESPONSE_HANDLING, label
    return page


@pytest.fixture
def finished(client, content_dir):
    attempt = start(client)
    answer_all_right(client, attempt)
    return attempt


def page_requests(attempt):
    """(label, path, headers, full page?) of every kind of response the site sends."""
    pages = [
        ("home", "/", {}, True),
        ("role", "/roles/ml-engineer/", {}, True),
        ("role list", "/roles/", {}, True),
        ("comparison", "/compare/data-engineer-vs-ml-engineer/", {}, True),
        ("compare picker", "/compare/?a=data-engineer&b=ml-engineer", HX, False),
        ("compare picker error", "/compare/?a=ml-engineer&b=ml-engineer", HX, False),
        ("skill", "/skills/stats/", {}, True),
        ("education", "/education/degree/", {}, True),
        ("pay", "/pay/", {}, True),
        ("quiz index", "/quiz/", {}, True),
        ("quiz question", url(attempt, 1), {}, True),
        ("quiz question fragment", url(attempt, 2), HX, False),
        ("quiz results", f"/quiz/a/{attempt.pk}/results/", {}, True),
        ("404", "/no-such-page/", {}, True),
        ("admin login", "/admin/login/", {}, False),  # Django's admin: no htmx
        ("search", "/search/?q=model", {}, True),
        ("search results fragment", "/search/?q=model", HX, False),
    ]
    return pages


def test_every_page_type_carries_the_headers_and_no_inline_code(client, finished):
    for label, path, headers, full_page in page_requests(finished):
        response = client.get(path, headers=headers)
        assert response.status_code in (200, 400, 404), (label, response.status_code)
        assert_security_headers(response, label)
        assert_clean_html(response, label, full_page=full_page)


def test_only_the_pages_that_use_htmx_load_it(client, finished):
    """The guide's pages work as plain links and forms: they load no JavaScript at all."""
    uses_htmx = {"comparison", "quiz question", "search"}
    for label, path, headers, full_page in page_requests(finished):
        if not full_page:
            continue
        page = audit(client.get(path, headers=headers).content.decode())
        if label in uses_htmx:
            assert len(page.scripts) == 1 and "htmx" in page.scripts[0], label
            assert page.htmx_config is not None, label
        else:
            assert page.scripts == [], label
            assert page.htmx_config is None, label


def test_form_errors_and_refusals_carry_the_headers(client, content_dir):
    attempt = start(client)
    for label, response in [
        ("bad answer", client.post(url(attempt, 1, "answer"), {"value": "x"}, headers=HX)),
        ("out of turn", client.post(url(attempt, 3, "answer"), {"text": "x"})),
        ("bad start", client.post("/quiz/start/", {"mode": "nope"})),
        ("wrong method", client.get("/quiz/start/")),
    ]:
        assert 400 <= response.status_code < 500, label
        assert_security_headers(response, label)
        if response["Content-Type"].startswith("text/html") and response.content:
            assert_clean_html(response, label, full_page=False)


def test_healthz_carries_the_headers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert_security_headers(response, "healthz")


def test_quiz_pages_with_json_ld_are_data_only(client, content_dir):
    page = assert_clean_html(client.get("/quiz/"), "quiz index")
    assert page.json_ld, "the quiz index describes itself with JSON-LD"


def test_hsts_follows_the_https_setting(client, settings):
    assert "Strict-Transport-Security" not in client.get("/healthz", secure=True)
    settings.SECURE_HSTS_SECONDS = 31536000  # what HTTPS=1 sets (test_deployment)
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()  # the security middleware reads its settings once, when loaded
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/healthz")  # only over HTTPS
