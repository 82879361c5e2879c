"""Search suggestions in Chromium (Debian's, driven by Playwright): choosing one opens that entity's page,
with the keyboard (arrows, Enter) and with the mouse, from the search page and from the header's box."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_browser import ARGS, CHROMIUM, serious_violations
from tests.live import app_server
from tests.search_fixtures import search_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with app_server(search_store()) as url:
        yield url


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[object]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: run `make test-deps` (make test does)")
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # bypass_csp: axe goes in as a script tag; test_browser's phone test runs site.js under the CSP.
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        yield context.new_page()
        browser.close()


def suggest(page: object, base_url: str, box: str, text: str) -> object:
    """Type `text` into the box `box` of /search and wait for its list of suggestions."""
    page.goto(base_url + "/search")  # type: ignore[attr-defined]
    page.locator(box).press_sequentially(text)  # type: ignore[attr-defined]
    listbox = page.locator(f'{box}-suggestions[data-q="{text}"]')  # type: ignore[attr-defined]
    listbox.get_by_role("option").first.wait_for()  # the list answering the whole text, not a part
    assert page.locator(box).get_attribute("aria-expanded") == "true"  # type: ignore[attr-defined]
    return listbox


def test_arrow_down_and_enter_open_the_first_suggestion(page: object, base_url: str) -> None:
    listbox = suggest(page, base_url, "#q", "manch")
    first = listbox.get_by_role("option").first  # type: ignore[attr-defined]
    assert first.inner_text().startswith("NHS Greater Manchester Integrated Care Board")
    page.locator("#q").press("ArrowDown")  # type: ignore[attr-defined]
    assert first.get_attribute("aria-selected") == "true"
    assert serious_violations(page) == []  # the open combobox and its list, as axe reads them
    assert page.locator("#q").get_attribute("aria-activedescendant") == first.get_attribute("id")  # type: ignore[attr-defined]
    page.locator("#q").press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/doc/icb/QOP")  # type: ignore[attr-defined]
    assert page.get_by_role("heading", level=1).inner_text() == "NHS Greater Manchester Integrated Care Board"  # type: ignore[attr-defined]


def test_arrows_move_through_the_suggestions(page: object, base_url: str) -> None:
    listbox = suggest(page, base_url, "#q", "manchester pct")
    options = listbox.get_by_role("option")  # type: ignore[attr-defined]
    for _ in range(2):
        page.locator("#q").press("ArrowDown")  # type: ignore[attr-defined]
    second = options.nth(1)
    assert second.get_attribute("aria-selected") == "true"
    assert options.first.get_attribute("aria-selected") == "false"
    href, label = second.get_attribute("data-href"), second.inner_text()
    page.locator("#q").press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**" + href)  # type: ignore[attr-defined]
    assert label.startswith(page.get_by_role("heading", level=1).inner_text())  # type: ignore[attr-defined]


def test_a_click_opens_the_suggestion(page: object, base_url: str) -> None:
    listbox = suggest(page, base_url, "#site-q", "manchester ccg")
    listbox.get_by_role("option", name="NHS Manchester CCG Clinical Commissioning Group, 14L").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/doc/ccg/14L")  # type: ignore[attr-defined]
    assert page.get_by_role("heading", level=1).inner_text() == "NHS Manchester CCG"  # type: ignore[attr-defined]


def test_enter_without_a_choice_searches_and_escape_closes(page: object, base_url: str) -> None:
    listbox = suggest(page, base_url, "#q", "manchster")
    page.locator("#q").press("Escape")  # type: ignore[attr-defined]
    listbox.wait_for(state="hidden")  # type: ignore[attr-defined]
    page.locator("#q").press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/search?q=manchster*")  # type: ignore[attr-defined]
    first = page.locator("ol.results li a").first  # type: ignore[attr-defined]
    assert first.inner_text() == "NHS Greater Manchester Integrated Care Board"
