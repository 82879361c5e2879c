"""The curated-facts converter, on tiny fixture CSVs with the real headers (tests/data/ingest/curated)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from service import iris
from service.ingest import curated, local_curated
from service.ingest.curated_clusters import date_rows, excluded, pct_cluster_iri
from service.ingest.curated_common import COLLECTION, SourceBook, page_title, pct_iri
from service.ingest.turtle import Lit, render
from service.store import OxigraphStore
from tests.ingest.stores import load, select

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "ingest" / "curated"
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return load(curated.convert(FIXTURE))


def test_stems_are_the_declared_ones() -> None:
    assert set(curated.convert(FIXTURE)) == set(curated.STEMS)


def test_rendering_is_deterministic() -> None:
    first = {k: render(v) for k, v in curated.convert(FIXTURE).items()}
    second = {k: render(v) for k, v in curated.convert(FIXTURE).items()}
    assert first == second


def test_every_node_has_exactly_one_english_label(store: OxigraphStore) -> None:
    rows = select(
        store,
        """SELECT ?s WHERE { ?s a ?type . OPTIONAL { ?s rdfs:label ?l } }
        GROUP BY ?s HAVING (COUNT(DISTINCT ?l) != 1)""",
    )
    assert rows == []
    assert select(store, "SELECT ?l WHERE { ?s rdfs:label ?l FILTER(lang(?l) != 'en') }") == []


def test_every_fact_node_is_cited(store: OxigraphStore) -> None:
    rows = select(
        store,
        """SELECT DISTINCT ?s WHERE { ?s a ?t .
        FILTER(?t NOT IN (time:Interval, time:Instant, nhs:DataFile, nhs:WebPage, nhs:Legislation,
                          schema:Thing))
        FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } }""",
    )
    assert rows == []


def test_curated_nodes_cite_the_csv_file_and_the_row_pages(store: OxigraphStore) -> None:
    membership = iris.membership(
        pct_iri("5PT"), pct_cluster_iri("NHS Suffolk (possible standalone)"), "2011-04-01"
    )
    cited = {r[0] for r in select(store, f"SELECT ?src WHERE {{ <{membership}> prov:wasDerivedFrom ?src }}")}
    assert iris.source("curated-pct-clusters-2011") in cited
    assert any(c.startswith(iris.ID + "source/web/") for c in cited)


@pytest.mark.parametrize(
    ("code", "cluster", "confidence", "evidence"),
    [
        ("5K5", "NHS North West London", "HighConfidence", "Stated"),
        ("5D9", "Tees cluster", "LowConfidence", "Inferred"),  # Medium, lowered by its inferred start
        ("5PT", "NHS Suffolk (possible standalone)", "LowConfidence", "Inferred"),
        ("5ND", "County Durham and Darlington", "LowConfidence", "Inferred"),  # UNCERTAIN: one step lower
    ],
)
def test_membership_basis_becomes_a_caveat(
    store: OxigraphStore, code: str, cluster: str, confidence: str, evidence: str
) -> None:
    rows = select(
        store,
        f"""SELECT ?c ?e ?note WHERE {{ ?m a nhs:ClusterMembership ;
        org:member <{pct_iri(code)}> ; org:organization <{pct_cluster_iri(cluster)}> ;
        nhs:confidence ?c ; nhs:evidence ?e ; skos:editorialNote ?note }}""",
    )
    assert len(rows) == 1
    assert rows[0][:2] == (iris.DEF + confidence, iris.DEF + evidence)
    assert rows[0][2].startswith("membership_basis ")


def test_partial_start_keeps_its_precision_beside_the_first_day(store: OxigraphStore) -> None:
    node = iris.membership(pct_iri("5K5"), pct_cluster_iri("NHS North West London"), "2011-04-01")
    rows = select(
        store,
        f"""SELECT ?a (datatype(?a) AS ?t) ?d WHERE {{ <{node}> nhs:approximateStart ?a ;
        schema:startDate ?d }}""",
    )
    assert rows == [("2011-04", iris.PREFIXES["xsd"] + "gYearMonth", "2011-04-01")]


def test_partial_holding_dates(store: OxigraphStore) -> None:
    rows = select(
        store,
        """SELECT ?h ?s ?e ?status WHERE { ?h a nhs:PostHolding ;
        org:member <https://w3id.org/nhs-commissioning/id/person/andy-burnham> ; schema:startDate ?s ;
        nhs:approximateEnd ?e ; nhs:endStatus ?status ; schema:endDate ?last }""",
    )
    # a month-only end keeps its precision beside a standard end (post_holdings.csv), never reads as open
    assert [r[1:] for r in rows] == [("2009-06-05", "2010-05", iris.DEF + "EndUnknown")]
    langlands = iris.person("Alan Langlands")
    years = select(
        store,
        f"""SELECT ?h WHERE {{ ?h org:member <{langlands}> ;
        nhs:approximateStart "1994"^^xsd:gYear ; nhs:approximateEnd "2000"^^xsd:gYear }}""",
    )
    assert len(years) == 1
    assert years[0][0].endswith(
        "/holding/department/department-of-health/post/chief-executive-of-the-nhs/1994"
    )


def test_iri_keys(store: OxigraphStore) -> None:
    kinds = {r[0] for r in select(store, "SELECT ?s WHERE { ?s a nhs:HealthAuthority }")}
    assert iris.org("health-authority", "QER") in kinds  # ODS code where the file gives one
    assert iris.org("health-authority", "bedfordshire-health-authority") in kinds  # else the name slug
    shas = {r[0] for r in select(store, "SELECT ?s WHERE { ?s a nhs:StrategicHealthAuthority }")}
    assert iris.org("sha-2002", "essex") in shas
    assert iris.org("sha-cluster", "nhs-north-of-england") in {
        r[0] for r in select(store, "SELECT ?s WHERE { ?s a nhs:SHACluster }")
    }


def test_sha_2002_name_use_and_successor(store: OxigraphStore) -> None:
    essex = iris.org("sha-2002", "essex")
    names = select(
        store,
        f"""SELECT ?n ?s ?e WHERE {{ <{essex}> nhs:hadName ?u . ?u schema:name ?n ;
        schema:startDate ?s ; schema:endDate ?e }}""",
    )
    assert names == [("Essex Health Authority", "2002-04-01", "2002-09-30")]
    successors = select(
        store,
        f"""SELECT ?x ?ev WHERE {{ ?x org:originalOrganization <{essex}> ;
        org:resultingOrganization ?r ; nhs:evidence ?ev ; dcterms:date ?d }}""",
    )
    assert successors == [] or all(row[1] == iris.DEF + "Stated" for row in successors)
    merged = select(
        store,
        f"""SELECT ?o WHERE {{ ?x a nhs:Merger ; org:resultingOrganization <{essex}> ;
        org:originalOrganization ?o }}""",
    )
    assert {r[0] for r in merged} == {
        iris.org("health-authority", "QAX"),
        iris.org("health-authority", "QAY"),
    }


def test_inferred_successor_is_marked(store: OxigraphStore) -> None:
    node = iris.org("sha-2002", "county-durham-and-tees-valley")
    rows = select(
        store,
        f"""SELECT ?ev ?c WHERE {{ ?x a nhs:Merger ; org:originalOrganization <{node}> ;
        org:resultingOrganization <{iris.org("sha", "Q30")}> ; nhs:evidence ?ev ; nhs:confidence ?c }}""",
    )
    assert rows == [(iris.DEF + "Inferred", iris.DEF + "MediumConfidence")]


def test_partial_event_date_and_legislation(store: OxigraphStore) -> None:
    rows = select(
        store,
        """SELECT ?e ?d WHERE { ?e nhs:approximateDate ?d
        FILTER NOT EXISTS { ?e dcterms:date ?x } }""",
    )
    assert (iris.ID + "event/2010-12/pathfinder-first-wave", "2010-12") in rows
    laws = select(
        store,
        """SELECT ?law ?url WHERE { ?e nhs:legalBasis ?law . ?src a nhs:Legislation ;
        owl:sameAs ?law ; schema:url ?url }""",
    )
    assert laws and all(r[0].startswith("http://www.legislation.gov.uk/id/") for r in laws)
    assert all(
        url == law.replace("http://www.legislation.gov.uk/id/", "https://www.legislation.gov.uk/")
        for law, url in laws
    )


def test_unresolvable_post_is_reported() -> None:
    problems = curated.build(FIXTURE).problems
    assert problems["people_posts rows left out"] == [
        "Hugh Taylor / Acting Permanent Secretary / Department of Health"
    ]


@pytest.mark.skipif(not SHARED.exists(), reason="the shared source folder is not next to the repository")
def test_every_cluster_row_is_a_membership_in_the_committed_data() -> None:
    path = REPO / "data" / "ttl" / "curated-clusters.ttl"
    store = OxigraphStore.in_memory()
    store.load_file(path, iris.graph(path.stem))
    found = set(
        select(
            store,
            """SELECT ?m ?o WHERE { ?x a nhs:ClusterMembership ; org:member ?m ;
        org:organization ?o }""",
        )
    )
    with (SHARED / "data" / "curated" / "pct_clusters_2011.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 141
    dates = date_rows()  # a row data/curated/pct_cluster_dates.csv excludes is a membership that never was
    missing = [
        r
        for r in rows
        if (pct_iri(r["member_pct_ods_code"]), pct_cluster_iri(r["cluster_name"])) not in found
        and excluded(r, dates) is None
    ]
    assert missing == []
    assert all(
        (pct_iri(d["member_pct_ods_code"]), pct_cluster_iri(d["cluster_name"])) not in found
        for d in dates
        if d["action"] == "exclude"
    )


def test_partial_figure_date_is_approximate_not_a_date(store: OxigraphStore) -> None:
    rows = select(
        store,
        """SELECT ?f ?d WHERE { ?f a nhs:ReportedFigure ; nhs:approximateDate ?d
        FILTER NOT EXISTS { ?f dcterms:date ?x } }""",
    )
    assert (iris.figure("pathfinder-count-2010-12"), "2010-12") in rows
    assert (
        select(
            store,
            "SELECT ?f WHERE { ?f a nhs:ReportedFigure ; dcterms:date ?d FILTER(datatype(?d) != xsd:date) }",
        )
        == []
    )


@pytest.mark.parametrize(
    ("url", "title"),
    [
        (
            "https://www.hsj.co.uk/pct-cluster-discussions-revealed/5026543.article",
            "HSJ: pct cluster discussions revealed",
        ),
        ("https://en.wikipedia.org/wiki/NHS_North_West", "Wikipedia: NHS North West"),
        (
            "https://issuu.com./nhs/docs/nhs-pct_annual_report_2012__kirklee",
            "issuu.com: nhs pct annual report 2012 kirklee",
        ),
        ("https://example.org/", "example.org"),
    ],
)
def test_a_page_with_no_known_title_is_named_after_its_publisher_and_path(url: str, title: str) -> None:
    assert page_title(url) == title


def test_a_curated_table_is_titled_after_what_it_holds_not_its_file_name(tmp_path: Path) -> None:
    book = SourceBook(tmp_path)
    shared = book.data_file("key_events.csv", "Key events 1996-2022 with their legal basis.")
    own = local_curated.data_file(
        book, "post_holdings.csv", "Dates of post holdings researched on public pages."
    )
    titles = {
        s: o.value
        for s, p, o in book.triples
        if p == iris.PREFIXES["dcterms"] + "title" and isinstance(o, Lit)
    }
    assert titles[shared] == f"Key events 1996-2022 with their legal basis ({COLLECTION})"
    assert titles[own].startswith("Dates of post holdings researched on public pages (curated facts of")
    assert all(".csv" not in t for t in titles.values())
    sources = {s: o for s, p, o in book.triples if p == iris.PREFIXES["dcterms"] + "source"}
    assert sources == {
        shared: "file:shared/data/curated/key_events.csv",
        own: "file:data/curated/post_holdings.csv",
    }
