"""Memento (RFC 7089, pattern 1.1): /id/ as its own TimeGate, /doc/...?at= as Mementos, /timemap/link/ as
TimeMaps; raw HTTP as a Memento client sends it, on the pages' fixture graph over every engine."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from service import iris
from service.store import OxigraphStore
from service.web.pages import memento
from service.web.pages.memento import http_date, memento_for, midnight, parse_http_date
from tests.web.pages.html_tree import tree
from tests.web.pages.link_format import parse, with_rel

ROOT = "http://localhost"
# What the fixture (tests/data/pages/manchester.ttl) says of Manchester PCT and when each changes its page:
MANCHESTER = [
    dt.date(2006, 10, 1),  # founded; the merger it resulted from; its accountability to Q31 starts
    dt.date(2008, 1, 1),  # Jane Example's post holding starts
    dt.date(2011, 10, 1),  # that holding ended on 2011-09-30; its PCT cluster membership starts
    dt.date(2013, 4, 1),  # dissolved 2013-03-31 (cluster, accountability end too); split into three CCGs
]
moments = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31), timezones=st.just(dt.UTC)
)


def asked(when: dt.datetime) -> str:
    return format_datetime(when, usegmt=True)


# --- the rules, as pure functions ----------------------------------------------------------------------


@given(moments)
def test_an_http_date_reads_back_as_the_moment_it_writes(when: dt.datetime) -> None:
    assert parse_http_date(asked(when)) == when.replace(microsecond=0)
    day = when.date()
    assert parse_http_date(http_date(day)) == midnight(day)


@pytest.mark.parametrize(
    "text",
    [
        "2011-01-01",  # ISO 8601, not an HTTP-date
        "Sat, 01 Jan 2011 12:00:00 +0000",  # RFC 5322 with a numeric zone: not IMF-fixdate
        "Saturday, 01-Jan-11 12:00:00 GMT",  # RFC 850: obsolete, and not RFC 7089's rfc1123-date
        "Sat Jan  1 12:00:00 2011",  # asctime
        "Sat, 31 Feb 2011 12:00:00 GMT",  # no such day
        "Sat, 01 Jan 2011 25:00:00 GMT",
        "",
    ],
)
def test_anything_but_an_imf_fixdate_is_refused(text: str) -> None:
    assert parse_http_date(text) is None


@given(st.lists(st.dates(), unique=True).map(sorted), moments)
def test_the_timegate_picks_the_latest_memento_on_or_before_the_moment(
    days: list[dt.date], when: dt.datetime
) -> None:
    chosen = memento_for(days, when)
    if not days:
        assert chosen is None
        return
    assert chosen in days
    earlier = [d for d in days if midnight(d) <= when]
    if earlier:
        assert midnight(chosen) <= when
        assert all(not (chosen < d and midnight(d) <= when) for d in days)  # none later is on or before
    else:
        assert chosen == days[0]  # before the first: the first


@given(st.lists(st.dates(), min_size=1, unique=True).map(sorted), st.data())
def test_the_timegate_names_first_last_and_the_neighbours(days: list[dt.date], data: st.DataObject) -> None:
    chosen = data.draw(st.sampled_from(days))
    links = parse(memento.timegate_links("o", "t", days, chosen, lambda d: d.isoformat()))
    rels = {target: params["rel"] for target, params in links}
    at = days.index(chosen)
    assert "memento" in rels[chosen.isoformat()]
    assert "first" in rels[days[0].isoformat()] and "last" in rels[days[-1].isoformat()]
    assert ("prev" in rels[days[at - 1].isoformat()]) if at else all("prev" not in r for r in rels.values())
    assert len(with_rel(links, "memento")) == len({chosen, days[0], days[-1], *days[max(at - 1, 0) : at + 2]})


# --- the TimeGate ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_datetime", "day"),
    [
        ("Sun, 01 Oct 2006 00:00:00 GMT", "2006-10-01"),  # on a change: that one
        ("Sat, 01 Jan 2011 12:00:00 GMT", "2008-01-01"),  # between changes: the one in force
        ("Fri, 30 Sep 2011 23:59:59 GMT", "2008-01-01"),  # the last second before the next
        ("Sat, 01 Oct 2011 00:00:00 GMT", "2011-10-01"),
        ("Fri, 01 Jan 2100 00:00:00 GMT", "2013-04-01"),  # after the last: the last
        ("Tue, 20 Mar 1990 20:35:00 GMT", "2006-10-01"),  # before it began: the first (see memento.py)
    ],
)
def test_accept_datetime_is_redirected_to_the_memento_in_force(
    client: FlaskClient, accept_datetime: str, day: str
) -> None:
    response = client.head("/id/pct/5NT", headers={"Accept-Datetime": accept_datetime})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{ROOT}/doc/pct/5NT?at={day}"
    assert "accept-datetime" in response.headers["Vary"].lower()
    assert "Memento-Datetime" not in response.headers  # a TimeGate's 302 is not a Memento (RFC 7089, 4.1.1)
    links = parse(response.headers["Link"])
    assert [t for t, _ in with_rel(links, "original")] == [f"{ROOT}/id/pct/5NT"]
    assert [t for t, _ in with_rel(links, "timegate")] == [f"{ROOT}/id/pct/5NT"]
    assert [t for t, _ in with_rel(links, "timemap")] == [f"{ROOT}/timemap/link/pct/5NT"]
    chosen = [p for t, p in with_rel(links, "memento") if t == response.headers["Location"]]
    assert chosen and chosen[0]["datetime"] == http_date(dt.date.fromisoformat(day))


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"), ("text/html", ""), ("*/*", "")],
)
def test_the_timegate_keeps_the_format_the_accept_header_chose(
    client: FlaskClient, accept: str, suffix: str
) -> None:
    headers = {"Accept": accept, "Accept-Datetime": "Sat, 01 Jan 2011 12:00:00 GMT"}
    response = client.get("/id/pct/5NT", headers=headers)
    assert response.headers["Location"] == f"{ROOT}/doc/pct/5NT{suffix}?at=2008-01-01"
    assert {v.strip().lower() for v in response.headers["Vary"].split(",")} == {"accept", "accept-datetime"}
    followed = client.get(response.headers["Location"], headers={"Accept": accept})
    assert followed.status_code == 200
    assert followed.headers["Memento-Datetime"] == "Tue, 01 Jan 2008 00:00:00 GMT"


def test_without_accept_datetime_the_thing_still_answers_303_and_names_its_timemap(
    client: FlaskClient,
) -> None:
    response = client.get("/id/pct/5NT", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/doc/pct/5NT.ttl"
    assert "accept-datetime" in response.headers["Vary"].lower()
    links = parse(response.headers["Link"])
    assert [t for t, p in with_rel(links, "timemap")] == [f"{ROOT}/timemap/link/pct/5NT"]
    assert with_rel(links, "timemap")[0][1]["type"] == "application/link-format"


@pytest.mark.parametrize(
    "value",
    ["2011-01-01", "yesterday", "Sat, 01 Jan 2011 12:00:00 +0000", "Sat, 31 Feb 2011 12:00:00 GMT", ""],
)
def test_a_bad_accept_datetime_is_a_400_that_says_what_is_wanted(client: FlaskClient, value: str) -> None:
    response = client.get("/id/pct/5NT", headers={"Accept-Datetime": value, "Accept": "text/plain"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Accept-Datetime must be an HTTP-date" in text and "Sun, 01 Oct 2006 00:00:00 GMT" in text


def test_a_thing_with_no_dated_fact_has_no_memento(client: FlaskClient) -> None:
    headers = {"Accept-Datetime": "Sat, 01 Jan 2011 12:00:00 GMT", "Accept": "application/json"}
    assert client.get("/id/source/ods-epcmem-2019-08", headers=headers).status_code == 404
    timemap = parse(client.get("/timemap/link/source/ods-epcmem-2019-08").get_data(as_text=True))
    assert with_rel(timemap, "original") and not with_rel(timemap, "memento")


def test_an_unknown_thing_is_a_404_for_the_timegate_and_the_timemap(client: FlaskClient) -> None:
    headers = {"Accept-Datetime": "Sat, 01 Jan 2011 12:00:00 GMT"}
    assert client.get("/id/pct/NOPE", headers=headers).status_code == 404
    assert client.get("/timemap/link/pct/NOPE").status_code == 404


# --- the TimeMap and the Mementos -------------------------------------------------------------------------


def test_the_timemap_lists_each_day_what_we_say_changes(client: FlaskClient) -> None:
    response = client.get("/timemap/link/pct/5NT")
    assert response.status_code == 200
    assert response.content_type == "application/link-format"
    links = parse(response.get_data(as_text=True))
    assert [t for t, _ in with_rel(links, "original")] == [f"{ROOT}/id/pct/5NT"]
    assert [t for t, _ in with_rel(links, "timegate")] == [f"{ROOT}/id/pct/5NT"]
    (self_link,) = with_rel(links, "self")
    assert self_link[0] == f"{ROOT}/timemap/link/pct/5NT"
    assert (self_link[1]["from"], self_link[1]["until"]) == (
        http_date(MANCHESTER[0]),
        http_date(MANCHESTER[-1]),
    )
    mementos = with_rel(links, "memento")
    assert [parse_qs(urlsplit(t).query)["at"] for t, _ in mementos] == [[d.isoformat()] for d in MANCHESTER]
    assert [p["datetime"] for _, p in mementos] == [http_date(d) for d in MANCHESTER]
    assert "first" in mementos[0][1]["rel"] and "last" in mementos[-1][1]["rel"]


def test_every_memento_listed_answers_with_its_datetime_and_its_original(client: FlaskClient) -> None:
    for target, params in with_rel(
        parse(client.get("/timemap/link/pct/5NT").get_data(as_text=True)), "memento"
    ):
        response = client.get(target)
        assert response.status_code == 200, target
        assert response.headers["Memento-Datetime"] == params["datetime"]
        assert "accept-datetime" not in response.headers.get("Vary", "").lower()
        links = parse(response.headers["Link"])
        assert [t for t, _ in with_rel(links, "original")] == [f"{ROOT}/id/pct/5NT"]
        assert [t for t, _ in with_rel(links, "timemap")] == [f"{ROOT}/timemap/link/pct/5NT"]
        day = parse_qs(urlsplit(target).query)["at"][0]
        assert response.headers["Content-Location"] == f"/doc/pct/5NT?at={day}"
        assert all(f"at={day}" in t for t, _ in with_rel(links, "alternate"))


def test_a_memento_page_shows_the_state_on_its_day(client: FlaskClient) -> None:
    def on(day: str) -> list[str]:
        page = tree(client.get(f"/doc/pct/5NT?at={day}").get_data(as_text=True))
        (section,) = page.all("section", cls="as-of-view")
        return [dd.text for dd in section.all("dd")]

    # Jane Example held the post from 2008-01-01 to 2011-09-30; the PCT joined its cluster on 2011-10-01.
    assert any("Jane Example" in d for d in on("2008-01-01"))
    assert not any("NHS Greater Manchester" in d for d in on("2008-01-01"))
    assert any("NHS Greater Manchester" in d for d in on("2011-10-01"))
    assert not any("Jane Example" in d for d in on("2011-10-01"))


def test_the_memento_headers_reach_a_script_on_another_origin(client: FlaskClient) -> None:
    response = client.get("/doc/pct/5NT?at=2008-01-01")
    assert "Memento-Datetime" in {
        h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")
    }
    preflight = client.options("/id/pct/5NT")
    assert "Accept-Datetime" in preflight.headers["Access-Control-Allow-Headers"]


ICB_GRAPH = """
@prefix org: <http://www.w3.org/ns/org#> . @prefix nhs: <https://w3id.org/nhs-commissioning/def#> .
@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/nhs-commissioning/id/> .
<icb/Q1> a nhs:IntegratedCareBoard ; schema:foundingDate "2022-07-01"^^xsd:date .
<loc/A> a nhs:SubICBLocation .
<loc/A/acc> a org:Membership, nhs:Accountability ; org:member <loc/A> ; org:organization <icb/Q1> ;
    schema:startDate "2022-07-01"^^xsd:date .
<practice/P1/m> a org:Membership, nhs:PracticeMembership ;
    org:member <practice/P1> ; org:organization <loc/A> ;
    schema:startDate "2023-01-01"^^xsd:date ; schema:endDate "2024-03-31"^^xsd:date .
"""


def test_an_icbs_mementos_include_its_locations_practices(tmp_path: Path) -> None:
    # The ICB's page lists the practices of its sub-ICB locations on the day: their changes are its own.
    (tmp_path / "icb.ttl").write_text(ICB_GRAPH, encoding="utf-8")
    store = OxigraphStore.in_memory()
    store.load_file(tmp_path / "icb.ttl", iris.graph("icb"))
    days = memento.change_days(store, iris.ID + "icb/Q1")
    assert days == [dt.date(2022, 7, 1), dt.date(2023, 1, 1), dt.date(2024, 4, 1)]
    assert memento.change_days(store, iris.ID + "loc/A") == [
        dt.date(2022, 7, 1),
        dt.date(2023, 1, 1),
        dt.date(2024, 4, 1),
    ]
