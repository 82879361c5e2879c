"""The overview (service/build/overview.py), made once per build: it equals what the pages computed per
request (the sources, the usage counts) on the fixture graph, survives its file, and is made again from the
store where the build has none or one of another layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.build.overview import (
    OVERVIEW_FILE,
    build_overview,
    data_sources,
    load_overview,
    save_overview,
    usage_counts,
)
from service.store import OxigraphStore
from tests.pages_fixtures import fixture_store

DISTINCT_PROPERTIES = "SELECT DISTINCT ?t WHERE { [] ?t [] }"  # what the query editor used to ask
DISTINCT_CLASSES = "SELECT DISTINCT ?t WHERE { [] a ?t }"


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return fixture_store()


def test_the_overview_holds_what_the_pages_asked_the_store_for(store: OxigraphStore) -> None:
    overview = build_overview(store)
    assert (overview.sources, overview.source_kinds) == data_sources(store)
    assert overview.usage == usage_counts(store)
    assert len(overview.sources) == 2 and overview.source_kinds  # the fixture's two data files


def test_the_completions_are_the_classes_and_properties_used_commonest_first(store: OxigraphStore) -> None:
    terms = build_overview(store).completions()
    assert set(terms["properties"]) == {r["t"].value for r in store.select(DISTINCT_PROPERTIES)}
    assert set(terms["classes"]) == {r["t"].value for r in store.select(DISTINCT_CLASSES)}
    usage = usage_counts(store).properties
    counts = [usage[p] for p in terms["properties"]]
    assert counts == sorted(counts, reverse=True)


def test_a_saved_overview_reads_back_equal(store: OxigraphStore, tmp_path: Path) -> None:
    made = build_overview(store)
    save_overview(made, tmp_path / OVERVIEW_FILE)
    assert load_overview(OxigraphStore.in_memory(), tmp_path) == made  # read, not made: the store is empty


def test_a_build_without_one_gets_it_made_and_saved(store: OxigraphStore, tmp_path: Path) -> None:
    made = load_overview(store, tmp_path)
    assert (tmp_path / OVERVIEW_FILE).is_file()
    assert made == build_overview(store)


def test_a_file_of_another_layout_is_made_again(store: OxigraphStore, tmp_path: Path) -> None:
    (tmp_path / OVERVIEW_FILE).write_text(json.dumps({"format": 0, "sources": []}), encoding="utf-8")
    assert load_overview(store, tmp_path) == build_overview(store)
    assert json.loads((tmp_path / OVERVIEW_FILE).read_text(encoding="utf-8"))["format"] != 0
