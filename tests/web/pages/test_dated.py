"""A dated relation read from the pages' queries: its dates and, beside them, how much the sources give."""

from __future__ import annotations

import datetime as dt

from service import iris
from service.build.catalogue import query
from service.terms import IRI
from service.web.pages.dated import Link, Relation, day_of, relation_from_row
from service.web.pages.spans import CURRENT, END_UNKNOWN
from tests.pages_fixtures import fixture_store
from tests.web.pages.test_spans import KINDS

ID = iris.ID


def relations_of(name: str, query_name: str) -> dict[str, Relation]:
    store = fixture_store()
    store.load_file(KINDS, iris.graph("kinds"))
    rows = store.select(query(query_name), {"this": IRI(ID + name)})
    parties = (Link("m", "M"), Link("o", "O"))
    return {r["rel"].value.removeprefix(ID): relation_from_row(r, "PostHolding", *parties) for r in rows}


def test_a_post_holding_keeps_the_precision_and_the_end_status_of_its_source() -> None:
    found = relations_of("person/john-illustrative", "relations")
    chief = found["person/john-illustrative/holding/sha/Q31/post/chief-executive/unknown"]
    assert (chief.start, chief.end) == (dt.date(2006, 7, 1), dt.date(2011, 12, 31))
    assert (chief.approximate_end, chief.end_status, chief.open) == ("2011", END_UNKNOWN, False)
    assert (chief.ended.text, chief.ended.iso) == ("2011", "2011")
    director = found["person/john-illustrative/holding/pct/5NT/post/director-of-test/2007"]
    assert (director.approximate_start, director.end, director.open) == ("2007-03", None, False)
    assert director.began.text == "March 2007" and director.ended.text == "ended, date unknown"
    assert director.post == ID + "pct/5NT/post/director-of-test"


def test_a_current_membership_is_open_and_an_undated_one_is_on_no_day() -> None:
    found = relations_of("sub-icb-location/14L", "members")
    current = found["practice/P84004/membership/sub-icb-location/14L/2022-07-01"]
    assert (current.end_status, current.open, current.ended.text) == (CURRENT, True, "open")
    undated = found["practice/P84009/membership/sub-icb-location/14L/undated"]
    assert undated.start is None and undated.began.text == "start unknown"
    assert not any(undated.active_on(dt.date(y, 1, 1)) for y in range(1990, 2031))


def test_day_of_reads_a_date_or_nothing() -> None:
    store = fixture_store()
    row = store.select(query("relations"), {"this": IRI(ID + "pct/5NT")})[0]
    assert day_of(row, "start") is not None and day_of(row, "no-such-variable") is None
