"""Listings and overviews (service/web/pages/listings.py) over the pages' fixture graph: instances of a
class on a day, the kinds of body alive, the accountability tree, and the sources for /about."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service import iris
from service.build.catalogue import Catalogue, build_catalogue, holds_on, parse_day, query
from service.build.class_index import ClassIndex, build_index
from service.build.overview import build_overview
from service.store import OxigraphStore
from service.terms import Row
from service.web.pages.listings import (
    TreeNode,
    accountability_tree,
    alive_on,
    body_history,
    data_sources,
    dated_members,
    instances,
    kinds_alive,
    landscape,
    sources_page,
)
from service.web.pages.ontology import Vocabulary, build_vocabulary
from tests.pages_fixtures import fixture_store

NHS = iris.DEF
DAYS = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2025, 12, 31))


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return fixture_store()


@pytest.fixture(scope="module")
def catalogue(store: OxigraphStore) -> Catalogue:
    return build_catalogue(store)


@pytest.fixture(scope="module")
def index(store: OxigraphStore, catalogue: Catalogue) -> ClassIndex:
    return build_index(store, catalogue)


@pytest.fixture(scope="module")
def vocabulary(store: OxigraphStore) -> Vocabulary:
    return build_vocabulary(store)


@pytest.fixture(scope="module")
def accountabilities(store: OxigraphStore) -> list[Row]:
    return store.select(query("accountabilities"))


def test_instances_of_a_catalogued_class_sorted_by_label(index: ClassIndex, catalogue: Catalogue) -> None:
    listing = instances(index, catalogue, NHS + "PrimaryCareTrust", None, 1)
    assert (listing.total, listing.page, listing.pages) == (4, 1, 1)
    assert [i.label for i in listing.items] == [
        "Central Manchester Primary Care Trust",
        "Manchester Primary Care Trust",
        "North Manchester Primary Care Trust",
        "South Manchester Primary Care Trust",
    ]
    manchester = listing.items[1]
    assert manchester.iri == iris.org("pct", "5NT") and manchester.codes == ["5NT", "E16000149"]
    assert (manchester.founded, manchester.dissolved) == (dt.date(2006, 10, 1), dt.date(2013, 3, 31))
    assert [
        i.iri for i in instances(index, catalogue, NHS + "PrimaryCareTrust", dt.date(2010, 1, 1), 1).items
    ] == [iris.org("pct", "5NT")]


def test_instances_of_other_classes_come_from_the_index_with_their_dates(
    index: ClassIndex, catalogue: Catalogue
) -> None:
    listing = instances(index, catalogue, NHS + "PracticeMembership", None, 1)
    assert listing.total == 16
    first = listing.items[0]
    assert first.label == "Ailsa Craig Medical Centre in 00W from 2013-04-01"
    assert (first.founded, first.dissolved) == (dt.date(2013, 4, 1), dt.date(2017, 3, 31))
    on_day = instances(index, catalogue, NHS + "PracticeMembership", dt.date(2018, 1, 1), 1)
    assert on_day.total == 4 and all(i.dissolved is None for i in on_day.items)
    beyond = instances(index, catalogue, NHS + "PracticeMembership", None, 2)
    assert beyond.items == [] and beyond.pages == 1
    assert instances(index, catalogue, NHS + "NoSuchClass", None, 1).total == 0


@given(day=DAYS)
def test_the_instances_on_a_day_are_exactly_the_ones_alive_then(
    index: ClassIndex, catalogue: Catalogue, day: dt.date
) -> None:
    everyone = instances(index, catalogue, NHS + "CommissioningBody", None, 1).items
    listed = instances(index, catalogue, NHS + "CommissioningBody", day, 1).items
    assert [i.iri for i in listed] == [i.iri for i in everyone if holds_on(i.founded, i.dissolved, day)]


def test_the_kinds_of_body_alive_on_a_day(catalogue: Catalogue, vocabulary: Vocabulary) -> None:
    assert set(kinds_alive(catalogue, vocabulary, dt.date(2012, 1, 1))) == {
        (NHS + "StrategicHealthAuthority", "strategic health authority", 1),
        (NHS + "PrimaryCareTrust", "primary care trust", 1),
        (NHS + "PCTCluster", "PCT cluster", 1),
    }
    assert kinds_alive(catalogue, vocabulary, dt.date(2015, 1, 1)) == [
        (NHS + "ClinicalCommissioningGroup", "clinical commissioning group", 3)
    ]
    assert kinds_alive(catalogue, vocabulary, dt.date(1990, 1, 1)) == []


def test_the_accountability_tree_on_a_day(
    catalogue: Catalogue, vocabulary: Vocabulary, accountabilities: list[Row]
) -> None:
    (root,) = accountability_tree(accountabilities, catalogue, vocabulary, dt.date(2012, 1, 1))
    assert (root.label, root.kind) == ("Department of Health", "government department")
    (sha,) = root.children
    assert sha.label == "North West Strategic Health Authority"
    assert [(c.kind, c.label) for c in sha.children] == [
        ("PCT cluster", "NHS Greater Manchester"),
        ("primary care trust", "Manchester Primary Care Trust"),
    ]
    before_the_cluster = accountability_tree(accountabilities, catalogue, vocabulary, dt.date(2010, 1, 1))
    assert [c.label for c in before_the_cluster[0].children[0].children] == ["Manchester Primary Care Trust"]


def edges(forest: list[TreeNode]) -> list[tuple[str, str]]:
    return [(n.iri, c.iri) for n in forest for c in n.children] + [
        e for n in forest for e in edges(n.children)
    ]


@given(day=DAYS)
def test_the_tree_holds_exactly_the_accountabilities_of_its_day(
    catalogue: Catalogue, vocabulary: Vocabulary, accountabilities: list[Row], day: dt.date
) -> None:
    tree = edges(accountability_tree(accountabilities, catalogue, vocabulary, day))
    holding = {
        (r["to"].value, r["body"].value)
        for r in accountabilities
        if holds_on(parse_day(r["start"].value), parse_day(r["end"].value) if "end" in r else None, day)
    }
    assert sorted(tree) == sorted(holding)  # each once: the fixture's accountabilities have no cycle


def test_the_landscape_counts_kinds_and_undated_bodies(
    catalogue: Catalogue, vocabulary: Vocabulary, accountabilities: list[Row]
) -> None:
    view = landscape(catalogue, vocabulary, accountabilities, dt.date(2012, 1, 1))
    assert view.day == dt.date(2012, 1, 1) and view.undated == 0
    assert {label for _, label, _ in view.kinds} == {
        "strategic health authority",
        "primary care trust",
        "PCT cluster",
    }
    assert [n.label for n in view.tree] == ["Department of Health"]


def test_the_sources_list_data_files_and_count_every_kind(store: OxigraphStore) -> None:
    listed, kinds = data_sources(store)
    assert [s.title for s in listed] == [
        "ODS epcmem: practice membership of commissioners, August 2019",
        "PCO (2012) to SHA (2012) lookup in England",
    ]
    ods = listed[0]
    assert (ods.publisher, ods.issued) == ("NHS Digital", "2019-08")
    assert ods.licence == "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    assert listed[1].url == ""  # a field the source does not state is empty, not missing
    assert kinds[0] == (NHS + "DataFile", 2)
    assert set(kinds[1:]) == {(NHS + "WebPage", 1), (NHS + "NewsArticle", 1)}


# --- what is kept per process or per day equals what was computed per request -------------------------


@given(day=DAYS)
@settings(deadline=None, max_examples=30)  # no timing assertion: a busy machine is slow
def test_the_kept_history_gives_the_landscape_made_afresh(
    catalogue: Catalogue, vocabulary: Vocabulary, accountabilities: list[Row], day: dt.date
) -> None:
    history = body_history(catalogue, vocabulary, dt.date.today().year)
    assert landscape(catalogue, vocabulary, accountabilities, day, history) == landscape(
        catalogue, vocabulary, accountabilities, day
    )


@given(day=DAYS)
@settings(deadline=None)
def test_the_spans_filter_as_each_instance_is_asked(
    index: ClassIndex, catalogue: Catalogue, day: dt.date
) -> None:
    for cls, members in index.members.items():
        expected = [iri for iri in members if index.alive_on(iri, catalogue, day)]
        assert alive_on(dated_members(index, catalogue, cls), day) == expected
        kept = instances(index, catalogue, cls, day, 1, expected)
        assert kept == instances(index, catalogue, cls, day, 1)


def test_the_spans_show_nothing_before_it_began(index: ClassIndex, catalogue: Catalogue) -> None:
    day = dt.date(2013, 4, 1)
    for cls in index.members:
        for iri in alive_on(dated_members(index, catalogue, cls), day):
            shown = index.instance(iri, catalogue)
            assert shown.founded is not None and shown.founded <= day
            assert shown.dissolved is None or shown.dissolved >= day


@pytest.mark.parametrize("per_page", [1, 2, 3])
def test_the_sources_pages_lose_nothing_and_repeat_nothing(store: OxigraphStore, per_page: int) -> None:
    overview = build_overview(store)
    first = sources_page(overview, 1, per_page)
    seen = [s for n in range(1, first.pages + 1) for s in sources_page(overview, n, per_page).items]
    assert seen == overview.sources  # every data file once, in order
    assert first.total == len(overview.sources) and first.pages == -(-first.total // per_page)
    assert sources_page(overview, first.pages + 1, per_page).items == []
