"""The curated history of 1996-2013 tells no false succession, dates every relation and ends every past one.

Each law is checked twice: on the converter's output for the small fixture (tests/data/ingest/curated, with
this repository's data/curated corrections), and on the committed data/ttl files of the curated converters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service import iris
from service.ingest import curated, seeds
from service.ingest.curated_authorities import RENAMED_2002
from service.ingest.curated_clusters import date_rows, excluded, pct_cluster_iri
from service.ingest.curated_common import first_day, pct_iri
from service.store import OxigraphStore
from tests.ingest.stores import PREFIXES, load, select

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "ingest" / "curated"
RULE = REPO / "service" / "queries" / "rules" / "nhs-succession.rq"
COMMITTED = ("curated-authorities", "curated-clusters", "curated-national", "curated-pathfinders", "seeds")
HA = iris.org("health-authority", "")


@pytest.fixture(scope="module")
def fixture_store() -> OxigraphStore:
    return load(curated.convert(FIXTURE))


@pytest.fixture(scope="module")
def data_store() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for stem in COMMITTED:
        store.load_file(REPO / "data" / "ttl" / f"{stem}.ttl", iris.graph(stem))
    return store


@pytest.fixture(params=["fixture", "data"])
def store(request: pytest.FixtureRequest) -> OxigraphStore:
    return request.getfixturevalue(f"{request.param}_store")


def successions(store: OxigraphStore) -> list[tuple[str, str]]:
    """The nhs:succeeds pairs the build's rule derives from these change events (each event typed
    org:ChangeEvent first, as the build's subclass reasoning does)."""
    store.update(
        f"""{PREFIXES} INSERT {{ GRAPH <{iris.graph("test")}> {{ ?e a org:ChangeEvent }} }}
        WHERE {{ GRAPH ?g {{ ?e org:originalOrganization|org:resultingOrganization ?x }} }}"""
    )
    return sorted((str(t.subject.value), str(t.object.value)) for t in store.construct(RULE.read_text()))


def test_no_cross_product_event(store: OxigraphStore) -> None:
    """Only a wave (nhs:Reorganisation) may join several originals to several results."""
    rows = select(
        store,
        """SELECT ?e WHERE { ?e org:originalOrganization ?o ; org:resultingOrganization ?r .
        FILTER NOT EXISTS { ?e a nhs:Reorganisation } }
        GROUP BY ?e HAVING (COUNT(DISTINCT ?o) > 1 && COUNT(DISTINCT ?r) > 1)""",
    )
    assert rows == []


def test_each_sha_renamed_alone_within_the_national_renaming(store: OxigraphStore) -> None:
    shas = {r[0] for r in select(store, "SELECT ?s WHERE { ?s a nhs:StrategicHealthAuthority }")}
    shas_2002 = {s for s in shas if s.startswith(iris.org("sha-2002", ""))}
    rows = select(
        store,
        f"""SELECT ?e ?o ?r WHERE {{ <{RENAMED_2002}> a nhs:Reorganisation ; dcterms:hasPart ?e .
        ?e a nhs:Renaming ; dcterms:isPartOf <{RENAMED_2002}> ;
        org:originalOrganization ?o ; org:resultingOrganization ?r }}""",
    )
    assert shas_2002 and {r[1] for r in rows} == shas_2002
    assert all(o == r for _, o, r in rows)
    assert len({e for e, _, _ in rows}) == len(shas_2002)


def test_succession_never_joins_contemporaries(store: OxigraphStore) -> None:
    dates = {
        r[0]: (r[1], r[2])
        for r in select(
            store,
            "SELECT ?b ?f ?d WHERE { ?b schema:foundingDate ?f OPTIONAL { ?b schema:dissolutionDate ?d } }",
        )
    }
    # bodies of other converters' graphs (the 2006 SHAs) are not loaded here: their pairs are left out
    pairs = [(s, p) for s, p in successions(store) if s in dates and p in dates]
    assert pairs
    for successor, predecessor in pairs:
        born, _ = dates[successor]
        _, ended = dates[predecessor]
        assert ended and ended < born, (successor, predecessor)


def test_each_sha_replaces_only_its_own_predecessors(store: OxigraphStore) -> None:
    """A 2002 SHA succeeds only health authorities of 1996-2002 whose stated successor it is."""
    stated = {
        (r[0], r[1])
        for r in select(
            store,
            """SELECT ?r ?o WHERE { ?e a nhs:Merger ; dcterms:date "2002-04-01"^^xsd:date ;
            org:originalOrganization ?o ; org:resultingOrganization ?r }""",
        )
    }
    for successor, predecessor in successions(store):
        if successor.startswith(iris.org("sha-2002", "")):
            assert predecessor.startswith(HA) and (successor, predecessor) in stated


@pytest.mark.parametrize("cls", ["ClusterMembership", "PartnershipMembership", "Accountability"])
def test_every_relation_has_a_start_and_every_past_one_an_end(store: OxigraphStore, cls: str) -> None:
    rows = select(
        store,
        f"""SELECT ?m ?s ?e ?st WHERE {{ ?m a nhs:{cls} OPTIONAL {{ ?m schema:startDate ?s }}
        OPTIONAL {{ ?m schema:endDate ?e }} OPTIONAL {{ ?m nhs:endStatus ?st }} }}""",
    )
    assert rows
    assert [r[0] for r in rows if not r[1]] == []
    current = iris.DEF + "Current"
    assert [r[0] for r in rows if not r[2] and r[3] != current] == []


