"""Long lists on entity pages (service/web/pages/paging.py): the "All statements" section of a body with 250
members shows them a page at a time, with rel=prev/next links, and its embedded JSON-LD says what the page
shows. The body is test data made up here (the fixture graph has nothing that long)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from rdflib import URIRef

from service.config import Settings
from service.store import OxigraphStore
from service.web.app import create_app
from service.web.pages.paging import STATEMENTS_PER_PAGE, page_of
from tests.sparql_fixtures import parse_rdf

MEMBERS = 250
BASE = "https://w3id.org/nhs-commissioning/id/"
BODY = BASE + "ccg/T00"
PAGE = "/doc/ccg/T00"
HAS_MEMBER = "http://www.w3.org/ns/org#hasMember"
LARGEST_PAGE_BYTES = 120_000  # page 1: 100 statements about it, and the embed of those


@given(items=st.lists(st.integers(), max_size=60), per_page=st.integers(1, 10))
def test_the_pages_of_a_list_are_the_list(items: list[int], per_page: int) -> None:
    first = page_of(items, 1, per_page)
    pages = [page_of(items, n, per_page) for n in range(1, first.pages + 1)]
    assert [i for p in pages for i in p.items] == items
    assert all(len(p.items) <= per_page and p.total == len(items) for p in pages)
    assert page_of(items, first.pages + 1, per_page).items == []


def body_turtle() -> str:
    lines = [
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        f'<{BODY}> a org:Organization ; rdfs:label "Test CCG"@en .',
    ]
    for n in range(MEMBERS):
        practice = f"{BASE}practice/T{n:03d}"
        lines.append(
            f'<{BODY}> org:hasMember <{practice}> . <{practice}> rdfs:label "Practice T{n:03d}"@en .'
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    data: Path = tmp_path_factory.mktemp("members") / "members.ttl"
    data.write_text(body_turtle(), encoding="utf-8")
    store = OxigraphStore.in_memory()
    store.load_file(data, BASE + "graph/test")
    return create_app(Settings(), store=store)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class StatementsSection(HTMLParser):
    """The rows of the "About it" table (property, value link), the pager's links, the embedded JSON-LD."""

    def __init__(self) -> None:
        super().__init__()
        self.members: list[str] = []
        self.rows = 0
        self.rel: dict[str, str] = {}
        self.jsonld = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("type") == "application/ld+json":
            self._in = "jsonld"
        elif tag == "table" and attributes.get("class") == "triples" and self._in is None:
            self._in = "about"
        elif tag == "tr" and self._in == "about":
            self.rows += 1
        elif tag == "a" and attributes.get("rel") in ("prev", "next"):
            self.rel[str(attributes["rel"])] = urljoin(PAGE, str(attributes["href"]))
        elif tag == "a" and self._in == "about" and "/doc/practice/" in str(attributes.get("href")):
            self.members.append(str(attributes["href"]))

    def handle_data(self, data: str) -> None:
        if self._in == "jsonld":
            self.jsonld += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in == "jsonld":
            self._in = None
        elif tag == "table" and self._in == "about":
            self._in = "done"  # the first table.triples only: "Pointing at it" follows


def section(client: FlaskClient, path: str) -> tuple[StatementsSection, int]:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    parsed = StatementsSection()
    parsed.feed(response.get_data(as_text=True))
    return parsed, len(response.data)


def test_a_long_list_of_statements_comes_in_pages(client: FlaskClient) -> None:
    pages = [section(client, PAGE + (f"?page={n}" if n > 1 else ""))[0] for n in (1, 2, 3)]
    statements = MEMBERS + 2  # its type and its label besides
    sizes = [p.rows - 1 for p in pages]  # the header's row aside
    assert sizes == [STATEMENTS_PER_PAGE, STATEMENTS_PER_PAGE, statements - 2 * STATEMENTS_PER_PAGE]
    every = [m for p in pages for m in p.members]
    assert len(set(every)) == MEMBERS == len(every)  # no overlap, none left out
    assert pages[0].rel == {"next": PAGE + "?page=2"}
    assert pages[1].rel == {"prev": PAGE + "?page=1", "next": PAGE + "?page=3"}
    assert pages[2].rel == {"prev": PAGE + "?page=2"}
    assert section(client, PAGE)[1] < LARGEST_PAGE_BYTES


def test_the_embedded_json_ld_is_the_page_shown(client: FlaskClient) -> None:
    for n in (1, 3):
        parsed, _ = section(client, f"{PAGE}?page={n}")
        graph = parse_rdf(parsed.jsonld.encode(), "json-ld")
        members = {str(o) for o in graph.objects(URIRef(BODY), URIRef(HAS_MEMBER))}
        assert members == {
            "https://w3id.org/nhs-commissioning/id" + m.removeprefix("/doc") for m in parsed.members
        }
