"""What a person sees at 1280 and at 390 px wide (issue 18): the home chart's legend by its chart, text in the
charts at least 12 px, nothing wider than a phone, and no critical or serious axe-core rule on any page kind.

Chromium (Debian's) through Playwright, as in test_browser.py, whose `browser` fixture and axe helper this
module shares; the server holds the pages' fixture graph and an excerpt of one ICB (tests/data/browser).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service import iris
from tests.e2e.test_browser import browser, serious_violations  # noqa: F401 (a fixture, shared)
from tests.engines.oxigraph_server import backend_args, oxigraph_server
from tests.live import live_server
from tests.pages_fixtures import fixture_store

pytestmark = pytest.mark.browser
ICB = Path(__file__).parents[1] / "data" / "browser" / "icb.ttl"
WIDTHS = (1280, 390)
# One page of each kind a reader meets.
PAGE_KINDS = {
    "home": "/?at=2012-01-01",
    "pct": "/doc/pct/5NT?at=2012-01-01",
    "icb": "/doc/icb/QOP",
    "person": "/doc/person/jane-example",
    "membership": "/doc/practice/P84004/membership/pct/5NT/2006-10-01",
    "event": "/doc/event/2006-10-01/manchester-pct-established",
    "search": "/search?q=Manchester",
    "sparql": "/sparql",
    "class": "/class/nhs:PrimaryCareTrust",
    "ontology": "/def",
    "about": "/about",
}

# Where the home chart (the drawing shown at this width), its lines and its legend are on the screen.
CHART_GEOMETRY = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, middle: (r.top + r.bottom) / 2}; };
  const figure = document.querySelector("figure.chart");
  const drawings = [...figure.querySelectorAll(":scope > svg")]
    .filter((s) => s.getBoundingClientRect().width > 0);
  return {
    drawings: drawings.length,
    chart: box(drawings[0]),
    legend: box(figure.querySelector(".legend")),
    entries: [...figure.querySelectorAll(".legend li")].map((li) => ({
      kind: li.dataset.class, swatch: box(li.querySelector(".swatch")),
      label: box(li.querySelector(".legend-label")),
      colour: getComputedStyle(li.querySelector(".swatch line")).stroke})),
    lines: [...drawings[0].querySelectorAll("polyline.series")].map((l) => ({
      kind: l.dataset.class, colour: getComputedStyle(l).stroke, dash: getComputedStyle(l).strokeDasharray})),
  };
}"""

# The size at which each text of the charts shown reaches the screen: its font size times the drawing's scale.
CHART_TEXT_SIZES = """() => [...document.querySelectorAll(".timeline > svg, .chart > svg")]
  .filter((svg) => svg.getBoundingClientRect().width > 0)
  .flatMap((svg) => [...svg.querySelectorAll("text")].map((t) =>
    [t.textContent, parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a]))"""

# Elements whose right edge passes the viewport's, unless a box that scrolls or clips (and itself fits) holds
# them: a table in its own scrolling box, CodeMirror's scroller inside the editor's frame.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const clips = (e) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(e).overflowX);
  const held = (e) => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (clips(p) && p.getBoundingClientRect().right <= width + 0.5) return true; } return false; };
  return [...document.body.querySelectorAll("*")]
    .filter((e) => { const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > width + 0.5 && !held(e); })
    .map((e) => e.tagName.toLowerCase() + "." + e.getAttribute("class"))
    .slice(0, 10);
}"""


@pytest.fixture(scope="module")
def layout_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`nhskg serve` over a real Oxigraph server holding the pages' fixture graph and the ICB excerpt. In a
    process of its own: in a threaded server inside pytest, pyoxigraph's query solutions can be collected
    on a thread other than theirs, which pyoxigraph refuses (and the editor's page sends queries at once).
    """
    folder = tmp_path_factory.mktemp("layout")
    store = fixture_store()
    store.load_file(ICB, iris.graph("icb"))
    store.save_to(folder / "embedded", folder / "layout.nq")
    with oxigraph_server(folder / "layout.nq", folder / "backend") as backend:
        env = {"NHSKG_CACHE_DIR": str(folder / "unused")}
        args = ["--workers", "2", *backend_args(backend)]
        with live_server(env, args, log=folder / "server.log") as running:
            yield running.url


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request: pytest.FixtureRequest, browser: object) -> Iterator[object]:  # noqa: F811
    # axe goes in as a script tag, which the site's CSP forbids: bypassed here, as in test_browser.py.
    context = browser.new_context(viewport={"width": request.param, "height": 900}, bypass_csp=True)  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()