def test_an_approximate_start_stands_beside_its_first_day(store: OxigraphStore) -> None:
    """schema:startDate (or foundingDate) is the first day the approximate start can mean, or a later day
    in it that another fact pins (a PCT formed that month)."""
    rows = select(
        store,
        """SELECT ?m ?a ?s WHERE {
        VALUES ?k { nhs:ClusterMembership nhs:PartnershipMembership
            nhs:PCTCluster nhs:GPCommissioningConsortium }
        ?m a ?k ; nhs:approximateStart ?a . OPTIONAL { ?m schema:startDate ?s1 }
        OPTIONAL { ?m schema:foundingDate ?s2 } BIND (COALESCE(?s1, ?s2) AS ?s) }""",
    )
    assert rows
    for node, approximate, start in rows:
        assert start.startswith(approximate), node
        assert start >= first_day(approximate), node


def test_no_cluster_or_consortium_before_the_reforms_of_2010(store: OxigraphStore) -> None:
    rows = select(
        store,
        """SELECT ?b ?f ?d WHERE { VALUES ?k { nhs:PCTCluster nhs:SHACluster nhs:GPCommissioningConsortium }
        ?b a ?k ; schema:foundingDate ?f ; schema:dissolutionDate ?d }""",
    )
    assert rows
    assert all("2010-01-01" <= f and d <= "2013-03-31" for _, f, d in rows)
    members = select(
        store,
        """SELECT ?m ?s WHERE { ?m a nhs:ClusterMembership ; schema:startDate ?s ;
        org:organization/a nhs:PCTCluster }""",
    )
    assert members and all(s >= "2010-01-01" for _, s in members)


def test_merton_sutton_and_wandsworth_is_one_authority(store: OxigraphStore) -> None:
    names = {
        r[0]: r[1:]
        for r in select(
            store,
            """SELECT ?n ?f ?d WHERE { ?h a nhs:HealthAuthority ;
        rdfs:label ?n ; schema:foundingDate ?f ; schema:dissolutionDate ?d }""",
        )
    }
    assert names["Merton, Sutton and Wandsworth Health Authority"] == ("1996-04-01", "2002-03-31")
    assert "Merton Health Authority" not in names
    assert "Sutton & Wandsworth Health Authority" not in names


def test_isle_of_wight_and_portsmouth_merged_in_april_2001(store: OxigraphStore) -> None:
    merged = iris.org(
        "health-authority", "isle-of-wight-and-portsmouth-and-south-east-hampshire-health-authority"
    )
    rows = select(
        store,
        f"""SELECT ?o ?od ?d WHERE {{ ?e a nhs:Merger ; org:resultingOrganization <{merged}> ;
        dcterms:date ?d ; org:originalOrganization ?o . ?o schema:dissolutionDate ?od .
        <{merged}> schema:foundingDate ?d }}""",
    )
    assert len(rows) == 2
    assert {(od, d) for _, od, d in rows} == {("2001-03-31", "2001-04-01")}


def test_health_authorities_alive_at_abolition_match_the_reported_figure(data_store: OxigraphStore) -> None:
    figure = select(
        data_store,
        f"""SELECT ?v ?d WHERE {{ <{iris.figure("ha-count-2002-03-31")}> rdf:value ?v ; dcterms:date ?d }}""",
    )
    value, day = figure[0]
    alive = select(
        data_store,
        f"""SELECT (COUNT(?h) AS ?n) WHERE {{ ?h a nhs:HealthAuthority ; schema:foundingDate ?f ;
        schema:dissolutionDate ?d FILTER (?f <= "{day}"^^xsd:date && ?d >= "{day}"^^xsd:date) }}""",
    )
    assert alive[0][0] == value


def test_milton_keynes_in_one_cluster_only_from_june_2011(store: OxigraphStore) -> None:
    rows = select(
        store,
        f"""SELECT ?c ?s WHERE {{ ?m a nhs:ClusterMembership ; org:member <{pct_iri("5CQ")}> ;
        org:organization ?c ; schema:startDate ?s }}""",
    )
    assert rows == [(pct_cluster_iri("Milton Keynes and Northamptonshire PCTs cluster"), "2011-06-01")]


def test_an_excluded_membership_is_left_out() -> None:
    dates = date_rows()
    row = {"cluster_name": "Milton Keynes, Buckinghamshire and Oxfordshire (South Central plan)"}
    assert excluded({**row, "member_pct_ods_code": "5CQ"}, dates) is not None
    assert excluded({**row, "member_pct_ods_code": "5QD"}, dates) is None


def test_the_1999_figure_says_why_it_stands(data_store: OxigraphStore) -> None:
    node = iris.figure("accountable-chief-executive-count-1999")
    rows = select(
        data_store,
        f"""SELECT ?v ?desc ?note WHERE {{ <{node}> rdf:value ?v ; dcterms:description ?desc ;
        skos:editorialNote ?note ; prov:wasDerivedFrom <{iris.web_source(seeds.HA_1996_URL)}> }}""",
    )
    assert len(rows) == 1
    value, description, note = rows[0]
    assert value in description and value in note
