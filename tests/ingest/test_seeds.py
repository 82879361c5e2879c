"""The seed-article converter, on the fixture folder (tests/data/ingest/curated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import iris
from service.ingest import curated, seeds
from service.ingest.curated_clusters import pct_cluster_iri
from service.ingest.turtle import render
from service.store import OxigraphStore
from tests.ingest.stores import load, select

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "ingest" / "curated"


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return load({**curated.convert(FIXTURE), **seeds.convert(FIXTURE)})


def test_deterministic() -> None:
    assert {k: render(v) for k, v in seeds.convert(FIXTURE).items()} == {
        k: render(v) for k, v in seeds.convert(FIXTURE).items()
    }


def test_articles_are_news_sources_with_only_stated_metadata(store: OxigraphStore) -> None:
    rows = select(
        store, """SELECT ?s ?p WHERE { ?s a nhs:NewsArticle OPTIONAL { ?s dcterms:publisher ?p } }"""
    )
    assert len(rows) == 5
    publishers = {s.rsplit("/", 1)[1]: p for s, p in rows}
    assert publishers["seed-bmj-2010-12-17-pct-clusters"] == "BMJ"


def test_figures_are_cited_to_the_seed(store: OxigraphStore) -> None:
    rows = select(
        store,
        """SELECT ?v ?src WHERE { ?f a nhs:ReportedFigure ; nhs:measure
        nhs:NumberOfAccountableChiefExecutives ; rdf:value ?v ; prov:wasDerivedFrom ?src }""",
    )
    seed = iris.source("seed-pcts-are-dead-long-live-the-pct-cluster")
    assert sorted(int(r[0]) for r in rows if r[1] == seed) == [62, 162, 331, 581]
    # the 1999 figure also cites the page that gives the 1996 count of health authorities it is read against
    assert {r[1] for r in rows} - {seed} == {iris.web_source(seeds.HA_1996_URL)}


def test_every_node_labelled_and_figures_cited(store: OxigraphStore) -> None:
    assert (
        select(
            store,
            """SELECT ?s WHERE { ?s a ?type . OPTIONAL { ?s rdfs:label ?l } }
        GROUP BY ?s HAVING (COUNT(DISTINCT ?l) != 1)""",
        )
        == []
    )
    assert (
        select(
            store,
            """SELECT ?f WHERE { ?f a nhs:ReportedFigure
        FILTER NOT EXISTS { ?f prov:wasDerivedFrom ?s } }""",
        )
        == []
    )


def test_unconfirmed_chief_executive_keeps_a_low_caveat(store: OxigraphStore) -> None:
    rows = select(
        store,
        f"""SELECT ?c WHERE {{ ?h a nhs:PostHolding ; org:organization
        <{pct_cluster_iri("NHS Greater Manchester")}> ; nhs:confidence ?c ; skos:editorialNote ?n }}""",
    )
    assert rows == [(iris.DEF + "LowConfidence",)]


def test_standalone_figure_links_the_seven_pcts(store: OxigraphStore) -> None:
    rows = select(
        store,
        """SELECT ?p WHERE { ?f nhs:measure nhs:NumberOfStandalonePCTs ;
        dcterms:relation ?p }""",
    )
    assert len(rows) == 7


def test_seed_cites_a_stated_membership(store: OxigraphStore) -> None:
    rows = select(
        store,
        f"""SELECT ?m WHERE {{ ?m org:organization
        <{pct_cluster_iri("NHS Suffolk (possible standalone)")}> ; prov:wasDerivedFrom
        <{iris.source("seed-2011-02-08-first-look-at-pct-clusters")}> }}""",
    )
    assert len(rows) == 1
