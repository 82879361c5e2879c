"""The as-of rule: a fact holds on a day only from its start (a fact with no start never counts as begun) to
its end, a body exists only from its founding date; and what the entity pages say about what is not known."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from service import iris
from service.build.catalogue import Entry, holds_on
from service.config import Settings
from service.web.app import create_app
from service.web.pages.entity import Link, Relation
from service.web.pages.timeline import timeline
from tests.pages_fixtures import fixture_store

HISTORY = Path(__file__).parents[2] / "data" / "coverage" / "history.ttl"
ID = iris.ID
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@given(st.one_of(st.none(), dates), st.one_of(st.none(), dates), dates)
def test_a_fact_holds_only_between_its_start_and_its_end(
    start: dt.date | None, end: dt.date | None, day: dt.date
) -> None:
    expected = start is not None and start <= day and (end is None or day <= end)
    assert holds_on(start, end, day) == expected
    relation = Relation("r", "ClusterMembership", Link("a", "A"), Link("b", "B"), start, end)
    assert relation.active_on(day) == expected
    assert Entry("e", founded=start, dissolved=end).alive_on(day) == expected


def test_an_undated_relation_is_not_drawn_from_the_bodys_start() -> None:
    # Drawn as a stub marked "start unknown" where it ends (see test_spans.py), never from a start.
    undated = Relation("r1", "ClusterMembership", Link("a", "A"), Link("b", "B"), None, dt.date(2013, 3, 31))
    dated = Relation("r2", "ClusterMembership", Link("a", "A"), Link("c", "C"), dt.date(2011, 6, 1), None)
    chart = timeline("a", [undated, dated], dt.date(2006, 10, 1), None, dt.date(2026, 1, 1))
    assert chart is not None
    assert [(b.href_iri, b.start_known) for b in chart.bars] == [("a", True), ("c", True), ("b", False)]
    assert chart.bars[2].x > chart.bars[0].x
    assert chart.omitted == 0


@pytest.fixture(scope="module")
def history_app() -> Iterator[Flask]:
    store = fixture_store()
    store.load_file(HISTORY, iris.graph("history"))
    yield create_app(Settings(), store=store)


@pytest.fixture
def pages(history_app: Flask) -> FlaskClient:
    return history_app.test_client()


def as_of_section(html: str) -> str:
    found = re.search(r'<section aria-labelledby="h-asof".*?</section>', html, re.DOTALL)
    assert found is not None
    return found.group(0)


def test_an_undated_cluster_membership_shows_on_no_day(pages: FlaskClient) -> None:
    before = as_of_section(pages.get("/doc/pct/5NT?at=2005-01-01").get_data(as_text=True))
    assert "In cluster" not in before
    assert "no known start" in before
    during = as_of_section(pages.get("/doc/pct/5NT?at=2012-01-01").get_data(as_text=True))
    assert "In cluster" in during  # the dated membership of the Greater Manchester cluster
    assert "Test undated PCT cluster" not in during


def test_a_body_with_no_founding_date_is_counted_on_no_day(pages: FlaskClient) -> None:
    home = pages.get("/?at=2005-01-01").get_data(as_text=True)
    kinds = re.search(r'<ul class="kinds">.*?</ul>', home, re.DOTALL)
    assert kinds is None or "PCT Cluster" not in kinds.group(0)
    assert "no known founding date" in home
    listing = pages.get("/class/nhs:PCTCluster?at=2012-06-01").get_data(as_text=True)
    assert "Test undated PCT cluster" not in listing
    assert "Test undated PCT cluster" in pages.get("/class/nhs:PCTCluster").get_data(as_text=True)


def test_a_relation_with_no_start_says_so(pages: FlaskClient) -> None:
    html = pages.get("/doc/pct/5NT").get_data(as_text=True)
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Test undated PCT cluster.*?</tr>", html, re.DOTALL)
    assert row is not None and "start unknown" in row.group(0)


def test_a_body_no_source_names_says_so_with_its_gaps(pages: FlaskClient) -> None:
    html = pages.get("/doc/pct/5ZB").get_data(as_text=True)
    assert "No source found names this body" in html
    assert "No source consulted says which body Primary care trust 5ZB answered to" in html
    assert "2003-03-31" in html
    named = pages.get("/doc/pct/5ZA").get_data(as_text=True)
    assert "No source found names this body" not in named


def test_curators_notes_stay_out_of_the_html(pages: FlaskClient) -> None:
    for path in ("/doc/pct/5ZB", "/doc/pct/5ZB/gap/accountability-unknown/2002-04-01", "/coverage"):
        assert "CURATORS-NOTE" not in pages.get(path).get_data(as_text=True), path
    assert "CURATORS-NOTE-ON-THE-BODY" in pages.get("/doc/pct/5ZB.ttl").get_data(as_text=True)


def test_a_listing_of_relations_on_a_day_keeps_only_those_begun(pages: FlaskClient) -> None:
    on_day = pages.get("/class/nhs:ClusterMembership?at=2012-01-01").get_data(as_text=True)
    assert "/doc/pct/5NT/membership/pct-cluster/nhs-greater-manchester/2011-10-01" in on_day
    assert "/doc/pct/5NT/membership/pct-cluster/test-undated" not in on_day
    every_day = pages.get("/class/nhs:ClusterMembership").get_data(as_text=True)
    assert "/doc/pct/5NT/membership/pct-cluster/test-undated" in every_day


def test_a_body_with_no_founding_date_is_not_said_to_exist_on_a_day(pages: FlaskClient) -> None:
    before_end = as_of_section(
        pages.get("/doc/pct-cluster/test-undated?at=2012-01-01").get_data(as_text=True)
    )
    assert "No founding date is known" in before_end and "did not exist" not in before_end
    after_end = as_of_section(pages.get("/doc/pct-cluster/test-undated?at=2014-01-01").get_data(as_text=True))
    assert "did not exist on this day" in after_end
