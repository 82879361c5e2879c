"""A long class page in pages (service/web/pages/listings.py, /class/...): 250 memberships, more than the
fixture graph has of anything, made up here as test data and served by the app; each page read with a
parser."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.config import Settings
from service.store import OxigraphStore
from service.web.app import create_app
from service.web.pages.listings import PER_PAGE

MEMBERSHIPS = 250
LARGEST_PAGE_BYTES = 40_000  # a full page of 100 rows; the real /class/org:Membership page is ~35 KB
ORG = "http://www.w3.org/ns/org#"
BASE = "https://w3id.org/nhs-commissioning/id/"
CLASS_PAGE = "/class/org:Membership"  # what the pager's links are relative to


def membership_turtle() -> str:
    lines = ["@prefix org: <http://www.w3.org/ns/org#> .", "@prefix schema: <https://schema.org/> ."]
    lines += ["@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    for n in range(MEMBERSHIPS):
        start = dt.date(2000, 1, 1) + dt.timedelta(days=30 * n)
        lines.append(
            f"<{BASE}practice/T{n:03d}/membership/pct/T00/{start}> a org:Membership ;"
            f' rdfs:label "Practice T{(n * 7) % MEMBERSHIPS:03d} in a test PCT"@en ;'
            f' schema:startDate "{start}"^^<http://www.w3.org/2001/XMLSchema#date> .'
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    data = tmp_path_factory.mktemp("memberships") / "memberships.ttl"
    data.write_text(membership_turtle(), encoding="utf-8")
    store = OxigraphStore.in_memory()
    store.load_file(data, BASE + "graph/test")
    return store


@pytest.fixture(scope="module")
def app(store: OxigraphStore) -> Flask:
    return create_app(Settings(), store=store)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class ListingPage(HTMLParser):
    """The rows' links (in order) and the pager's rel=prev/next links of a class page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[str] = []
        self.rel: dict[str, str] = {}
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "tbody":
            self._in_body = True
        elif tag == "a" and attributes.get("rel") in ("prev", "next"):
            self.rel[str(attributes["rel"])] = urljoin(CLASS_PAGE, str(attributes["href"]))
        elif tag == "a" and self._in_body and attributes.get("href"):
            self.rows.append(str(attributes["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False


def listing(client: FlaskClient, path: str) -> tuple[ListingPage, bytes]:
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = ListingPage()
    parsed.feed(response.get_data(as_text=True))
    return parsed, response.data


def in_label_order(store: OxigraphStore) -> list[str]:
    rows = store.select(
        "SELECT ?s ?label WHERE { ?s a <http://www.w3.org/ns/org#Membership> ;"
        " <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    ordered = sorted(rows, key=lambda r: (r["label"].value.lower(), r["s"].value))
    return ["/doc/" + r["s"].value.removeprefix(BASE) for r in ordered]


def test_a_long_class_is_listed_in_pages_with_next_and_prev_links(
    client: FlaskClient, store: OxigraphStore
) -> None:
    first, body = listing(client, "/class/org:Membership")
    second, _ = listing(client, "/class/org:Membership?page=2")
    last, _ = listing(client, "/class/org:Membership?page=3")
    assert (len(first.rows), len(second.rows), len(last.rows)) == (
        PER_PAGE,
        PER_PAGE,
        MEMBERSHIPS - 2 * PER_PAGE,
    )
    assert not set(first.rows) & set(second.rows) and not set(second.rows) & set(last.rows)
    assert first.rows + second.rows + last.rows == in_label_order(store)
    assert first.rel == {"next": "/class/org:Membership?page=2"}
    assert second.rel == {"prev": "/class/org:Membership?page=1", "next": "/class/org:Membership?page=3"}
    assert last.rel == {"prev": "/class/org:Membership?page=2"}
    assert len(body) < LARGEST_PAGE_BYTES


def test_the_pages_of_a_day_hold_only_what_held_then(client: FlaskClient, store: OxigraphStore) -> None:
    day = dt.date(2010, 1, 1)
    begun = [p for p in in_label_order(store) if dt.date.fromisoformat(p.rsplit("/", 1)[1]) <= day]
    first, _ = listing(client, f"/class/org:Membership?at={day}")
    second, _ = listing(client, f"/class/org:Membership?at={day}&page=2")
    assert len(begun) > PER_PAGE and first.rows + second.rows == begun
    assert second.rel == {"prev": f"/class/org:Membership?at={day}&page=1"}


def test_a_page_beyond_the_last_is_empty_and_links_back(client: FlaskClient) -> None:
    beyond, _ = listing(client, "/class/org:Membership?page=4")
    assert beyond.rows == [] and "next" not in beyond.rel
