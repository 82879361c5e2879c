"""Every table of a page as CSV (service/web/pages/tables.py): each table links `?format=csv&table=NAME`,
and that CSV parses with the csv module and holds the rows the HTML table shows (by the IRIs they link)."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import iris
from service.config import Settings
from service.web.app import create_app
from service.web.pages.tables import Table, to_csv
from tests.pages_fixtures import fixture_store


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(Settings(), store=fixture_store())


class Tables(HTMLParser):
    """Each <table>'s rows (the hrefs of each row's links) and the CSV link that follows it."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.csv_links: list[str] = []
        self._in_table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._in_table = True
            self.tables.append([])
        elif tag == "tr" and self._in_table:
            self.tables[-1].append([])
        elif tag == "a" and self._in_table and self.tables[-1]:
            self.tables[-1][-1].append(found.get("href") or "")
        elif tag == "a" and found.get("type") == "text/csv":
            self.csv_links.append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False


def parse(client: FlaskClient, url: str) -> Tables:
    tables = Tables()
    tables.feed(client.get(url).get_data(as_text=True))
    return tables


def linked_paths(row: list[str]) -> set[str]:
    return {urlsplit(h).path for h in row if h.startswith("/doc/")}


def csv_rows(client: FlaskClient, page: str, link: str) -> list[dict[str, str]]:
    response = client.get(urlsplit(page).path + link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def paths_of(row: dict[str, str]) -> set[str]:
    return {
        "/doc/" + v.removeprefix(iris.ID)
        for k, v in row.items()
        if k.endswith("_iri") and v.startswith(iris.ID)
    }


@pytest.mark.parametrize(
    "page",
    ["/doc/pct/5NT", "/doc/pct/5NT?at=2010-01-01", "/doc/person/jane-example", "/class/PrimaryCareTrust"],
)
def test_each_table_has_a_csv_of_its_rows(client: FlaskClient, page: str) -> None:
    tables = parse(client, page)
    assert tables.tables and len(tables.csv_links) == len(tables.tables)
    for rows, link in zip(tables.tables, tables.csv_links, strict=True):
        assert parse_qs(urlsplit(link).query)["format"] == ["csv"]
        body = [r for r in rows if r]  # the header row links nothing
        records = csv_rows(client, page, link)
        assert len(records) == len(body) > 0
        for html_row, record in zip(body, records, strict=True):
            # What the row links (entities; the triples table its properties too) is what the CSV names.
            assert linked_paths(html_row) <= paths_of(record) | {"/doc/pct/5NT"}


def test_the_csv_keeps_the_date_and_an_unknown_table_is_404(client: FlaskClient) -> None:
    dated = parse(client, "/doc/pct/5NT?at=2010-01-01").csv_links
    assert all(parse_qs(urlsplit(link).query)["at"] == ["2010-01-01"] for link in dated)
    assert client.get("/doc/pct/5NT?format=csv&table=nothing").status_code == 404


def test_cells_with_commas_quotes_and_newlines_survive() -> None:
    table = Table(("name", "note"), [("Bolton, Wigan", 'said "no"\r\nthen yes'), ("", "")])
    assert list(csv.reader(io.StringIO(to_csv(table), newline=""))) == [list(table.columns)] + [
        list(r) for r in table.rows
    ]
