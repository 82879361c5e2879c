"""The query editor's completions in Chromium: they come from /terms.json (the classes and properties the
build counted), and the editor never asks the endpoint for every predicate or class in the store, a query
that runs past the time limit on the real data. Run with `pytest -m browser` (tests/e2e/test_browser.py)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Request

from service import iris
from tests.e2e.test_browser import base_url, browser  # noqa: F401 - the shared server and Chromium

pytestmark = pytest.mark.browser
NHS = iris.DEF


def sent_queries(requests: list[Request]) -> list[str]:
    """Every SPARQL query the page sent, from a GET's query string or a POST's form or body."""
    found = []
    for r in requests:
        if r.method == "POST" and r.post_data:
            form = parse_qs(r.post_data)
            found += form.get("query", [r.post_data])
        found += parse_qs(r.url.partition("?")[2]).get("query", [])
    return found


def test_the_editor_completes_from_the_terms_and_never_queries_for_them(
    browser: object,  # noqa: F811 - the fixture imported above
    base_url: str,  # noqa: F811
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    requests: list[Request] = []
    page.on("request", lambda r: requests.append(r))
    with page.expect_response(lambda r: r.url.endswith("/terms.json")) as answer:
        page.goto(base_url + "/sparql")
    terms = answer.value.json()
    ours = [p for p in terms["properties"] if p.startswith(NHS)]
    assert ours, "the fixture uses properties of our vocabulary"
    editor = page.locator(".tabPanel.active .CodeMirror")
    editor.evaluate(
        "(element, nhs) => { const cm = element.CodeMirror;"
        " cm.setValue(`PREFIX nhs: <${nhs}>\\nSELECT * WHERE { ?s nhs: }`);"
        " cm.focus(); cm.setCursor({line: 1, ch: 24}); }",
        NHS,
    )
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints")
    hints.wait_for()
    shown = hints.inner_text()
    assert any("nhs:" + p.removeprefix(NHS) in shown for p in ours), shown
    queries = sent_queries(requests)
    assert not [q for q in queries if "?t" in q and "DISTINCT" in q], queries
    context.close()
