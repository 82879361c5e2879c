"""The lineage drawing: the layout on hand-made successions, the cut-off, and the served SVG (every body a
link to its page, every arrow a succession the page's RDF states)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from service import iris
from service.config import Settings
from service.web.app import create_app
from service.web.pages.lineage import (
    GAP,
    HOPS,
    MAX_BODIES,
    Beyond,
    Body,
    Change,
    Lineage,
    Succession,
    cut,
    lay_out,
)
from tests.pages_fixtures import fixture_store

TODAY = dt.date(2026, 12, 4)
D = dt.date
ID, NHS = iris.ID, iris.DEF


def lineage(bodies: list[Body], successions: list[Succession], focus: str | None = None) -> Lineage:
    return Lineage(focus or bodies[0].iri, {b.iri: b for b in bodies}, successions, Beyond(), Beyond())


def merger(originals: list[str], result: str, day: dt.date | None) -> list[Succession]:
    change = (Change("event/m", "A merger", day),)
    return [Succession(a, result, change) for a in originals]


# --- the layout on hand-made inputs -----------------------------------------------------------------


def test_boxes_run_left_to_right_in_date_order_and_span_their_dates() -> None:
    bodies = [
        Body("c", "Third", D(2013, 4, 1), D(2022, 6, 30)),
        Body("a", "First", D(1999, 4, 1), D(2006, 9, 30)),
        Body("b", "Second", D(2006, 10, 1), D(2013, 3, 31)),
    ]
    successions = [
        Succession("a", "b", (Change("e1", "one", D(2006, 10, 1)),)),
        Succession("b", "c", (Change("e2", "two", D(2013, 4, 1)),)),
    ]
    drawing = lay_out(lineage(bodies, successions, "b"), TODAY)
    assert drawing is not None
    box = {b.iri: b for b in drawing.boxes}
    assert box["a"].x < box["b"].x < box["c"].x
    # a box spans its dates: the second (6.5 years) is shorter than the third (9.25 years)
    assert box["b"].width < box["c"].width
    assert box["a"].x + box["a"].width <= box["b"].x + 1 and box["b"].x + box["b"].width <= box["c"].x + 1
    assert [b.iri for b in drawing.boxes if b.focus] == ["b"]
    assert (box["a"].years, box["c"].years) == ("1999–2006", "2013–2022")
    # the year ticks ascend with x
    assert [t.label for t in sorted(drawing.ticks, key=lambda t: t.x)] == sorted(
        t.label for t in drawing.ticks
    )


def test_a_merger_of_three_into_one_is_three_arrows_meeting_at_the_event_date() -> None:
    day = D(2006, 10, 1)
    bodies = [Body(x, x.upper(), D(2000, 4, 1), D(2006, 9, 30)) for x in ("a", "b", "c")]
    bodies.append(Body("m", "Merged", day, None))
    drawing = lay_out(lineage(bodies, merger(["a", "b", "c"], "m", day), "m"), TODAY)
    assert drawing is not None
    assert sorted((a.original, a.result) for a in drawing.arrows) == [("a", "m"), ("b", "m"), ("c", "m")]
    ends = {a.path.rsplit(" ", 1)[1] for a in drawing.arrows}
    assert len(ends) == 1  # all three end at one point of the merged body's bar...
    merged = next(b for b in drawing.boxes if b.iri == "m")
    end_x = float(ends.pop().split(",")[0])
    assert end_x == merged.x  # ...its start, which is the event's date
    assert all(a.event == "event/m" and a.dated and "2006-10-01" in a.title for a in drawing.arrows)


def test_a_split_of_one_into_three_is_three_arrows_from_one_point() -> None:
    day = D(2013, 4, 1)
    bodies = [Body("p", "Parent", D(2006, 10, 1), D(2013, 3, 31))]
    bodies += [Body(x, x.upper(), day, D(2017, 3, 31)) for x in ("x", "y", "z")]
    change = (Change("event/s", "A split", day),)
    drawing = lay_out(lineage(bodies, [Succession("p", r, change) for r in "xyz"]), TODAY)
    assert drawing is not None
    assert len(drawing.arrows) == 3
    assert len({a.path.split(" ")[0] for a in drawing.arrows}) == 1


def test_unknown_dates_stay_unknown() -> None:
    bodies = [
        Body("stp", "An STP", None, D(2022, 6, 30)),
        Body("icb", "An ICB", D(2022, 7, 1), None),
        Body("old", "Undated", None, None),
    ]
    successions = [
        Succession("stp", "icb", (Change("e", "ICB established", D(2022, 7, 1)),)),
        Succession("old", "stp", (Change("f", "An undated change", None),)),
    ]
    drawing = lay_out(lineage(bodies, successions, "stp"), TODAY)
    assert drawing is not None
    box = {b.iri: b for b in drawing.boxes}
    assert not box["stp"].start_known and box["stp"].fade == "start"
    assert box["stp"].years == "start unknown, to 2022"
    assert "founding date unknown; dissolved 2022-06-30" in box["stp"].title
    # not dissolved and no successor: open, and said to be so, never given an end date
    assert box["icb"].end == "open" and box["icb"].fade == "end" and box["icb"].years == "from 2022"
    assert "not dissolved, or not known" in box["icb"].title
    assert box["old"].fade == "both" and box["old"].years == "dates unknown"
    assert "founding date unknown; end unknown" in box["old"].title
    undated = next(a for a in drawing.arrows if a.original == "old")
    assert not undated.dated and "date unknown" in undated.title
    assert all(str(y) not in box["old"].title for y in range(1990, 2031))


def test_nothing_is_drawn_without_a_succession() -> None:
    assert lay_out(lineage([Body("a", "Alone", D(2000, 1, 1), None)], []), TODAY) is None


days = st.one_of(st.none(), st.dates(min_value=D(1996, 1, 1), max_value=D(2026, 12, 31)))


@st.composite
def successions_at_random(draw: st.DrawFn) -> Lineage:
    n = draw(st.integers(min_value=2, max_value=14))
    bodies = []
    for i in range(n):
        start, end = draw(days), draw(days)
        if start and end and end < start:
            start, end = end, start
        label = draw(st.text(alphabet="ABC PCT-", min_size=1, max_size=60))
        bodies.append(Body(f"b{i}", label, start, end))
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=20))
    successions = [
        Succession(f"b{a}", f"b{b}", (Change(f"e{a}", "a change", draw(days)),)) for a, b in pairs if a != b
    ]
    return lineage(bodies, successions or [Succession("b0", "b1")])


@given(successions_at_random())
def test_no_two_boxes_overlap_and_all_lie_within_the_drawing(drawn: Lineage) -> None:
    drawing = lay_out(drawn, TODAY)
    assert drawing is not None
    assert len(drawing.boxes) == len(drawn.bodies)
    for one in drawing.boxes:
        assert 0 <= one.x and one.extent <= drawing.width and one.y + 44 <= drawing.height
        for other in drawing.boxes:
            if one is not other and one.y == other.y:
                first, second = sorted((one, other), key=lambda b: b.x)
                assert first.extent + GAP <= second.x
    assert len(drawing.arrows) == len(drawn.successions)


@given(successions_at_random())
def test_of_two_bodies_with_known_founding_dates_the_earlier_is_further_left(drawn: Lineage) -> None:
    drawing = lay_out(drawn, TODAY)
    assert drawing is not None
    founded = {b.iri: b.founded for b in drawn.bodies.values()}
    dated = [b for b in drawing.boxes if founded[b.iri] is not None]
    for one in dated:
        for other in dated:
            if founded[one.iri] < founded[other.iri]:  # type: ignore[operator]
                assert one.x <= other.x


# --- the cut-off ------------------------------------------------------------------------------------


def test_a_long_line_is_cut_after_hops_each_way_and_says_what_lies_beyond() -> None:
    chain = [f"n{i}" for i in range(10)]
    pairs = list(zip(chain, chain[1:], strict=False))
    drawn, earlier, later = cut("n4", pairs)
    assert drawn == {f"n{i}" for i in range(4 - HOPS, 4 + HOPS + 1)}
    assert earlier == (4 - HOPS, [f"n{4 - HOPS}"])
    assert later == (9 - 4 - HOPS, [f"n{4 + HOPS}"])


def test_the_other_parties_of_an_event_on_the_line_are_drawn() -> None:
    # the focus merged with two others into m; m was then split in two
    pairs = [("focus", "m"), ("x", "m"), ("y", "m"), ("m", "s1"), ("m", "s2")]
    drawn, earlier, later = cut("focus", pairs)
    assert drawn == {"focus", "m", "x", "y", "s1", "s2"}
    assert earlier == later == (0, [])


def test_fewer_hops_are_drawn_when_the_line_fans_out() -> None:
    # each body came from 8 others: 8, 64, 512 bodies at one, two, three hops back
    pairs, layer = [], ["root"]
    for _ in range(3):
        following = [f"{x}.{i}" for x in layer for i in range(8)]
        pairs += [(child, child.rsplit(".", 1)[0]) for child in following]
        layer = following
    drawn, earlier, _ = cut("root", pairs)
    assert len(drawn) <= MAX_BODIES
    assert drawn == {"root", *(f"root.{i}" for i in range(8))}
    assert earlier[0] == 64 + 512 and len(earlier[1]) == 8


# --- the served page --------------------------------------------------------------------------------


class Svg(HTMLParser):
    """The lineage figure's links: (href, class) of each <a>, the texts of its <title> and <desc>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.inside, self.links, self.titles, self.svgs = False, [], [], 0
        self._title: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "figure" and a.get("class") == "lineage":
            self.inside = True
        elif self.inside and tag == "svg":
            self.svgs += 1
        elif self.inside and tag == "a":
            self.links.append((a.get("href") or "", a.get("class") or ""))
        elif self.inside and tag in ("title", "desc"):
            self._title = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self.inside = False
        elif tag in ("title", "desc") and self._title is not None:
            self.titles.append("".join(self._title))
            self._title = None

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield create_app(Settings(), store=fixture_store())


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


