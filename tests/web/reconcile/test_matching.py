"""Matching over the fixture's catalogue, without HTTP: the query's parts and the match rule."""

from __future__ import annotations

import datetime as dt

import pytest

from service.build.catalogue import Catalogue, build_catalogue
from service.build.search import SearchIndex
from service.web.reconcile import facts, matching
from service.web.reconcile.matching import BadQueryError, Query, parse_query
from tests.web.reconcile.conftest import ID, reconcile_store

STORE = reconcile_store()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return build_catalogue(STORE)


def index_of(catalogue: Catalogue) -> SearchIndex:
    """The search index the pages keep, over the same entries (the kinds do not matter here)."""
    return SearchIndex(catalogue.entries.values(), lambda entry: "")


def top(catalogue: Catalogue, query: Query) -> list[tuple[str, bool]]:
    found = matching.reconcile(
        catalogue, index_of(catalogue), query, lambda items: facts.parents(STORE, items)
    )
    return [(c.entry.iri.removeprefix(ID), m) for c, m in found]


def test_a_query_is_read_with_its_properties() -> None:
    query = parse_query(
        {
            "query": " Manchester ",
            "type": "T",
            "limit": 500,
            "properties": [
                {"pid": "odsCode", "v": "5NT"},
                {"pid": "aliveOn", "v": "2010-01-01"},
                {"pid": "parent", "v": [{"id": ID + "sha/Q31"}, "Q31"]},
            ],
        }
    )
    assert query == Query(
        "Manchester", "T", matching.MAX_LIMIT, ("5NT",), dt.date(2010, 1, 1), (ID + "sha/Q31", "Q31")
    )
    with pytest.raises(BadQueryError):
        parse_query({"query": "x", "properties": [{"pid": "colour", "v": "red"}]})


def test_a_misspelt_name_still_finds_the_body(catalogue: Catalogue) -> None:
    assert top(catalogue, Query("Manchestr Primary Care Trust"))[0] == ("pct/5NT", False)


def test_a_named_parent_on_the_date_decides_between_namesakes(catalogue: Catalogue) -> None:
    # Five Oaks was in 5CR, then 5NT from 2006, then 01M from 2013.
    named = Query(
        "Five Oaks Family Practice", alive_on=dt.date(2014, 1, 1), parents=("NHS North Manchester CCG",)
    )
    assert top(catalogue, named)[0] == ("practice/P84004", True)
    wrong = Query("Five Oaks Family Practice", alive_on=dt.date(2014, 1, 1), parents=("5NT",))
    assert top(catalogue, wrong)[0] == ("practice/P84004", False)


def test_a_code_property_decides_and_a_wrong_one_lowers(catalogue: Catalogue) -> None:
    assert top(catalogue, Query("Manchester", codes=("01M",)))[0] == ("ccg/01M", True)
    wrong_code = Query("Manchester PCT", codes=("ZZZ",))
    with_wrong = matching.reconcile(catalogue, index_of(catalogue), wrong_code, lambda items: {})
    assert with_wrong[0][0].score < 50 and not with_wrong[0][1]


def test_an_exact_name_borne_by_two_bodies_is_no_match(catalogue: Catalogue) -> None:
    # "NHS Greater Manchester ICB - 14L" is the sub-ICB location's label and, upper-cased, its alternative:
    # one body, so a match; "Manchester" names none exactly: no match.
    assert top(catalogue, Query("NHS Greater Manchester ICB - 14L"))[0] == ("sub-icb-location/14L", True)
    assert not any(m for _, m in top(catalogue, Query("Manchester")))
