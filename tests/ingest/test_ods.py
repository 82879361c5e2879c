"""Tests of the ODS/ONS converter: fixture CSVs for the rules, the committed data/ttl for the real sources."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from service import iris
from service.ingest import ods_practices
from service.ingest.ods_common import Context, title_case
from service.ingest.ods_events import Move, predecessors
from service.ingest.ods_lifetimes import Lifetimes
from service.ingest.turtle import Triples, render
from service.store import OxigraphStore
from tests.ingest.stores import load as load_outputs

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "ingest" / "ods"
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
TTL = REPO / "data" / "ttl"
P = """PREFIX nhs: <https://w3id.org/nhs-commissioning/def#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def load(*graphs: Triples) -> OxigraphStore:
    return load_outputs({f"part-{i}": g for i, g in enumerate(graphs)})


def select(store: OxigraphStore, query: str) -> list[dict[str, str]]:
    return [{n: term.value for n, term in row.items()} for row in store.select(P + query)]


@pytest.fixture
def practice_graphs() -> tuple[Triples, Triples]:
    return ods_practices.practices_graphs(Context(FIXTURES), hubs=set(), lives=Lifetimes({}))


def test_parent_kind_by_code_form() -> None:
    kinds = {
        c: ods_practices.parent_kind(c, {"12G"})
        for c in ("4QP36", "4WC57", "5NT", "TAC", "6A1", "7A1", "00T", "12G")
    }
    assert kinds == {
        "4QP36": "pcg",
        "4WC57": "lhb",
        "5NT": "pct",
        "TAC": "care-trust",
        "6A1": "lhb",
        "7A1": "lhb",
        "00T": "ccg",
        "12G": "hub",
    }


def test_memberships_keep_inclusive_last_day(practice_graphs: tuple[Triples, Triples]) -> None:
    store = load(*practice_graphs)
    rows = select(
        store,
        f"""SELECT ?org ?start ?end WHERE {{ ?m a nhs:PracticeMembership ;
        org:member <{iris.org("practice", "P84001")}> ; org:organization ?org ; schema:startDate ?start .
        OPTIONAL {{ ?m schema:endDate ?end }} }} ORDER BY ?start""",
    )
    assert [(r["org"].rsplit("id/", 1)[1], r["start"], r.get("end")) for r in rows] == [
        ("pcg/4QP36", "1999-04-01", "2000-03-31"),
        ("pct/5F1", "2000-04-01", "2006-09-30"),
        ("pct/5NT", "2006-10-01", "2013-03-31"),
        ("ccg/00T", "2013-04-01", None),
    ]
    current = select(store, "SELECT ?m WHERE { ?m nhs:endStatus nhs:Current ; org:member ?p } ORDER BY ?m")
    assert iris.membership(iris.org("practice", "P84001"), iris.org("ccg", "00T"), "2013-04-01") in [
        r["m"] for r in current
    ]


def test_practice_names_settings_and_unknowns(practice_graphs: tuple[Triples, Triples]) -> None:
    store = load(*practice_graphs)
    rows = select(store, "SELECT ?p ?c ?l WHERE { ?p a ?c ; rdfs:label ?l } ORDER BY ?p")
    got = {
        r["p"].rsplit("/", 1)[1]: (r["c"].rsplit("#", 1)[1], r["l"]) for r in rows if "/practice/" in r["p"]
    }
    assert got["P84001"] == ("GPPractice", "St. Mary's Medical Centre")  # the latest snapshot wins
    assert got["C12345"] == ("PrescribingCostCentre", "HMP Somewhere")
    assert got["Y99999"] == ("GPPractice", "GP practice Y99999")
    unknown = select(store, "SELECT ?p WHERE { ?p nhs:nameStatus nhs:NameUnknown }")
    assert [r["p"] for r in unknown] == [iris.org("practice", "Y99999")]


def test_welsh_practices_and_bodies_are_kept_apart(practice_graphs: tuple[Triples, Triples]) -> None:
    england, wales = practice_graphs
    english = {s for s, _, _ in england}
    welsh = {s for s, _, _ in wales}
    assert iris.org("practice", "W00001") in welsh and iris.org("practice", "W00001") not in english
    assert not any("/lhb/" in o for _, _, o in england if isinstance(o, str))


