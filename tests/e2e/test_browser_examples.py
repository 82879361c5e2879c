"""The query editor's examples in Chromium: choosing a competency question puts its file in the editor and
runs it, and its results appear. Run with `pytest -m browser` (see tests/e2e/test_browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service import iris
from service.store import OxigraphStore
from service.terms import Literal
from service.web.examples import Example, examples
from tests.e2e.test_browser import browser  # noqa: F401 - the shared Chromium fixture
from tests.live import app_server

pytestmark = pytest.mark.browser
PAGES = Path(__file__).parents[1] / "data" / "pages"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, OxigraphStore]]:
    """The pages' fixture data, served by the app in a thread, and the same store for the expected answers."""
    store = OxigraphStore.in_memory()
    for path in sorted(PAGES.glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    with app_server(store) as url:
        yield url, store


def example(number: int) -> Example:
    return next(e for e in examples() if e.number == number)


def literals_answered(store: OxigraphStore, query: str) -> set[str]:
    """The literal values of the query's answer on the store: what its results must show."""
    return {t.value for row in store.select(query) for t in row.values() if isinstance(t, Literal)}


@pytest.mark.parametrize("number", [7, 15])
def test_choosing_an_example_puts_it_in_the_editor_and_shows_its_results(
    browser: object,  # noqa: F811 - the fixture imported above
    served: tuple[str, OxigraphStore],
    number: int,
) -> None:
    base_url, store = served
    chosen = example(number)
    expected = literals_answered(store, chosen.query)
    assert expected, f"Q{number} finds nothing on the fixture: choose an example that does"
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/sparql")
    page.get_by_text(f"{chosen.theme} (", exact=False).click()  # open its group
    page.get_by_role("button", name=f"Q{number}. {chosen.title}").click()
    tab = page.locator(".tabPanel.active")
    results = tab.locator(".yasr table tbody")
    results.wait_for()
    shown = tab.locator(".CodeMirror").evaluate("element => element.CodeMirror.getValue()")
    assert shown == chosen.query
    assert page.locator(".tabsList .tab.active").inner_text().split()[0] == f"Q{number}"
    text = results.inner_text()
    assert all(value in text for value in expected), (expected, text)
    assert errors == []
    context.close()
