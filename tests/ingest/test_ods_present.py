"""Tests of the present day: epraccur snapshots 2021-2026 (fixtures), the ICB mergers of 1 April 2026 and the
committed data/ttl (ICBs and sub-ICB locations alive on given days, practices' memberships never overlap)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from service import iris
from service.ingest import ods_practices, ods_practices_now, ods_present
from service.ingest.ods_common import Context
from service.ingest.ods_icb_2026 import Mergers2026, merger_events, read_mergers
from service.ingest.ods_lifetimes import Lifetimes
from service.ingest.ods_practices import Membership
from service.store import OxigraphStore
from tests.ingest.stores import load

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "ingest" / "ods"
REPO = Path(__file__).resolve().parents[2]
TTL = REPO / "data" / "ttl"
P = """PREFIX nhs: <https://w3id.org/nhs-commissioning/def#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def rows(store: OxigraphStore, query: str) -> list[dict[str, str]]:
    return [{n: term.value for n, term in row.items()} for row in store.select(P + query)]


@pytest.fixture
def stints() -> dict[str, list[ods_present.Stint]]:
    return ods_practices_now.gp_stints(Context(FIXTURES))[0]


def test_stints_follow_join_and_close_dates(stints: dict[str, list[ods_present.Stint]]) -> None:
    got = {code: [(s.parent, s.start, s.end) for s in runs] for code, runs in stints.items()}
    assert got["P84001"] == [("00T", "2013-04-01", None)]  # open in the latest file: current
    assert got["P84002"] == [("00T", "2020-06-01", "2024-03-31"), ("01A", "2024-04-01", None)]
    assert got["P84003"] == [("00T", "2013-04-01", "2023-06-30")]  # the close date ends it
    assert "C12345" not in got  # a prescribing cost centre, not a GP practice


def test_ccg_rows_stop_on_30_june_2022(stints: dict[str, list[ods_present.Stint]]) -> None:
    got = ods_practices_now.ccg_rows(stints, {"00T", "01A"})
    assert {(m.practice, m.parent, m.start, m.end) for m in got} == {
        ("P84001", "00T", "2013-04-01", "2022-06-30"),
        ("P84002", "00T", "2020-06-01", "2022-06-30"),
        ("P84003", "00T", "2013-04-01", "2022-06-30"),
    }


def test_snapshot_row_ends_the_open_epcmem_membership() -> None:
    epcmem = [Membership("P1", "08A", "2013-04-01", None)]
    later = [Membership("P1", "72Q", "2020-04-01", "2022-06-30", "ods-epraccur-2021-11")]
    merged = ods_practices.with_snapshot_rows(epcmem, later)
    assert [(m.parent, m.start, m.end) for m in merged] == [
        ("08A", "2013-04-01", "2020-03-31"),
        ("72Q", "2020-04-01", "2022-06-30"),
    ]
    same = [Membership("P1", "08A", "2013-04-01", "2022-06-30", "ods-epraccur-2021-11")]
    assert ods_practices.with_snapshot_rows(epcmem, same) == epcmem  # nothing new to add


def test_sub_icb_memberships_meet_the_ccg_ones(stints: dict[str, list[ods_present.Stint]]) -> None:
    ctx = Context(FIXTURES)
    snapshot = ods_practices_now.ccg_rows(stints, {"00T", "01A"})
    england, _wales = ods_practices.practices_graphs(ctx, set(), Lifetimes({}), snapshot)
    england.extend(ods_practices_now.sub_icb_graph(ctx, stints, {"00T", "01A"}, Mergers2026()))
    got = rows(
        load({"practices": england}),
        f"""SELECT ?o ?s ?e WHERE {{ GRAPH ?g {{ ?m a nhs:PracticeMembership ;
        org:member <{iris.org("practice", "P84002")}> ; org:organization ?o ; schema:startDate ?s .
        OPTIONAL {{ ?m schema:endDate ?e }} }} }} ORDER BY ?s""",
    )
    assert [(r["o"].rsplit("id/", 1)[1], r["s"], r.get("e")) for r in got] == [
        ("ccg/00T", "2020-06-01", "2022-06-30"),
        ("sub-icb-location/00T", "2022-07-01", "2024-03-31"),
        ("sub-icb-location/01A", "2024-04-01", None),
    ]


