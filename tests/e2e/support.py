"""What the browser and HTML checks share: where the tools are, and quiz attempts made to order."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from careerguide.content import get_library
from quiz.attempts import Selection, create_attempt
from quiz.models import Attempt
from scripts import screenshots
from tests.conftest import REPO

CONTENT = REPO / "content"
CHROMIUM = Path(screenshots.CHROMIUM)
CHROMIUM_ARGS = screenshots.CHROMIUM_ARGS
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
KINDS = ("single", "multiple", "numeric", "example", "open")


def require(available: bool, what: str, how: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail in CI, whose .ci/run
    installs it."""
    if available:
        return
    message = f"{what} is missing: {how}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must install it; see .ci/run)", pytrace=False)
    pytest.skip(message)


def require_chromium() -> None:
    require(
        CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK),
        f"Chromium ({CHROMIUM})",
        "install Debian's package with `apt-get install chromium`",
    )


def require_vnu() -> str:
    java = shutil.which("java")
    require(java is not None, "Java", "install `default-jre-headless`")
    require(VNU_JAR.is_file(), f"The Nu HTML Checker ({VNU_JAR})", "run `npm ci` at the repo root")
    assert java is not None
    return java


CONTENT_KINDS = ("page", "role", "skill", "education", "comparison")


def content_pages() -> list[tuple[str, str]]:
    """(label, path) of every public page the shipped content makes: each page, role, skill,
    education path and comparison."""
    library = get_library()
    return [
        (f"{kind} {doc.slug}", doc.url)
        for kind in CONTENT_KINDS
        for doc in library.all(kind)
        if doc.url is not None
    ]


def one_of_each_kind(owner: str, kinds=KINDS) -> Attempt:
    """An attempt of the shipped content's first question of each kind, in the order given,
    owned by the browser session whose quiz token is ``owner``."""
    library = get_library()
    questions = library.all("question")
    chosen = [next(q for q in questions if q.meta.kind == kind) for kind in kinds]
    selection = Selection(Attempt.Mode.SKILL, "Practice: one of each kind", chosen)
    return create_attempt(library, selection, owner, random.Random(7))


# --- driving the quiz in the browser -------------------------------------------------------------

OPEN_ANSWER = (
    "Overfitting is when a model learns the noise in its training data and does worse on new "
    "data; I would check it with cross-validation and use regularisation."
)


def fill_answer(page) -> str:
    """Fill the answer form on screen with a plausible answer; returns the question's kind."""
    form = page.locator("form.answer-form")
    if form.locator("textarea").count():
        form.locator("textarea").fill(OPEN_ANSWER)
        return "open"
    if form.locator("input[name=text]").count():
        form.locator("input[name=text]").fill("linear regression")
        return "example"
    if form.locator("input[name=value]").count():
        form.locator("input[name=value]").fill("0.5")
        return "numeric"
    if form.locator("input[type=checkbox]").count():
        form.locator("input[type=checkbox]").first.check()
        return "multiple"
    form.locator("input[type=radio]").first.check()
    return "single"


def submit_answer(page) -> None:
    """Press "Check answer" and wait for what comes next: feedback, or the rubric to tick."""
    page.get_by_role("button", name="Check answer").click()
    page.locator(".feedback, .rubric-form").first.wait_for()


def mark_rubric(page, ticks) -> None:
    """Tick exactly the rubric points whose positions are in ``ticks`` (all: ``ticks=None``),
    then score the answer."""
    boxes = page.locator(".rubric-form input[type=checkbox]")
    for i in range(boxes.count()):
        boxes.nth(i).set_checked(ticks is None or i in ticks)
    page.get_by_role("button", name="Score my answer").click()
    page.locator(".feedback").wait_for()


def next_screen(page) -> None:
    page.locator(".next .button").click()
    page.wait_for_load_state()
