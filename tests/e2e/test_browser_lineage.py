"""The lineage drawing as a person sees it, in Chromium with JavaScript off: the SVG renders, its labels stay
readable on a phone (the drawing scrolls in its own box instead of shrinking), and a click on a body opens
its page."""

from __future__ import annotations

import pytest

from tests.e2e.test_browser import ARTIFACTS, base_url, browser, serious_violations  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_the_drawing_renders_without_scripts_and_a_click_opens_the_body(
    browser: object,  # noqa: F811
    base_url: str,  # noqa: F811
    width: int,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(base_url + "/doc/pct/5NT")
    figure = page.locator("#h-lineage + figure.lineage")
    svg = figure.locator("svg.lineage-svg")
    assert svg.is_visible()
    drawn = svg.bounding_box()
    assert drawn is not None and drawn["height"] > 100
    # drawn at its own size, never shrunk to the screen: the box around it scrolls instead
    assert round(drawn["width"]) == int(svg.get_attribute("width") or 0)
    sizes = svg.locator("text").evaluate_all("ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
    assert sizes and min(sizes) >= 12
    scroller = figure.locator(".lineage-scroll")
    overflow = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert (overflow[0] > overflow[1]) == (drawn["width"] > width - 40)
    figure.screenshot(path=str(ARTIFACTS / f"lineage-5NT-{width}.png"))

    node = figure.get_by_role("link", name="NHS Central Manchester CCG")
    node.scroll_into_view_if_needed()
    node.click()
    page.wait_for_url("**/doc/ccg/00W")
    assert page.get_by_role("heading", level=1).inner_text() == "NHS Central Manchester CCG"
    current = page.locator("figure.lineage a[aria-current=page]")
    assert current.get_attribute("href", timeout=5000) == "/doc/ccg/00W"
    context.close()


def test_the_drawing_passes_axe(browser: object, base_url: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 900}, bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(base_url + "/doc/ccg/00W")
    assert page.locator("figure.lineage svg a").count() == 8 + 9  # eight bodies, nine successions
    assert serious_violations(page) == []
    context.close()
