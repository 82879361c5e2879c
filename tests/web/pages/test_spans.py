"""What the pages say of the start and end of a fact (issue 18, point 3): the source's precision, "ended,
date unknown" rather than "open" for what is over, a stub marked "start unknown" for a fact with no start,
and nothing on an as-of day that had not begun by then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from service import iris
from service.config import Settings
from service.web.app import create_app
from service.web.pages.dated import Link, Relation
from service.web.pages.spans import CURRENT, END_UNKNOWN, end_of, is_open, partial_words, start_of
from service.web.pages.timeline import WIDE, timeline
from tests.pages_fixtures import fixture_store
from tests.web.pages.html_tree import Element, tree

KINDS = Path(__file__).parents[2] / "data" / "entity" / "kinds.ttl"
days = st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
partials = st.one_of(st.none(), st.sampled_from(["2011", "2011-04", "2011-12", "2011-13", "April"]))
statuses = st.sampled_from([None, CURRENT, END_UNKNOWN])


@pytest.fixture(scope="module")
def kinds_app() -> Iterator[Flask]:
    store = fixture_store()
    store.load_file(KINDS, iris.graph("kinds"))
    yield create_app(Settings(), store=store)


@pytest.fixture
def pages(kinds_app: Flask) -> FlaskClient:
    return kinds_app.test_client()


def html(pages: FlaskClient, url: str) -> Element:
    response = pages.get(url)
    assert response.status_code == 200, url
    return tree(response.get_data(as_text=True))


@given(days, partials, statuses)
def test_an_end_the_data_says_is_past_is_never_open(
    day: dt.date | None, partial: str | None, status: str | None
) -> None:
    end = end_of(day, partial, status)
    if status == END_UNKNOWN:
        assert "open" not in end.text and end.note
        assert not is_open(day, status)
    if day is None and status != END_UNKNOWN and not (partial and partial_words(partial)):
        assert end.text == "open" and end.iso is None
    if day is not None and not (partial and partial_words(partial)) and status != END_UNKNOWN:
        assert end.iso == day.isoformat() and end.note is None


@given(days, partials)
def test_a_start_is_a_day_a_year_or_month_or_unknown(day: dt.date | None, partial: str | None) -> None:
    start = start_of(day, partial)
    words = partial_words(partial) if partial else None
    if words:
        assert (start.text, start.iso, start.note) == (words, partial, "the day is not known")
    elif day is not None:
        assert (start.text, start.iso, start.note) == (day.isoformat(), day.isoformat(), None)
    else:
        assert (start.text, start.iso) == ("start unknown", None)


def test_partial_dates_read_as_words() -> None:
    assert partial_words("2011-04") == "April 2011"
    assert partial_words("2011") == "2011"
    assert partial_words("2011-13") is None and partial_words("11-04") is None


def test_an_undated_relation_is_a_marked_stub_ending_where_it_ends() -> None:
    undated = Relation("r1", "ClusterMembership", Link("a", "A"), Link("b", "B"), None, dt.date(2013, 3, 31))
    dated = Relation("r2", "ClusterMembership", Link("a", "A"), Link("c", "C"), dt.date(2011, 6, 1), None)
    chart = timeline("a", [undated, dated], dt.date(2006, 10, 1), None, dt.date(2026, 1, 1))
    assert chart is not None
    life, drawn_dated, stub = chart.bars
    assert [b.href_iri for b in chart.bars] == ["a", "c", "b"] and chart.omitted == 0
    assert stub.start_known is False and drawn_dated.start_known and life.start_known
    assert stub.x > life.x  # not drawn from the body's start ...
    assert stub.x > WIDE.label_width  # ... nor from the chart's left edge
    end_x = life.x + (dt.date(2013, 3, 31) - dt.date(2006, 10, 1)).days * (
        (drawn_dated.x - life.x) / (dt.date(2011, 6, 1) - dt.date(2006, 10, 1)).days
    )
    assert stub.x + stub.width == pytest.approx(end_x, abs=0.2)  # ... but ends where it ends
    assert "start unknown" in stub.detail


def test_the_page_marks_an_undated_fact_on_the_timeline(pages: FlaskClient) -> None:
    page = html(pages, "/doc/pct/5NT")
    svg = page.find("svg")
    stubs = [a for a in svg.all("a") if a.all("rect", cls="start-unknown")]
    assert [a.attrs["href"] for a in stubs] == ["/doc/pct-cluster/test-stub"]
    stub = stubs[0]
    assert stub.find("text", cls="start-unknown-marker").attrs["aria-label"] == "start unknown"
    assert "start unknown to 2012-03-31" in stub.find("title").text
    life = next(a for a in svg.all("a") if a.attrs["href"] == "/doc/pct/5NT")
    assert stub.find("rect").attrs["x"] != life.find("rect").attrs["x"]


def test_a_post_that_ended_on_an_unknown_day_says_so(pages: FlaskClient) -> None:
    posts = html(pages, "/doc/person/john-illustrative").section("h-posts")
    rows = {r.all("td")[0].text: r.all("td") for r in posts.all("tr") if r.all("td")}
    assert set(rows) == {"Chief executive, North West SHA (Q31)", "Director of testing, Manchester PCT"}
    chief = rows["Chief executive, North West SHA (Q31)"]
    assert chief[1].text == "North West Strategic Health Authority"
    assert chief[2].find("time").attrs["datetime"] == "2006-07-01"
    assert chief[3].find("time").attrs["datetime"] == "2011" and "the day is not known" in chief[3].text
    director = rows["Director of testing, Manchester PCT"]
    assert director[2].text == "March 2007 (the day is not known)"
    assert director[3].text == "ended, date unknown (no source gives the end)"
    assert all("open" not in cell.text for row in rows.values() for cell in row)


def test_the_as_of_view_shows_only_what_had_begun(pages: FlaskClient) -> None:
    before = html(pages, "/doc/icb/QOP?at=2023-01-01").section("h-units")
    assert before.find("li", cls="unit").find("a").text == "NHS Greater Manchester ICB - 14L"
    assert "Test later sub-ICB location" not in before.text  # begins 2024-04-01
    after = html(pages, "/doc/icb/QOP?at=2024-06-01").section("h-units")
    assert "Test later sub-ICB location" in after.text
    for day in ("2022-07-01", "2023-01-01", "2025-01-01"):
        units = html(pages, f"/doc/icb/QOP?at={day}").section("h-units")
        assert "Ailsa Craig Medical Centre" not in units.text  # a membership with no start
    asof = html(pages, "/doc/pct/5NT?at=2012-01-01").section("h-asof")
    assert "Test cluster of unknown start" not in asof.text