MANCHESTER = ["pct/5AA", "pct/5CL", "pct/5CR", "pct/5NT", "ccg/00W", "ccg/01M", "ccg/01N", "ccg/14L"]


@pytest.mark.parametrize("prefix", ["", "/kg"])
def test_the_page_draws_every_body_as_a_link_to_its_page(client: FlaskClient, prefix: str) -> None:
    response = client.get("/doc/ccg/00W", base_url=f"http://localhost{prefix}")
    assert response.status_code == 200
    svg = Svg(response.get_data(as_text=True))
    assert svg.svgs == 1
    bodies = [href for href, css in svg.links if css.startswith("body")]
    assert sorted(bodies) == sorted(f"{prefix}/doc/{path}" for path in MANCHESTER)
    assert (f"{prefix}/doc/ccg/00W", "body focus") in svg.links
    events = sorted({href for href, css in svg.links if css == "succession"})
    assert events == [
        f"{prefix}/doc/event/2006-10-01/manchester-pct-established",
        f"{prefix}/doc/event/2013-04-01/manchester-ccgs-established",
        f"{prefix}/doc/event/2017-04-01/ccg-14l-established",
    ]
    # 3 into 5NT, 3 out of it, 3 into 14L: one arrow per pair
    assert sum(1 for _, css in svg.links if css == "succession") == 9
    assert "NHS Central Manchester CCG: founded 2013-04-01; dissolved 2017-03-31" in svg.titles
    assert not any(css.startswith("body") and not href for href, css in svg.links)


