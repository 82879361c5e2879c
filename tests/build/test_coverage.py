"""How complete the history is: the data function on a fixture graph, the span arithmetic, `nhskg stats
--coverage`, and /coverage as HTML, JSON and Turtle, all from the same numbers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from service import iris
from service.build import coverage
from service.build.coverage import KINDS, covers
from service.cli import main
from service.config import Settings
from service.store import OxigraphStore
from service.web.app import create_app
from service.web.pages.coverage import to_json, to_text
from tests.pages_fixtures import fixture_store

HERE = Path(__file__).parents[1]
HISTORY = HERE / "data" / "coverage" / "history.ttl"
NHS = iris.DEF
ID = iris.ID
TODAY = dt.date(2026, 4, 2)


def history_store() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    store.load_file(HISTORY, iris.graph("history"))
    return store


@pytest.fixture(scope="module")
def view() -> coverage.Coverage:
    return coverage.coverage(history_store(), TODAY)


def row(view: coverage.Coverage, kind: str) -> coverage.KindRow:
    return next(r for r in view.rows if r.kind.iri == NHS + kind)


# --- the data function on the fixture graph -------------------------------------------------------------


def test_one_row_per_kind_in_a_stable_order(view: coverage.Coverage) -> None:
    assert [r.kind.iri for r in view.rows] == [k.iri for k in KINDS]
    assert len({k.iri for k in KINDS}) == len(KINDS)


def test_the_counts_of_each_column(view: coverage.Coverage) -> None:
    pcts = row(view, "PrimaryCareTrust")
    # 4 PCTs: 5ZB unnamed and unsourced, 5ZD undated, 5ZA accountable throughout, 5ZB with a stated gap.
    assert (pcts.present, pcts.named, pcts.dated, pcts.sourced) == (4, 3, 3, 3)
    assert (pcts.accountable, pcts.with_gaps) == (1, 1)


def test_an_accountability_with_no_start_covers_no_day(view: coverage.Coverage) -> None:
    store = history_store()
    held, _ = coverage._spans(store)
    assert ID + "pct/5ZC" not in held  # its only accountability has an end and no start
    assert ID + "pct/5ZA" in held


def test_a_practice_counts_its_parent_from_the_start_of_the_record(view: coverage.Coverage) -> None:
    practices = row(view, "GPPractice")
    # Founded in 1990 and current, a member of a commissioning body from 1 April 1996 (the record's start) on.
    assert (practices.present, practices.dated, practices.accountable) == (1, 1, 1)


def test_a_body_without_a_founding_date_is_not_dated(view: coverage.Coverage) -> None:
    clusters = row(view, "PCTCluster")
    assert (clusters.present, clusters.dated, clusters.accountable) == (1, 0, 0)


@pytest.mark.parametrize(
    ("kind", "dissolved", "current", "expected"),
    [
        ("IntegratedCareBoard", None, True, True),
        ("IntegratedCareBoard", None, False, False),  # no end, and the record does not call it current
        ("ClinicalCommissioningGroup", None, True, False),  # a kind that no longer exists has ended
        ("ClinicalCommissioningGroup", dt.date(2022, 6, 30), False, True),
    ],
)
def test_dated_means_an_end_or_current(
    kind: str, dissolved: dt.date | None, current: bool, expected: bool
) -> None:
    body = coverage._Body(founded=dt.date(2013, 4, 1), dissolved=dissolved, current=current)
    assert coverage.dated(body, next(k for k in KINDS if k.iri == NHS + kind)) == expected


def test_national_figures_only_with_the_graph_count_on_their_day(view: coverage.Coverage) -> None:
    (figure,) = row(view, "PrimaryCareTrust").figures  # the figure about one body is not a national count
    assert figure.iri == ID + "figure/test-pct-count-2002-04-01"
    assert (figure.value, figure.day, figure.sources) == (
        3,
        dt.date(2002, 4, 1),
        (ID + "source/test-register",),
    )
    assert figure.in_graph == 3  # 5ZA, 5ZB and 5ZC had begun; 5ZD has no founding date
    assert row(view, "CareTrust").figures == ()


def test_known_gaps_grouped_by_kind_with_their_description(view: coverage.Coverage) -> None:
    assert list(view.gaps) == ["accountability unknown"]
    (gap,) = view.gaps["accountability unknown"]
    assert gap.body == ID + "pct/5ZB"
    assert (gap.start, gap.end) == (dt.date(2002, 4, 1), dt.date(2003, 3, 31))
    assert gap.description.startswith("No source consulted says")


def test_bodies_no_source_names(view: coverage.Coverage) -> None:
    assert view.unnamed == {"Primary care trust": ((ID + "pct/5ZB", "Primary care trust 5ZB"),)}


def test_totals_add_up(view: coverage.Coverage) -> None:
    for name, _ in coverage.COLUMNS:
        assert view.totals[name] == sum(getattr(r, name) for r in view.rows)


def test_text_and_json_say_the_same(view: coverage.Coverage) -> None:
    data = to_json(view)
    assert data["date"] == TODAY.isoformat()
    by_kind = {k["kind"]: k for k in data["kinds"]}
    assert by_kind[NHS + "CareTrust"]["expected"] == "no published figure"
    assert by_kind[NHS + "PrimaryCareTrust"]["expected"][0]["in_graph_on_date"] == 3
    text = to_text(view)
    assert "no published figure" in text
    assert "accountability unknown: 1" in text


# --- the span arithmetic ----------------------------------------------------------------------------------

START = dt.date(2000, 1, 1)
days = st.integers(min_value=0, max_value=60).map(lambda n: START + dt.timedelta(days=n))
spans = st.lists(st.tuples(days, st.one_of(st.none(), days)), max_size=6)


@given(spans, days, days)
def test_covers_is_every_day_covered(found: list[coverage.Span], a: dt.date, b: dt.date) -> None:
    first, last = min(a, b), max(a, b)
    every_day = all(
        any(
            s <= first + dt.timedelta(days=i) and (e is None or e >= first + dt.timedelta(days=i))
            for s, e in found
        )
        for i in range((last - first).days + 1)
    )
    assert covers(found, first, last) == every_day


def test_parse_spans_keeps_open_ends_and_drops_undated_starts() -> None:
    assert coverage.parse_spans("2002-04-01/2003-03-31 2003-04-01/ /2004-01-01") == [
        (dt.date(2002, 4, 1), dt.date(2003, 3, 31)),
        (dt.date(2003, 4, 1), None),
    ]


# --- the command ------------------------------------------------------------------------------------------


def test_stats_coverage_without_a_store_exits_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--coverage"]) == 1
    assert "nhskg build" in capsys.readouterr().err


def test_stats_coverage_counts_what_the_store_holds(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build"]) == 0
    capsys.readouterr()
    assert main(["stats", "--coverage", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [k["kind"] for k in data["kinds"]] == [k.iri for k in KINDS]
    for kind in data["kinds"]:
        assert main(["query", f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ ?b a <{kind['kind']}> }}"]) == 0
        assert int(capsys.readouterr().out.split()[-1]) == kind["present"]
    assert main(["stats", "--coverage"]) == 0
    text = capsys.readouterr().out
    assert all(k.label in text for k in KINDS)


def test_stats_coverage_is_documented() -> None:
    for doc in (HERE.parent / "README.md", HERE.parent / "docs" / "data-quality.md"):
        assert "nhskg stats --coverage" in doc.read_text(encoding="utf-8")
        assert "/coverage" in doc.read_text(encoding="utf-8")


# --- the page ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def coverage_app() -> Iterator[Flask]:
    store = fixture_store()
    store.load_file(HISTORY, iris.graph("history"))
    yield create_app(Settings(), store=store)


@pytest.fixture
def pages(coverage_app: Flask) -> FlaskClient:
    return coverage_app.test_client()


class TableReader(HTMLParser):
    """The cells of the coverage table: kind IRI -> column name -> text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[str, dict[str, str]] = {}
        self.kind: str | None = None
        self.column: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("data-kind"):
            self.kind = found["data-kind"]
            self.cells[self.kind or ""] = {}
        elif tag == "td" and self.kind and found.get("data-column"):
            self.column = found["data-column"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.column = None
        elif tag == "tr":
            self.kind = None

    def handle_data(self, data: str) -> None:
        if self.kind and self.column:
            self.cells[self.kind][self.column] = self.cells[self.kind].get(self.column, "") + data.strip()


def test_the_page_shows_the_numbers_of_its_json(pages: FlaskClient) -> None:
    html, data = pages.get("/coverage"), pages.get("/coverage.json")
    assert html.status_code == data.status_code == 200
    reader = TableReader()
    reader.feed(html.get_data(as_text=True))
    kinds = data.get_json()["kinds"]
    assert set(reader.cells) == {k["kind"] for k in kinds}
    for kind in kinds:
        for name, _ in coverage.COLUMNS:
            assert int(reader.cells[kind["kind"]][name].replace(",", "")) == kind[name]
    assert "No source consulted says which body Primary care trust 5ZB" in html.get_data(as_text=True)


def test_the_page_negotiates_json_and_turtle(pages: FlaskClient) -> None:
    as_json = pages.get("/coverage", headers={"Accept": "application/json"})
    assert as_json.mimetype == "application/json" and "Accept" in as_json.headers["Vary"]
    turtle = pages.get("/coverage", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    assert pages.get("/coverage", headers={"Accept": "image/png"}).status_code == 406
    assert pages.get("/coverage.xml").status_code == 404


def test_the_turtle_reads_back_with_the_same_counts(pages: FlaskClient) -> None:
    graph = rdflib.Graph().parse(data=pages.get("/coverage.ttl").get_data(as_text=True), format="turtle")
    kinds = {k["kind"]: k for k in pages.get("/coverage.json").get_json()["kinds"]}
    void = rdflib.Namespace(iris.PREFIXES["void"])
    schema = rdflib.Namespace(iris.PREFIXES["schema"])
    partitions = list(graph.objects(None, void.classPartition))
    assert len(partitions) == len(kinds)
    for part in partitions:
        kind = kinds[str(graph.value(part, void["class"]))]
        assert int(str(graph.value(part, void.entities))) == kind["present"]
        values = {
            str(graph.value(v, schema.propertyID)): int(str(graph.value(v, schema.value)))
            for v in graph.objects(part, schema.additionalProperty)
        }
        assert values == {name: kind[name] for name, _ in coverage.COLUMNS[1:]}


def test_about_links_to_the_page(pages: FlaskClient) -> None:
    assert 'href="/coverage"' in pages.get("/about").get_data(as_text=True)
