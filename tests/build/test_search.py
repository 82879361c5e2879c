"""The search index over the fixture graphs: the ranking's rules, the filters, paging and misspellings."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from service import iris
from service.build.catalogue import (
    LAYOUT,
    Catalogue,
    Entry,
    build_catalogue,
    catalogue_from_rows,
    load_catalogue,
)
from service.build.search import SearchIndex, alive, group_of
from service.terms import IRI, Literal
from service.web.pages.ontology import build_vocabulary
from service.web.pages.search import build_index
from tests.search_fixtures import search_store

ID, NHS = "https://w3id.org/nhs-commissioning/id/", iris.DEF
TODAY = dt.date(2026, 12, 4)  # the ICB and the sub-ICB locations are alive; everything else has ended


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    store = search_store()
    return build_index(build_catalogue(store).entries.values(), build_vocabulary(store))


def iris_of(index: SearchIndex, text: str, **filters: object) -> list[str]:
    results = index.search(text, limit=100, today=TODAY, **filters)  # type: ignore[arg-type]
    return [h.entry.iri.removeprefix(ID) for h in results.hits]


def test_a_body_outranks_a_practice_with_the_same_word(index: SearchIndex) -> None:
    """The practice's name starts with the word, and the bodies' names only hold it: bodies first all the
    same, and the living ICB first of them."""
    found = iris_of(index, "manchester")
    assert found[0] == "icb/QOP"
    kinds = ("icb", "pct", "ccg", "pct-cluster", "sub-icb-location")
    bodies = [i for i in found if i.count("/") == 1 and i.split("/")[0] in kinds]
    assert found[: len(bodies)] == bodies and len(bodies) == 11
    assert found.index("practice/P84616") == len(bodies)  # then the practice, before events and posts


def test_a_unit_of_a_body_comes_after_the_bodies(index: SearchIndex) -> None:
    found = iris_of(index, "greater manchester")
    assert found[:3] == ["icb/QOP", "pct-cluster/nhs-greater-manchester", "sub-icb-location/14L"]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("5nt", "pct/5NT"),
        ("P84616", "practice/P84616"),  # a practice's code before every body that has the word
        ("E54000057", "icb/QOP"),
        ("nhs manchester", "pct/5NT"),  # an exact alternative name before the living ICB
        ("Manchester Medical", "practice/P84616"),  # an exact name before every body
    ],
)
def test_an_exact_code_or_name_comes_first(index: SearchIndex, q: str, first: str) -> None:
    found = index.search(q, today=TODAY)
    assert found.hits[0].entry.iri == ID + first
    assert found.hits[0].score == (95 if q == "nhs manchester" else 100)  # 5 less: an alternative name


def test_a_code_shared_by_two_bodies_lists_the_body_before_the_unit(index: SearchIndex) -> None:
    assert iris_of(index, "14L")[:2] == ["ccg/14L", "sub-icb-location/14L"]


def test_a_former_name_finds_the_body_and_says_so(index: SearchIndex) -> None:
    hit = index.search("cambridgeshire peterborough", today=TODAY).hits[0]
    assert hit.entry.iri == ID + "sub-icb-location/06H"
    assert hit.former and hit.matched == "NHS Cambridgeshire and Peterborough ICB - 06H"
    assert hit.entry.label == "NHS Central East ICB - 06H"
    assert hit.score < index.search("central east", today=TODAY).hits[0].score


def test_the_current_name_before_a_former_one() -> None:
    rows = [
        (ID + "a", "label", "Oldtown PCT"),
        (ID + "b", "label", "Newtown PCT"),
        (ID + "b", "former", "Oldtown PCT"),
    ]
    index = SearchIndex(catalogue_from_rows(triples(rows)).entries.values(), lambda _: "")
    assert [h.entry.iri for h in index.search("oldtown pct").hits] == [ID + "a", ID + "b"]
    assert [h.former for h in index.search("oldtown pct").hits] == [False, True]


def test_kinds_are_counted_and_filter(index: SearchIndex) -> None:
    results = index.search("manchester", limit=100, today=TODAY)
    kinds = dict(results.kinds)
    assert kinds[NHS + "PrimaryCareTrust"] == 4 and kinds[NHS + "ClinicalCommissioningGroup"] == 4
    assert sum(kinds.values()) == results.total
    pcts = index.search("manchester", kind=NHS + "PrimaryCareTrust", limit=100, today=TODAY)
    assert pcts.total == 4 and {h.kind for h in pcts.hits} == {NHS + "PrimaryCareTrust"}
    assert dict(pcts.kinds) == kinds  # the counts are those before the kind filter, to choose another
    assert index.search("manchester", kind=NHS + "NoSuchKind", today=TODAY).total == 0


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2010, 1, 1), {"pct/5NT", "practice/P84616"}),
        (dt.date(2012, 1, 1), {"pct/5NT", "pct-cluster/nhs-greater-manchester", "practice/P84616"}),
        (dt.date(2013, 3, 31), {"pct/5NT", "pct-cluster/nhs-greater-manchester", "practice/P84616"}),
        (dt.date(2013, 4, 1), {"ccg/00W", "ccg/01M", "ccg/01N", "practice/P84616"}),
        (dt.date(2025, 1, 1), {"icb/QOP", "sub-icb-location/14L"}),
    ],
)
def test_alive_keeps_what_existed_that_day(index: SearchIndex, day: dt.date, expected: set[str]) -> None:
    found = set(iris_of(index, "manchester", alive_on=day))
    assert found == expected


def test_unknown_dates_are_not_always() -> None:
    undated = Entry("x:1", "Undated PCT", classes={NHS + "PrimaryCareTrust"})
    ended = Entry("x:2", "Ended PCT", founded=dt.date(2001, 4, 1), end_unknown=True)
    assert not any(alive(undated, dt.date(y, 1, 1)) for y in range(1990, 2030))
    assert alive(ended, dt.date(2001, 4, 1)) and not alive(ended, dt.date(2001, 4, 2))
    assert not alive(ended, dt.date(2001, 3, 31))


def test_pages_do_not_overlap_and_cover_every_hit(index: SearchIndex) -> None:
    whole = index.search("manchester", limit=100, today=TODAY)
    pages = [index.search("manchester", limit=5, offset=n, today=TODAY) for n in range(0, whole.total, 5)]
    assert [h.entry.iri for p in pages for h in p.hits] == [h.entry.iri for h in whole.hits]
    assert all(p.total == whole.total for p in pages) and len(pages[-1].hits) == (whole.total % 5 or 5)
    assert index.search("manchester", limit=5, offset=whole.total, today=TODAY).hits == []


@pytest.mark.parametrize("q", ["manchster", "Manchetser", "MANCHASTER", "nhs manchster ccg"])
def test_a_misspelling_finds_the_body(index: SearchIndex, q: str) -> None:
    hits = index.search(q, today=TODAY).hits
    assert hits and all("manchester" in h.matched.casefold() for h in hits)
    assert hits[0].score == 40


def test_short_words_and_far_misspellings_find_nothing(index: SearchIndex) -> None:
    assert index.search("manc", today=TODAY).total > 0  # the start of a word is no misspelling
    assert index.search("mnchstr", today=TODAY).total == 0  # 7 letters: one edit allowed, this is three
    assert index.search("borchart", today=TODAY).hits[0].entry.iri == ID + "practice/P84010"


def test_groups() -> None:
    unit = {NHS + "CommissioningBody", iris.PREFIXES["org"] + "OrganizationalUnit"}
    practice = {NHS + "PrescribingCostCentre", iris.PREFIXES["org"] + "Organization"}
    assert [group_of(c) for c in [{NHS + "CommissioningBody"}, unit, practice, set()]] == [0, 1, 4, 5]


def test_a_catalogue_saved_in_another_layout_is_built_again(tmp_path: Path) -> None:
    """A shared cache may hold an older build's catalogue: it is read from the store instead."""
    old = Catalogue({"x:1": Entry("x:1", "Stale")})  # as pickled before layouts: layout 0
    with (tmp_path / "catalogue.pickle").open("wb") as handle:
        pickle.dump(old, handle)
    fresh = load_catalogue(search_store(), tmp_path / "catalogue.pickle")
    assert fresh.layout == LAYOUT and "x:1" not in fresh.entries
    assert fresh.entries[ID + "sub-icb-location/06H"].former_names == [
        "NHS Cambridgeshire and Peterborough ICB - 06H"
    ]


def triples(rows: list[tuple[str, str, str]]) -> list[dict[str, IRI | Literal]]:
    predicates = {"label": iris.PREFIXES["rdfs"] + "label", "former": NHS + "hadName"}
    return [{"s": IRI(s), "p": IRI(predicates[p]), "o": Literal(o)} for s, p, o in rows]