def test_the_arrows_at_the_body_are_successions_its_rdf_states(client: FlaskClient) -> None:
    html = client.get("/doc/pct/5NT").get_data(as_text=True)
    turtle = client.get("/doc/pct/5NT.ttl").get_data()
    graph = ox.Store()
    graph.load(turtle, ox.RdfFormat.TURTLE)
    stated = {
        (row["a"].value, row["b"].value)
        for row in graph.query(
            f"SELECT ?a ?b WHERE {{ {{ ?b <{NHS}succeeds> ?a }} UNION {{ ?a <{NHS}succeededBy> ?b }} }}"
        )
    }
    this = ID + "pct/5NT"
    assert stated == {(ID + p, this) for p in ("pct/5AA", "pct/5CL", "pct/5CR")} | {
        (this, ID + c) for c in ("ccg/00W", "ccg/01M", "ccg/01N")
    }
    titles = Svg(html).titles
    for a, b in stated:
        assert f"{LABELS[a[len(ID) :]]} to {LABELS[b[len(ID) :]]}" in titles, (a, b)


LABELS = {  # the fixture's labels (tests/data/pages/manchester.ttl)
    "pct/5AA": "South Manchester Primary Care Trust",
    "pct/5CL": "Central Manchester Primary Care Trust",
    "pct/5CR": "North Manchester Primary Care Trust",
    "pct/5NT": "Manchester Primary Care Trust",
    "ccg/00W": "NHS Central Manchester CCG",
    "ccg/01M": "NHS North Manchester CCG",
    "ccg/01N": "NHS South Manchester CCG",
}


def test_a_body_with_no_succession_has_no_lineage_section(client: FlaskClient) -> None:
    html = client.get("/doc/sha/Q31").get_data(as_text=True)
    assert 'id="h-lineage"' not in html and Svg(html).svgs == 0
