"""Post holdings: the dates of data/curated/post_holdings.csv and what People.hold makes of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import iris
from service.ingest.curated_people import People
from service.ingest.holding_dates import FILE, HoldingDates, check
from service.ingest.local_curated import read
from service.ingest.model import Caveat
from service.ingest.turtle import Lit
from service.store import OxigraphStore
from tests.ingest.stores import select

REPO = Path(__file__).resolve().parents[2]
NHS = iris.DEF
SCHEMA = iris.PREFIXES["schema"]
DH = iris.org("department", "department-of-health")
ROLE_POSTS = "nhs:chiefExecutive nhs:accountableOfficer nhs:chair nhs:secretaryOfState"


def row(**cells: str) -> dict[str, str]:
    base = {"holding": "person/x/holding/y/post/chair/unknown", "start": "", "end": "", "same_as": ""}
    return base | {"start_date": "2006-10-01", "end_date": "2013-03-31"} | cells


@pytest.mark.parametrize(
    "cells",
    [
        {"start_date": "2006-10"},  # a standard date must be a day
        {"end_date": "2006-09-30"},  # ends before it starts
        {"start": "2007", "start_date": "2006-10-01"},  # outside the year the sources give
        {"end": "2012-05", "end_date": "2012-06-01"},  # after the month the sources give
        {"end": "2012", "end_date": ""},  # a source gives an end, so it may not read as open
        {"same_as": "person/x/holding/y/post/chair/2006-10-01"},  # a merged mention takes no dates
    ],
)
def test_a_contradictory_row_is_an_error(cells: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        check(row(**cells))


def test_a_consistent_row_passes() -> None:
    check(row(start="2006", end="2013-04-01", end_date="2013-03-31"))  # ends the day before the next began
    check(row(same_as="person/x/holding/y/post/chair/2006-10-01", start_date="", end_date=""))


def _people(dates: dict[str, HoldingDates]) -> People:
    return People({DH: "Department of Health"}, dates=dates)


def _values(people: People, node: str, prop: str) -> set[str]:
    return {o.value if isinstance(o, Lit) else o for o in people.triples.predicates(node).get(prop, set())}


def test_researched_dates_replace_the_partial_ones() -> None:
    key = iris.person("A Person") + "/holding/department/department-of-health/post/secretary-of-state/2005-05"
    dated = HoldingDates("2005-05-06", "2007-06-27", "2005", "2007", Caveat("Medium"), ("src",))
    people = _people({key: dated})
    node = people.hold("A Person", DH, "Secretary of State for Health", ("2005-05", ""), ["file"])
    assert node == key  # the IRI keeps the start its source gave
    assert _values(people, key, SCHEMA + "startDate") == {"2005-05-06"}
    assert _values(people, key, SCHEMA + "endDate") == {"2007-06-27"}
    assert _values(people, key, NHS + "approximateEnd") == {"2007"}
    assert _values(people, key, NHS + "endStatus") == {NHS + "EndUnknown"}  # the sources give no last day
    assert _values(people, key, iris.PREFIXES["prov"] + "wasDerivedFrom") == {"file", "src"}


def test_an_undated_end_reads_as_current_only_when_the_row_says_so() -> None:
    key = (
        iris.person("B Person")
        + "/holding/department/department-of-health/post/secretary-of-state/2024-07-05"
    )
    people = _people({key: HoldingDates("2024-07-05", None, "2024-07-05", "", None, ())})
    people.hold("B Person", DH, "Secretary of State for Health", ("2024-07-05", ""), [])
    assert _values(people, key, SCHEMA + "endDate") == set()
    assert _values(people, key, NHS + "endStatus") == {NHS + "Current"}
    other = _people({})
    node = other.hold("C Person", DH, "Secretary of State for Health", ("2024-07-05", ""), [])
    assert node is not None
    assert _values(other, node, NHS + "endStatus") == {NHS + "EndUnknown"}


def test_a_mention_marked_same_as_adds_only_its_sources() -> None:
    base = iris.person("D Person") + "/holding/department/department-of-health/post/secretary-of-state/"
    merged = HoldingDates("", None, "", "", None, ("page",), same_as=base + "unknown")
    people = _people({base + "2008-10": merged})
    assert (
        people.hold("D Person", DH, "Secretary of State for Health", ("2008-10", ""), ["f"])
        == base + "unknown"
    )
    assert (base + "2008-10") not in people.triples.subjects()
    assert _values(people, base + "unknown", iris.PREFIXES["prov"] + "wasDerivedFrom") == {"f", "page"}


def test_every_row_of_the_file_is_consistent() -> None:
    rows = read(FILE)
    for each in rows:
        check(each)
    assert len({r["holding"] for r in rows}) == len(rows)


@pytest.fixture(scope="module")
def committed() -> OxigraphStore:
    """The committed Turtle of every converter that makes post holdings."""
    store = OxigraphStore.in_memory()
    for stem in ("curated-people", "seeds"):
        path = REPO / "data" / "ttl" / f"{stem}.ttl"
        store.load_file(path, iris.graph(stem))
    return store


def test_every_holding_has_a_start_and_only_current_ones_lack_an_end(committed: OxigraphStore) -> None:
    undated = select(
        committed,
        """SELECT ?h WHERE { ?h a nhs:PostHolding
        FILTER (NOT EXISTS { ?h schema:startDate ?s }
            || (NOT EXISTS { ?h schema:endDate ?e } && NOT EXISTS { ?h nhs:endStatus nhs:Current })
            || (EXISTS { ?h schema:endDate ?e2 } && EXISTS { ?h nhs:endStatus nhs:Current })) }""",
    )
    assert undated == []
    assert select(committed, "SELECT ?h WHERE { ?h a nhs:PostHolding }")  # the file is not empty


def test_no_single_holder_post_has_two_holders_on_one_day(committed: OxigraphStore) -> None:
    far = '"9999-12-31"^^xsd:date'
    rows = select(
        committed,
        f"""SELECT ?a ?b WHERE {{
        ?a a nhs:PostHolding ; nhs:post ?post ; org:role ?role ; schema:startDate ?as .
        ?b a nhs:PostHolding ; nhs:post ?post ; schema:startDate ?bs .
        VALUES ?role {{ {ROLE_POSTS} }}
        FILTER (STR(?a) < STR(?b))
        OPTIONAL {{ ?a schema:endDate ?ae }} OPTIONAL {{ ?b schema:endDate ?be }}
        FILTER (?as <= COALESCE(?be, {far}) && ?bs <= COALESCE(?ae, {far})) }}""",
    )
    assert rows == []


@pytest.mark.parametrize("day", ["1998-01-01", "2005-05-06", "2011-02-08", "2018-07-09", "2022-10-25"])
def test_one_secretary_of_state_on_a_day(committed: OxigraphStore, day: str) -> None:
    holders = select(
        committed,
        f"""SELECT ?who WHERE {{ ?h a nhs:PostHolding ; org:role nhs:secretaryOfState ; org:member ?who ;
        schema:startDate ?s FILTER (?s <= "{day}"^^xsd:date)
        OPTIONAL {{ ?h schema:endDate ?e }} FILTER (!BOUND(?e) || ?e >= "{day}"^^xsd:date) }}""",
    )
    assert len(holders) == 1


def test_nobody_who_has_left_reads_as_in_post_today(committed: OxigraphStore) -> None:
    crisp = iris.person("Nigel Crisp")
    open_ended = select(
        committed,
        f"""SELECT ?h WHERE {{ ?h a nhs:PostHolding ; org:member <{crisp}>
        FILTER NOT EXISTS {{ ?h schema:endDate ?e }} }}""",
    )
    assert open_ended == []


def test_both_notes_are_kept_and_the_dates_confidence_wins() -> None:
    key = iris.person("E Person") + "/holding/department/department-of-health/post/secretary-of-state/2005"
    dated = HoldingDates("2005-01-01", "2005-12-31", "2005", "2005", Caveat("Low", "Inferred", "Dated."), ())
    people = _people({key: dated})
    people.hold(
        "E Person", DH, "Secretary of State for Health", ("2005", ""), [], Caveat("High", None, "Given")
    )
    note = _values(people, key, iris.PREFIXES["skos"] + "editorialNote")
    assert note == {"Given. Dated."}
    assert _values(people, key, NHS + "confidence") == {NHS + "LowConfidence"}
