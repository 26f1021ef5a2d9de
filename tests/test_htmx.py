"""Which htmx requests get a fragment (careerguide/htmx.py): only those htmx swaps into part of
the page. Boosted and history-restore requests replace the whole page, so they get all of it."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from careerguide.htmx import wants_fragment


def through_htmx_middleware(headers: dict[str, str]):
    request = RequestFactory().get("/search/", headers=headers)
    HtmxMiddleware(lambda request: HttpResponse())(request)
    return request


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        pytest.param({"HX-Request": "true"}, True, id="plain htmx request"),
        pytest.param({"HX-Request": "true", "HX-Boosted": "true"}, False, id="boosted"),
        pytest.param(
            {"HX-Request": "true", "HX-History-Restore-Request": "true"}, False, id="history"
        ),
        pytest.param({}, False, id="not htmx"),
        pytest.param({"HX-Request": "false"}, False, id="htmx header off"),
    ],
)
def test_only_a_plain_htmx_request_wants_a_fragment(headers, fragment):
    assert wants_fragment(through_htmx_middleware(headers)) is fragment


def test_a_request_the_htmx_middleware_never_saw_gets_the_page():
    assert wants_fragment(RequestFactory().get("/", headers={"HX-Request": "true"})) is False
