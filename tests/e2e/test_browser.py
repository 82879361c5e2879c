"""What a person sees: Chromium (Debian's, at /usr/bin/chromium) driven by Playwright against a live server.

Run with `pytest -m browser`; `make test-deps` installs Chromium. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import iris
from service.store import OxigraphStore
from tests.live import app_server

pytestmark = pytest.mark.browser
HERE = Path(__file__).parents[1]
ARTIFACTS = HERE / "artifacts"
AXE = HERE / "vendor" / "axe-4.14.1.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    store = OxigraphStore.in_memory()
    for path in sorted((HERE / "data" / "pages").glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    with app_server(store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: run `make test-deps` (make test does)")
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def serious_violations(page: object) -> list[str]:
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")  # type: ignore[attr-defined]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_journey(browser: object, base_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # axe is injected as a script tag, which the site's CSP (rightly) forbids: bypass it in this context only.
    # The phone test below runs with the CSP enforced and checks that the site's own script still works.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/")
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    assert serious_violations(page) == []

    page.get_by_label("Search", exact=True).fill("Manchester")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url("**/search?q=Manchester")
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)
    assert serious_violations(page) == []

    page.get_by_role("link", name="Manchester Primary Care Trust").first.click()
    page.wait_for_url("**/doc/pct/5NT")
    assert page.get_by_role("heading", level=1).inner_text() == "Manchester Primary Care Trust"
    assert page.get_by_role("link", name="North West Strategic Health Authority").first.is_visible()
    assert page.get_by_role("link", name="NHS Greater Manchester").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "pct-5NT.png"), full_page=True)
    assert serious_violations(page) == []

    page.get_by_label("Show the state on").fill("2012-01-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/doc/pct/5NT?at=2012-01-01")
    as_of = page.locator("section.as-of-view")
    assert "North West Strategic Health Authority" in as_of.inner_text()
    assert "NHS Greater Manchester" in as_of.inner_text()
    page.screenshot(path=str(ARTIFACTS / "pct-5NT-2012.png"), full_page=True)

    page.locator("#h-lineage + .lineage").get_by_role("link", name="NHS Central Manchester CCG").click()
    page.wait_for_url("**/doc/ccg/00W?at=2012-01-01")  # the day is carried on links to other entities
    assert page.get_by_role("heading", level=1).inner_text() == "NHS Central Manchester CCG"
    assert serious_violations(page) == []
    assert errors == []
    context.close()


def test_phone_layout_and_suggestions(browser: object, base_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(base_url + "/doc/pct/5NT?at=2012-01-01")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(ARTIFACTS / "pct-5NT-phone.png"), full_page=True)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base_url + "/search")
    page.locator("#q").press_sequentially("manch")
    page.locator("#q-suggestions [role=option]").first.wait_for(state="attached")
    assert page.locator("#q-suggestions [role=option]").count() > 3
    assert [e for e in errors if "Content Security Policy" in e] == []
    context.close()
