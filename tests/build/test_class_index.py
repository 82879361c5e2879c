"""The class index (service/build/class_index.py): each class's instances, counted and ordered as the class
pages list them, made by the build and saved beside the store; checked against SPARQL over the same store."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from service.build import builder as build
from service.build.catalogue import Catalogue, build_catalogue
from service.build.class_index import INDEX_FILE, ClassIndex, build_index, load_index
from service.config import Settings
from service.store import OxigraphStore
from tests.pages_fixtures import fixture_store

MINI = Path(__file__).parents[1] / "data" / "mini"
COUNTS = """SELECT ?cls (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?cls FILTER isIRI(?s) } GROUP BY ?cls"""
RELATIONS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
SELECT ?s ?label ?start ?end WHERE {
  ?s schema:startDate ?start .
  OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s schema:endDate ?end }
}"""


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return fixture_store()


@pytest.fixture(scope="module")
def catalogue(store: OxigraphStore) -> Catalogue:
    return build_catalogue(store)


@pytest.fixture(scope="module")
def index(store: OxigraphStore, catalogue: Catalogue) -> ClassIndex:
    return build_index(store, catalogue)


def test_every_class_counts_its_distinct_instances(store: OxigraphStore, index: ClassIndex) -> None:
    counts = {r["cls"].value: int(r["n"].value) for r in store.select(COUNTS)}
    assert len(counts) > 10
    assert {cls: index.count(cls) for cls in counts} == counts
    assert set(index.members) == set(counts)
    assert index.count("https://w3id.org/nhs-commissioning/def#NoSuchClass") == 0


def test_instances_are_in_label_order_then_iri(index: ClassIndex, catalogue: Catalogue) -> None:
    for iris in index.members.values():
        keys = [((index.instance(i, catalogue).label or i).lower(), i) for i in iris]
        assert keys == sorted(keys) and len(set(iris)) == len(iris)


def test_relations_carry_their_label_and_dates_from_the_store(
    store: OxigraphStore, index: ClassIndex, catalogue: Catalogue
) -> None:
    rows = store.select(RELATIONS)
    assert rows
    for row in rows:
        if row["s"].value in catalogue.entries:
            continue
        shown = index.instance(row["s"].value, catalogue)
        assert shown.label == (row["label"].value if "label" in row else "")
        assert shown.founded == dt.date.fromisoformat(row["start"].value)
        assert shown.dissolved == (dt.date.fromisoformat(row["end"].value) if "end" in row else None)


def test_a_catalogued_instance_is_shown_as_the_catalogue_has_it(
    index: ClassIndex, catalogue: Catalogue
) -> None:
    entry = next(e for e in catalogue.entries.values() if e.codes and e.founded)
    shown = index.instance(entry.iri, catalogue)
    assert (shown.label, shown.codes, shown.founded, shown.dissolved) == (
        entry.label,
        tuple(entry.codes),
        entry.founded,
        entry.dissolved,
    )
    assert index.alive_on(entry.iri, catalogue, entry.founded)
    assert not index.alive_on(entry.iri, catalogue, entry.founded - dt.timedelta(days=1))


def test_a_missing_index_is_made_and_saved_for_the_next_process(
    store: OxigraphStore, catalogue: Catalogue, index: ClassIndex, tmp_path: Path
) -> None:
    made = load_index(store, catalogue, tmp_path)
    assert (tmp_path / INDEX_FILE).is_file() and made.members == index.members
    assert not list(tmp_path.glob("*.partial-*"))
    reread = load_index(OxigraphStore.in_memory(), catalogue, tmp_path)  # from the file, not the store
    assert reread.members == index.members and reread.others == index.others


def test_a_folder_it_cannot_write_leaves_the_index_in_memory(
    store: OxigraphStore, catalogue: Catalogue, index: ClassIndex, tmp_path: Path
) -> None:
    nowhere = tmp_path / "no-such-folder"
    assert load_index(store, catalogue, nowhere).members == index.members
    assert not nowhere.exists()


def test_the_build_saves_the_index_beside_the_store(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    result = build.build(Settings(root=root, cache_dir=tmp_path / "cache"))
    store = OxigraphStore.open_read_only(result.path / build.DB)
    saved = load_index(OxigraphStore.in_memory(), build_catalogue(store), result.path)
    counts = {r["cls"].value: int(r["n"].value) for r in store.select(COUNTS)}
    assert {cls: saved.count(cls) for cls in counts} == counts
