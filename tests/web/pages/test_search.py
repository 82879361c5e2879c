"""/search and /search.json over the fixture graphs, read with an HTML parser and as JSON: the ranking,
the kinds with their counts, the alive filter, pages with rel=next/prev links, and misspellings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.config import Settings
from service.web.app import create_app
from service.web.pages.search import PER_PAGE, search_view
from service.web.pages.state import pages_state
from tests.search_fixtures import search_store

LINK = re.compile(r'<([^>]*)>\s*;\s*rel="([^"]*)"')


class SearchPage(HTMLParser):
    """The results (label, href) in order, the <link rel> of the head, the kinds' links and the heading."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.results: list[tuple[str, str]] = []
        self.head_links: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.heading = ""
        self.start = 1
        self._in: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") in ("next", "prev"):
            self.head_links[a["rel"] or ""] = a.get("href") or ""
        if tag == "ol" and "results" in (a.get("class") or ""):
            self._in.append("results")
            self.start = int(a.get("start") or 1)
        if tag == "nav" and "kinds" in (a.get("class") or ""):
            self._in.append("kinds")
        if tag in ("a", "h2"):
            self._href, self._text = a.get("href"), []

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text).split())
        if tag == "a" and self._href is not None and self._in:
            if self._in[-1] == "results":
                self.results.append((text, self._href))
            elif self._in[-1] == "kinds":
                self.kinds[text] = self._href
        if tag == "h2" and not self.heading:
            self.heading = text
        if tag in ("ol", "nav") and self._in:
            self._in.pop()
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield create_app(Settings(), store=search_store())


def search(client: FlaskClient, url: str) -> tuple[SearchPage, TestResponse]:
    response = client.get(url)
    assert response.status_code == 200, url
    return SearchPage(response.get_data(as_text=True)), response


def links(response: TestResponse) -> dict[str, str]:
    """The RFC 8288 Link header as rel -> target."""
    return {rel: target for target, rel in LINK.findall(response.headers.get("Link", ""))}


def test_the_icb_comes_first_and_the_practice_after_the_bodies(client: FlaskClient) -> None:
    page, _ = search(client, "/search?q=manchester")
    labels = [label for label, _ in page.results]
    assert page.heading == "17 results for “manchester”"
    assert labels[0] == "NHS Greater Manchester Integrated Care Board"
    assert page.results[0][1] == "/doc/icb/QOP"
    assert labels.index("Manchester Medical") > labels.index("NHS Greater Manchester ICB - 14L")


def test_kinds_are_offered_with_counts_and_filter(client: FlaskClient) -> None:
    page, _ = search(client, "/search?q=manchester")
    assert "Primary Care Trust (4)" in page.kinds and "GP Practice (1)" in page.kinds
    filtered, _ = search(client, page.kinds["Primary Care Trust (4)"])
    assert filtered.heading == "4 results for “manchester”, Primary Care Trust"
    assert {label for label, _ in filtered.results} == {
        "Manchester Primary Care Trust",
        "North Manchester Primary Care Trust",
        "South Manchester Primary Care Trust",
        "Central Manchester Primary Care Trust",
    }
    assert "Every kind" in filtered.kinds


def test_alive_filters_by_the_bodies_dates(client: FlaskClient) -> None:
    page, _ = search(client, "/search?q=manchester&alive=2013-04-01")
    assert {label for label, _ in page.results} == {
        "NHS Central Manchester CCG",
        "NHS North Manchester CCG",
        "NHS South Manchester CCG",
        "Manchester Medical",
    }
    assert page.heading.endswith(", alive on 2013-04-01")
    assert client.get("/search?q=manchester&alive=2013-13-01").status_code == 400
    hits = client.get("/search.json?q=manchester&alive=2025-01-01").get_json()
    assert [h["href"] for h in hits] == ["/doc/icb/QOP", "/doc/sub-icb-location/14L"]


def test_page_two_follows_page_one_with_next_and_prev_links(client: FlaskClient) -> None:
    first, first_response = search(client, "/search?q=manchester&limit=5")
    assert links(first_response) == {"next": "/search?q=manchester&limit=5&page=2"}
    assert first.head_links == {"next": "?q=manchester&limit=5&page=2"}
    second, second_response = search(client, first.head_links["next"].replace("?", "/search?"))
    assert second.start == 6 and len(second.results) == 5
    assert not set(first.results) & set(second.results)
    assert links(second_response) == {
        "prev": "/search?q=manchester&limit=5&page=1",
        "next": "/search?q=manchester&limit=5&page=3",
    }
    pages = [search(client, f"/search?q=manchester&limit=5&page={n}") for n in range(1, 5)]
    every = [r for page, _ in pages for r in page.results]
    whole, _ = search(client, "/search?q=manchester&limit=50")
    assert every == whole.results and len(every) == 17
    assert "next" not in links(pages[-1][1]) and "next" not in pages[-1][0].head_links


def test_the_json_keeps_its_fields_and_pages_too(client: FlaskClient) -> None:
    response = client.get("/search.json?q=manchester&limit=5&page=2")
    hits = response.get_json()
    assert len(hits) == 5
    assert {"iri", "label", "matched", "codes", "kind", "href"} <= set(hits[0])
    assert links(response)["next"] == "/search.json?q=manchester&limit=5&page=3"
    first = client.get("/search.json?q=manchester&limit=5").get_json()
    assert not {h["iri"] for h in first} & {h["iri"] for h in hits}
    pcts = client.get("/search.json?q=manchester&kind=nhs:PrimaryCareTrust&limit=50").get_json()
    assert len(pcts) == 4 and {h["kind"] for h in pcts} == {"Primary Care Trust"}


def test_a_one_letter_typo_finds_the_body(client: FlaskClient) -> None:
    hits = client.get("/search.json?q=manchster").get_json()
    assert hits[0]["label"] == "NHS Greater Manchester Integrated Care Board"
    page, _ = search(client, "/search?q=Mancester+ccg")
    assert [label for label, _ in page.results][:1] == ["NHS Manchester CCG"]


def test_a_page_past_the_end_says_so(client: FlaskClient) -> None:
    response = client.get("/search?q=manchester&page=9")
    assert response.status_code == 200
    assert links(response) == {"prev": "/search?q=manchester&page=1"}
    assert "the last page" in response.get_data(as_text=True)
    assert client.get("/search?q=manchester&page=0").status_code == 400


def test_the_view_is_one_function_for_both(app: Flask) -> None:
    with app.test_request_context("/search?q=manchester"):
        view = search_view(pages_state().search, pages_state().vocabulary, "manchester", page=2, per_page=5)
    assert (view.total, view.pages, view.first, view.previous_page, view.next_page) == (17, 4, 6, 1, 3)
    assert len(view.hits) == 5 and PER_PAGE == 20