def test_the_legend_sits_by_its_chart_with_each_swatch_by_its_label(page: object, layout_url: str) -> None:
    page.goto(layout_url + PAGE_KINDS["home"])  # type: ignore[attr-defined]
    shape = page.evaluate(CHART_GEOMETRY)  # type: ignore[attr-defined]
    chart, legend, entries = shape["chart"], shape["legend"], shape["entries"]
    assert shape["drawings"] == 1, "one drawing of the chart at a time"
    assert chart["left"] - 1 <= legend["left"] and legend["right"] <= chart["right"] + 1, (chart, legend)
    assert 0 <= legend["top"] - chart["bottom"] <= 48, (chart, legend)
    assert len(entries) == len(shape["lines"]) >= 3
    for entry in entries:
        swatch, label = entry["swatch"], entry["label"]
        assert 0 <= label["left"] - swatch["right"] <= 16, entry
        assert abs(label["middle"] - swatch["middle"]) <= 4, entry
    # The legend names the lines in their order, each in its line's colour and the colours all differ.
    assert [(e["kind"], e["colour"]) for e in entries] == [
        (line["kind"], line["colour"]) for line in shape["lines"]
    ]
    assert len({line["colour"] for line in shape["lines"]}) == len(shape["lines"])


@pytest.mark.parametrize("kind", ["home", "pct", "icb"])
def test_text_in_the_charts_reaches_the_screen_at_12px_or_more(
    page: object, layout_url: str, kind: str
) -> None:
    page.goto(layout_url + PAGE_KINDS[kind])  # type: ignore[attr-defined]
    sizes = page.evaluate(CHART_TEXT_SIZES)  # type: ignore[attr-defined]
    assert sizes, "no chart text drawn"
    small = [(text, round(size, 1)) for text, size in sizes if size < 12]
    assert small == [], small


@pytest.mark.parametrize(
    "kind", ["home", "pct", "icb", "person", "membership", "search", "sparql", "class", "ontology"]
)
def test_nothing_is_wider_than_a_phone(browser: object, layout_url: str, kind: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(layout_url + PAGE_KINDS[kind])
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(TOO_WIDE) == []
    # Dates in tables keep to one line (they used to break as "2006-" / "10-01").
    broken = page.evaluate(
        "() => [...document.querySelectorAll('td time')].filter((t) => t.getClientRects().length > 1"
        " || t.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(t).lineHeight || 24))"
        ".map((t) => t.textContent)"
    )
    assert broken == []
    context.close()


# Text cut by the left edge: partly on screen (a hidden label pushed off by a fixed offset, say).
CUT_ON_THE_LEFT = """() => [...document.querySelectorAll('body *')].filter((e) => {
  const r = e.getBoundingClientRect();
  return e.children.length === 0 && e.textContent.trim() && r.width > 1 && r.left < 0 && r.right > 0;
}).map((e) => e.tagName + ': ' + e.textContent.trim())"""


@pytest.mark.parametrize("width", [390, 1280])
def test_no_text_is_cut_by_the_left_edge(browser: object, layout_url: str, width: int) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
    page = context.new_page()
    for url in ("/", PAGE_KINDS["pct"], "/search?q=manchester"):
        page.goto(layout_url + url)
        page.wait_for_load_state("load")
        assert page.evaluate(CUT_ON_THE_LEFT) == [], url
    context.close()


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_no_critical_or_serious_accessibility_rule(page: object, layout_url: str, kind: str) -> None:
    page.goto(layout_url + PAGE_KINDS[kind])  # type: ignore[attr-defined]
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    if kind == "sparql":
        page.locator(".CodeMirror textarea[aria-label]").first.wait_for(state="attached")  # type: ignore[attr-defined]
    assert serious_violations(page) == []


def test_the_query_editor_stays_accessible_with_results_and_a_second_tab(
    page: object, layout_url: str
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[attr-defined]
    page.goto(layout_url + "/sparql")  # type: ignore[attr-defined]
    tabs = page.locator(".tabsList [role=tab]")  # type: ignore[attr-defined]
    tabs.first.wait_for()
    page.get_by_role("button", name="Add a new tab").click()  # type: ignore[attr-defined]
    assert tabs.count() == 2, "the add-tab button, moved out of the tablist, still adds a tab"
    page.locator("button.example").first.click()  # type: ignore[attr-defined]
    page.locator(".yasr table tbody tr").first.wait_for()  # type: ignore[attr-defined]
    assert tabs.count() == 3
    assert serious_violations(page) == []
    assert errors == []