def test_predecessor_rule() -> None:
    day = "2006-10-01"
    moves = [
        Move("A", "X", day, 30),
        Move("A", "Y", day, 1),
        Move("B", "X", day, 20),
        Move("C", "Y", day, 10),
    ]
    links = predecessors(moves)
    assert sorted(m.old for m in links["X", day]) == ["A", "B"]
    assert sorted(m.old for m in links["Y", day]) == ["C"]  # 1 of A's 31 and of Y's 11 fails


def test_title_case() -> None:
    assert title_case("NHS HARTLEPOOL AND STOCKTON-ON-TEES CCG") == "NHS Hartlepool and Stockton-on-Tees CCG"
    assert title_case("NHS CENTRAL LONDON (WESTMINSTER) CCG") == "NHS Central London (Westminster) CCG"


def test_rendering_is_deterministic() -> None:
    first = ods_practices.practices_graphs(Context(FIXTURES), hubs=set(), lives=Lifetimes({}))
    second = ods_practices.practices_graphs(Context(FIXTURES), hubs=set(), lives=Lifetimes({}))
    assert [render(g) for g in first] == [render(g) for g in second]


needs_shared = pytest.mark.skipif(
    not (SHARED / "data" / "raw").is_dir() or not (TTL / "practices.ttl").exists(),
    reason="needs the shared folder and the generated data/ttl",
)


@pytest.fixture(scope="module")
def committed() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in sorted(TTL.glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    return store


@needs_shared
def test_committed_data_answers_epcmem(committed: OxigraphStore) -> None:
    with (SHARED / "data/raw/nhsconnect-prm-gp2gp/epcmem_2019-08.csv").open() as fh:
        rows = list(csv.reader(fh))
    for row in random.Random(20240601).sample(rows, 50):  # noqa: S311 (a seeded sample)
        day = row[3][:4] + "-" + row[3][4:6] + "-" + row[3][6:]
        kind = ods_practices.parent_kind(row[1], set())
        got = select(
            committed,
            f"""SELECT DISTINCT ?org WHERE {{ GRAPH ?g {{ ?m org:member <{iris.org("practice", row[0])}> ;
            org:organization ?org ; schema:startDate ?s . OPTIONAL {{ ?m schema:endDate ?e }}
            FILTER(?s <= "{day}"^^xsd:date && (!BOUND(?e) || ?e >= "{day}"^^xsd:date)) }} }}""",
        )
        assert [r["org"].rsplit("/", 1)[1] for r in got] == [row[1]], row
        assert kind in got[0]["org"] or kind == "ccg"


def active(store: OxigraphStore, cls: str, day: str) -> int:
    rows = select(
        store,
        f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH ?g {{ ?o a {cls} ; schema:foundingDate ?f .
        OPTIONAL {{ ?o schema:dissolutionDate ?e }}
        FILTER(?f <= "{day}"^^xsd:date && (!BOUND(?e) || ?e >= "{day}"^^xsd:date)) }} }}""",
    )
    return int(rows[0]["n"])


@needs_shared
@pytest.mark.parametrize(
    ("classes", "day", "expected"),
    [
        (("nhs:PrimaryCareTrust", "nhs:CareTrust"), "2002-04-01", 303),
        (("nhs:PrimaryCareTrust", "nhs:CareTrust"), "2006-09-30", 303),
        (("nhs:PrimaryCareTrust", "nhs:CareTrust"), "2006-10-01", 152),
        (("nhs:ClinicalCommissioningGroup",), "2013-04-01", 211),
        (("nhs:IntegratedCareBoard",), "2022-07-01", 42),
        (("nhs:StrategicHealthAuthority",), "2007-01-01", 10),
    ],
)
def test_counts_stated_by_the_sources(
    committed: OxigraphStore, classes: tuple[str, ...], day: str, expected: int
) -> None:
    assert sum(active(committed, c, day) for c in classes) == expected
