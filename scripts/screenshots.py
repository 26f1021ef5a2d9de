#!/usr/bin/env python
"""Screenshots of the main pages, for the README and for design review.

    python scripts/screenshots.py [--out docs/screenshots]

Serves the site as production does (DEBUG off, static files collected and served by WhiteNoise,
the shipped content) on a free port of 127.0.0.1 with a fresh SQLite database in a temporary
folder, takes the quiz in Debian's Chromium (/usr/bin/chromium, through Playwright), and saves
PNGs of the home page, a role, a comparison (its top and its skills chart), a skill, the quiz
index, a question with its feedback and a results page at desktop (1280x800) and phone
(375x812) sizes, in the light and dark colour schemes: <page>-<desktop|phone>-<light|dark>.png.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's; also what the browser tests and the bench use
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 375, "height": 812},
}
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
PAGES = {
    "home": "/",
    "role": "/roles/machine-learning-engineer/",
    "comparison": "/compare/data-scientist-vs-machine-learning-engineer/",
    "skills-emphasis": "/compare/data-scientist-vs-machine-learning-engineer/#skills-emphasis",
    "skill": "/skills/statistics-probability/",
    "quiz": "/quiz/",
    "fit": "/fit/",
}
# Desktop pages worth showing below the fold: the whole page, cut at this height (CSS pixels).
FULL_PAGE = {"results": 1300}


def start_server(workdir: Path) -> str:
    """Migrate a fresh database, collect static files and serve the site in this process."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="careerguide.settings",
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{workdir / 'screenshots.sqlite3'}",
        STATIC_ROOT=str(workdir / "static"),
        CONTENT_DIR=str(REPO / "content"),
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("SITE_URL", None)
    sys.path.insert(0, str(REPO))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)

    from django.test.testcases import LiveServerThread

    # no static files handler of its own: WhiteNoise serves them, as in production
    server = LiveServerThread("127.0.0.1", lambda handler: handler, port=0)  # type: ignore[arg-type]
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return f"http://127.0.0.1:{server.port}"


# What a fair but imperfect candidate says to the article's open questions (by title word).
ANSWERS = {
    "precision": "Precision is the share of flagged cases that are real positives, TP / (TP + FP);"
    " recall is the share of real positives we find. A threshold trades one for the other.",
    "favourite": "Gradient boosting: each tree fits the errors of the trees before it. It works"
    " well on tabular data; its limits are tuning and latency.",
    "overfitting": "Overfitting is when a model learns the noise in its training data, so it does"
    " worse on new data. I would check it with cross-validation.",
    "verified": "What do you mean by verified? Our model code went through code review and unit"
    " tests, but it was not formally verified.",
}


def answer(page) -> None:
    """Answer the question on screen: plausible but imperfect, so results show every state."""
    if page.locator("textarea[name=text]").count():
        title = page.locator("h1").inner_text().lower()
        text = next((a for word, a in ANSWERS.items() if word in title), ANSWERS["overfitting"])
        page.fill("textarea[name=text]", text)
    elif page.locator("input[name=text]").count():
        page.fill("input[name=text]", "linear regression")
    elif page.locator("input[name=value]").count():
        page.fill("input[name=value]", "0.8")
    elif page.locator("input[name=choices]").count():
        page.locator(".choice label").nth(0).click()
        page.locator(".choice label").nth(1).click()
    else:
        page.locator(".choice label").nth(0).click()
    page.get_by_role("button", name="Check answer").click()
    page.locator(".feedback, .rubric-form").first.wait_for()
    if page.locator(".rubric-form").count():  # an open question: mark it against the rubric
        page.get_by_role("button", name="Score my answer").click()
        page.locator(".feedback").wait_for()


def shoot(page, out: Path, name: str, size: str, scheme: str) -> Path:
    path = out / f"{name}-{size}-{scheme}.png"
    page.evaluate("document.activeElement && document.activeElement.blur()")
    height = FULL_PAGE.get(name) if size == "desktop" else None
    if height:
        viewport = page.viewport_size
        full = page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": min(full, height)}
        page.screenshot(path=path, full_page=True, clip=clip, animations="disabled")
    else:
        page.screenshot(path=path, animations="disabled")
    return path


def take(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    viewport=viewport, color_scheme=scheme, reduced_motion="reduce"
                )
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    saved.append(shoot(page, out, name, size, scheme))
                # The article's five, answered one by one; the first one's feedback is shown.
                page.goto(base + "/quiz/")
                page.get_by_role("button", name="Start the five").click()
                for position in range(1, 6):
                    page.wait_for_url(f"**/q/{position}/")
                    answer(page)
                    if position == 4:  # a give-an-example question: short, clear feedback
                        page.reload()  # the plain page, as after a redirect
                        saved.append(shoot(page, out, "feedback", size, scheme))
                    page.locator(".next .button").click()
                page.wait_for_url("**/results/")
                saved.append(shoot(page, out, "results", size, scheme))
                context.close()
        browser.close()
    return saved


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 1
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        base = start_server(Path(tmp))
        saved = take(base, args.out)
    total = sum(p.stat().st_size for p in saved)
    for path in saved:
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    print(f"{len(saved)} screenshots, {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