def test_mergers_come_only_from_the_succession_pairs() -> None:
    ctx = Context(FIXTURES)  # copies of the three files of the April 2026 mergers that it reads
    with (
        FIXTURES / "data/raw/ods-icb-mergers-2026/DERIVED_icb_successions_2026-04-01_from_icb-history_md.csv"
    ).open(encoding="utf-8") as fh:
        pairs = {(r["predecessor_ods"], r["successor_ods"]) for r in csv.DictReader(fh)}
    m = read_mergers(ctx)
    assert len(m.closed_icbs) == 12 and len(m.new_icbs) == 6 and len(m.renamed) == 23
    made = set()
    for event in merger_events(ctx, m, {}):
        if event.cls == "Reorganisation":
            continue
        for original in event.originals:
            for result in event.results:
                made.add((original.rsplit("/", 1)[1], result.rsplit("/", 1)[1]))
    assert made <= pairs and made == {p for p in pairs if p[1] != "QRL"}


@pytest.fixture(scope="module")
def committed() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for stem in ("icbs", "practices"):
        store.load_file(TTL / f"{stem}.ttl", iris.graph(stem))
    return store


def alive(store: OxigraphStore, cls: str, day: str) -> int:
    got = rows(
        store,
        f"""SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH ?g {{ ?o a nhs:{cls} ; schema:foundingDate ?f .
        FILTER(?f <= "{day}"^^xsd:date)
        FILTER NOT EXISTS {{ ?o schema:dissolutionDate ?e FILTER(?e < "{day}"^^xsd:date) }} }} }}""",
    )
    return int(got[0]["n"])


@pytest.mark.parametrize(
    ("cls", "day", "expected"),
    [
        ("IntegratedCareBoard", "2022-07-01", 42),
        ("IntegratedCareBoard", "2026-03-31", 42),
        ("IntegratedCareBoard", "2026-04-01", 36),
        ("SubICBLocation", "2022-07-01", 106),
    ],
)
def test_committed_counts(committed: OxigraphStore, cls: str, day: str, expected: int) -> None:
    assert alive(committed, cls, day) == expected


def test_committed_practice_memberships_never_overlap(committed: OxigraphStore) -> None:
    spans: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in rows(
        committed,
        """SELECT ?p ?o ?s ?e WHERE { GRAPH ?g { ?m a nhs:PracticeMembership ; org:member ?p ;
        org:organization ?o ; schema:startDate ?s . OPTIONAL { ?m schema:endDate ?e } } }""",
    ):
        spans[r["p"]].append((r["s"], r.get("e", "9999-12-31"), r["o"]))
    overlaps = []
    for practice, dates in spans.items():
        dates.sort()
        for first, second in zip(dates, dates[1:], strict=False):
            if second[0] <= first[1]:
                overlaps.append(practice)
    assert overlaps == []
    # What is open today in England is a sub-ICB location or an NHS England hub, never a CCG or older body.
    open_parents = {
        d[-1][2].rsplit("/", 2)[-2]
        for p, d in spans.items()
        if d[-1][1] == "9999-12-31" and "/practice/W" not in p
    }
    assert open_parents == {"sub-icb-location", "hub"}


@pytest.fixture(scope="module")
def national() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for stem in ("icbs", "nhs-england"):
        store.load_file(TTL / f"{stem}.ttl", iris.graph(stem))
    return store


def test_no_past_unit_reads_as_open(national: OxigraphStore) -> None:
    open_ended = rows(
        national,
        """SELECT ?o WHERE { GRAPH ?g { ?o nhs:endStatus nhs:EndUnknown ; schema:foundingDate ?f .
        FILTER NOT EXISTS { ?o schema:dissolutionDate ?d } } }""",
    )
    unbounded = rows(
        national,
        """SELECT ?o WHERE { GRAPH ?g { ?o a ?c . VALUES ?c { nhs:NHSEnglandRegion nhs:LocalOffice
        nhs:SustainabilityAndTransformationPartnership nhs:IntegratedCareSystem }
        FILTER NOT EXISTS { ?o schema:dissolutionDate ?d }
        FILTER NOT EXISTS { ?o nhs:endStatus nhs:Current } } }""",
    )
    assert open_ended == [] and unbounded == []


def test_seven_regions_from_april_2019(national: OxigraphStore) -> None:
    # ONS lists seven NHS England regions in April 2019 (NHSER19): the older North and Midlands and East
    # regions must not still be alive then.
    assert alive(national, "NHSEnglandRegion", "2019-04-01") == 7
