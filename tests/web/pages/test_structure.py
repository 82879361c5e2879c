"""What an entity page says by kind (issue 18, points 2, 4 and 6): one kind and the other classes on request,
an event's date, bodies and law in the identity section, an ICB's sub-ICB locations and practices on a day,
a date control only where a date means something, and curators' notes only in the RDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef

from service import iris
from service.build import reasoning
from service.build.validation import check as validation
from service.build.validation import saved as saved_report
from service.config import Settings
from service.terms import Literal as TermLiteral
from service.web.app import create_app
from service.web.pages.structure import CHANGE_EVENT, board_day, event_detail, units_on
from tests.pages_fixtures import fixture_store
from tests.web.pages.html_tree import tree
from tests.web.pages.test_spans import KINDS, html, kinds_app, pages

__all__ = ["kinds_app", "pages"]  # the fixtures, shared with test_spans
ID = iris.ID
SHAPES = Path(__file__).parents[3] / "shapes"
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


def test_one_kind_is_shown_and_every_class_is_behind_a_control(pages: FlaskClient) -> None:
    page = html(pages, "/doc/icb/QOP")
    head = page.find("header", cls="entity-head")
    kind = head.find("p", cls="kind")
    assert [a.text for a in kind.all("a")] == ["Integrated Care Board"]
    assert "Organization" not in kind.text
    details = head.find("details", cls="all-types")
    assert details.find("summary").text == "All 6 classes"
    names = [code.text for code in details.all("code")]
    assert names[0] == "nhs:IntegratedCareBoard"
    assert {"org:Organization", "foaf:Organization", "schema:Organization"} <= set(names)
    assert len(names) == len(set(names)) == 6


def test_an_event_page_says_when_what_before_after_and_under_what_law(pages: FlaskClient) -> None:
    about = html(pages, "/doc/event/2013-04-01/manchester-ccgs-established").section("h-about")
    facts = dict(zip([dt_.text for dt_ in about.all("dt")], about.all("dd"), strict=True))
    assert facts["Date"].find("time").attrs["datetime"] == "2013-04-01"
    assert [a.text for a in facts["Bodies before"].all("a")] == ["Manchester Primary Care Trust"]
    assert [a.text for a in facts["Bodies after"].all("a")] == [
        "NHS Central Manchester CCG",
        "NHS North Manchester CCG",
        "NHS South Manchester CCG",
    ]
    assert [a.attrs["href"] for a in facts["Legal basis"].all("a")] == [
        "https://www.legislation.gov.uk/ukpga/2012/7"
    ]
    part = html(pages, "/doc/event/2006-10-01/pct-reorganisation").section("h-about")
    assert "303 PCTs merged into 152" in part.text and "Manchester PCT formed" in part.text


def test_event_detail_reads_an_approximate_date_and_is_none_for_other_things() -> None:
    month = TermLiteral("2011-04", datatype=iris.PREFIXES["xsd"] + "gYearMonth")
    statements = [(iris.DEF + "approximateDate", month)]
    detail = event_detail("e", {CHANGE_EVENT}, statements, lambda i: i)
    assert detail is not None and detail.date.text == "April 2011" and detail.before == []
    assert event_detail("e", {iris.DEF + "PrimaryCareTrust"}, statements, lambda i: i) is None


def test_an_icb_page_lists_its_sub_icb_locations_and_their_practices_on_a_day(pages: FlaskClient) -> None:
    units = html(pages, "/doc/icb/QOP?at=2023-01-01").section("h-units")
    assert units.find("h2").text == "Sub-ICB locations on 2023-01-01"
    unit = units.find("li", cls="unit")
    assert unit.find("a").text == "NHS Greater Manchester ICB - 14L"
    assert [a.text for a in unit.find("ul", cls="practices").all("a")] == [
        "Five Oaks Family Practice",
        "The Vallance Centre",
    ]
    later = html(pages, "/doc/icb/QOP?at=2023-06-01").section("h-units").find("ul", cls="practices")
    # The Vallance Centre left on 2023-03-31.
    assert [a.text for a in later.all("a")] == ["Five Oaks Family Practice"]


def test_without_a_date_an_open_board_is_shown_on_today() -> None:
    assert board_day(None, None, dt.date(2026, 1, 5)) == (dt.date(2026, 1, 5), False)
    assert board_day(None, dt.date(2026, 3, 31), dt.date(2027, 1, 1)) == (dt.date(2026, 3, 31), False)
    assert board_day(dt.date(2023, 1, 1), None, dt.date(2026, 1, 5)) == (dt.date(2023, 1, 1), True)
    store = fixture_store()
    store.load_file(KINDS, iris.graph("kinds"))
    found = units_on(store, ID + "icb/QOP", dt.date(2026, 1, 5), False, lambda i: i.rsplit("/", 1)[-1])
    assert [u.location.label for u in found.units] == ["14L", "TEST1"]
    assert found.practices == 1 and found.units[0].ended.note == "current at the latest source"


def test_a_date_control_only_where_a_date_means_something(pages: FlaskClient) -> None:
    for path in ("/doc/icb/QOP", "/doc/pct/5NT", "/doc/pct-cluster/nhs-greater-manchester"):
        assert html(pages, path).all("form", cls="as-of"), path
    for path in (
        "/doc/person/john-illustrative",
        "/doc/event/2013-04-01/manchester-ccgs-established",
        "/doc/source/ods-epcmem-2019-08",
        "/doc/pct/5NT/membership/pct-cluster/nhs-greater-manchester/2011-10-01",
    ):
        assert not html(pages, path).all("form", cls="as-of"), path


def test_curators_notes_and_their_inferred_copies_stay_in_the_rdf(pages: FlaskClient) -> None:
    holding = "person/john-illustrative/holding/sha/Q31/post/chief-executive/unknown"
    accountability = "sub-icb-location/14L/accountability/icb/QOP/2022-07-01"
    for path in (f"/doc/{holding}", "/doc/person/john-illustrative", f"/doc/{accountability}"):
        page = pages.get(path).get_data(as_text=True)
        assert "TEST-NOTE" not in tree(page).text, path
        assert "TEST-NOTE" not in page, path  # nor in the embedded JSON-LD
    graph = Graph().parse(data=pages.get(f"/doc/{holding}.ttl").get_data(as_text=True), format="turtle")
    subject = URIRef(ID + holding)
    notes = {str(o) for o in graph.objects(subject, SKOS.editorialNote)}
    assert notes == {"TEST-NOTE Left for elsewhere; the standard end is the last day of 2011."}
    assert (subject, SKOS.note, Literal(next(iter(notes)), lang="en")) in graph


def test_a_note_that_is_not_an_editorial_one_is_shown(pages: FlaskClient) -> None:
    # Only the copies of curators' notes are held back: a skos:note of its own is a statement like any other.
    page = html(pages, "/doc/sub-icb-location/TEST1")
    assert "A note for readers, not a curator's: shown on the page." in page.section("h-triples").text


def test_data_quality_reads_as_sentences_without_raw_literals(tmp_path: Path) -> None:
    store = fixture_store()
    store.load_file(KINDS, iris.graph("kinds"))
    reasoning.materialise(store, iris.graph("inferred"))
    saved_report.save_report(validation.validate(store, SHAPES), tmp_path)
    app = create_app(Settings(), store=store, manifest={"key": "truth-test"}, built=tmp_path)
    quality = html(app.test_client(), "/doc/icb/QOP").section("h-quality")
    item = next(li for li in quality.all("li") if "always accountable" in li.text)
    # The board has no accountability from its founding; the day is read out, never "none" or a typed literal.
    assert "is accountable to no one from 2022-07-01, and no known gap is stated" in item.text
    assert "^^" not in quality.text and "XMLSchema" not in quality.text and '"' not in quality.text
    assert "none" not in item.text
