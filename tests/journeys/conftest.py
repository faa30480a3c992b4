"""Real Chromium (Debian's) through Playwright against a live server, with axe-core
looking at every page a test visits.

axe-playwright-python bundles axe.min.js, so nothing is fetched. The `page` fixture
counts every document that loads; `settle_and_check(page)` runs axe on the current one
(tests call it once a page has settled, the helpers below do it for the pages they
visit), and the page a test ends on is checked at teardown. A `serious` or `critical`
violation fails the test, the others are listed as warnings, and a document that loaded
but was never checked fails the test too: a test cannot visit a page without axe
looking at it.

(Checking each page automatically as the test leaves it, from a route handler, would be
tidier, but Playwright's sync API cannot evaluate in a page while its navigation is
held, and an axe run started on `load` races the test's next click.)
"""

import os
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts"
FAILING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {"resultTypes": ["violations"]}
# Marks the document axe looked at, so a page that loaded twice at one URL counts twice.
DOCUMENT_ID = "window.__axeDocument = window.__axeDocument || String(Math.random()).slice(2)"


class AxeWarning(UserWarning):
    """A minor or moderate accessibility finding: listed, not failing."""


@dataclass
class AxeWatch:
    """Which documents the test loaded, which axe checked, and what it found."""

    page: object
    loaded: list[str] = field(default_factory=list)
    checked: dict[str, str] = field(default_factory=dict)  # document id -> URL
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def on_load(self, page) -> None:
        if not page.url.startswith("about:"):
            self.loaded.append(page.url)

    def check(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        page = self.page
        url = page.url  # type: ignore[attr-defined]
        if url.startswith("about:"):
            return
        document = page.evaluate(DOCUMENT_ID)  # type: ignore[attr-defined]
        if document in self.checked:
            return
        results = Axe().run(page, options=AXE_OPTIONS).response
        self.checked[document] = url
        for violation in results["violations"]:
            line = _describe(url, violation)
            (self.failures if violation["impact"] in FAILING_IMPACTS else self.notes).append(line)

    def never_checked(self) -> list[str]:
        missing = Counter(self.loaded) - Counter(self.checked.values())
        return sorted(missing.elements())


def _describe(url: str, violation: dict) -> str:
    targets = "; ".join(", ".join(map(str, node["target"])) for node in violation["nodes"][:5])
    return f"{url}: [{violation['impact']}] {violation['id']}: {violation['help']} ({targets})"


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def reference_data_kept_between_journeys(chromium, django_db_setup, django_db_blocker):
    """Journeys flush the database after each test and restore what the migrations loaded
    (ingredients, formulations, protocols) before the next (`serialized_rollback`).

    Playwright's sync API keeps an event loop running in the main thread, and asgiref then
    gives Django a context-local database connection there instead of the thread's own.
    The contents to restore were serialized onto the thread's connection when the worker
    set up its database, usually before Playwright started: on the journeys' connection
    they are missing, nothing is restored, and every journey after the worker's first
    one runs without reference data. Serialize them onto that connection too, while the
    database is still as the migrations left it (this runs before the worker's first
    journey; the tests before it ran in transactions that were rolled back)."""
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            if not hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = AxeWatch(page)
    page.axe_watch = watch
    page.on("load", watch.on_load)
    yield page
    if not page.is_closed():
        settle_and_check(page)  # the page the test ends on
    context.close()
    for note in watch.notes:
        warnings.warn(note, AxeWarning, stacklevel=1)
    problems = [f"loaded but never checked by axe: {url}" for url in watch.never_checked()]
    problems += watch.failures
    if problems:
        pytest.fail("Accessibility (axe-core):\n" + "\n".join(problems), pytrace=False)


def settle_and_check(page) -> None:
    """Run axe on the page as it is now (once per document; later calls are free).
    Pages a test opens in a context of its own (a second user) are not watched."""
    page.wait_for_load_state("load")
    watch = getattr(page, "axe_watch", None)
    if watch is not None:
        watch.check()


def visit(page, path: str):
    """Open a page and let axe look at it."""
    response = page.goto(path)
    settle_and_check(page)
    return response


def shoot(page, name: str) -> None:
    settle_and_check(page)  # what is worth a screenshot is worth an axe check
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str, password: str) -> None:
    visit(page, "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    settle_and_check(page)
