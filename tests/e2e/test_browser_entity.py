"""What a person sees of issue 18's entity pages, in Chromium: one kind with the other classes behind a
control, an ICB's practices on request, the stub of a fact with no start, and no serious axe violations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service import iris
from tests.e2e.test_browser import browser, serious_violations
from tests.live import app_server
from tests.pages_fixtures import fixture_store
from tests.web.pages.test_spans import KINDS

__all__ = ["browser"]  # the Chromium fixture, shared with test_browser
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def kinds_url() -> Iterator[str]:
    store = fixture_store()
    store.load_file(KINDS, iris.graph("kinds"))
    with app_server(store) as url:
        yield url


def test_the_other_classes_and_the_practices_open_on_request(browser: object, kinds_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(kinds_url + "/doc/icb/QOP?at=2023-01-01")
    kind = page.locator("p.kind")
    assert kind.inner_text() == "Instance of Integrated Care Board"
    other = page.locator("details.all-types code", has_text="foaf:Organization")
    assert not other.is_visible()
    page.get_by_text("All 6 classes").click()
    other.wait_for(state="visible")
    practice = page.get_by_role("link", name="The Vallance Centre")
    assert not practice.is_visible()
    page.locator("li.unit summary", has_text="2 practices").click()
    practice.wait_for(state="visible")
    assert serious_violations(page) == []
    context.close()


def test_a_fact_with_no_start_is_a_stub_right_of_the_bodys_start(browser: object, kinds_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(kinds_url + "/doc/pct/5NT")
    # the timeline is drawn for wide screens and for phones; at 1280 px the wide one is shown
    marker = page.locator("svg.wide text.start-unknown-marker")
    assert marker.count() == 1 and marker.inner_html() == "?" and marker.is_visible()
    assert not page.locator("svg.narrow text.start-unknown-marker").is_visible()
    stub = page.locator("svg.wide rect.start-unknown").bounding_box()
    life = page.locator("svg.wide rect.life").bounding_box()
    assert stub is not None and life is not None
    assert stub["x"] > life["x"] + 10  # not drawn from the body's start
    page.goto(kinds_url + "/doc/person/john-illustrative")
    assert "ended, date unknown" in page.locator("section.posts").inner_text()
    assert serious_violations(page) == []
    context.close()
