"""Accountability without holes (issue 15, part 3): rules on small inputs, the law on the committed data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service import iris
from service.ingest import accountability_national
from service.ingest.accountability_ccgs import region_of
from service.ingest.curated_common import SourceBook
from service.ingest.model import NHS, SCHEMA, A, Organisation
from service.ingest.ods_ccgs import Ccg
from service.ingest.turtle import Triples
from service.store import OxigraphStore
from tests.ingest.accountability_coverage import Life, lives, table, uncovered

REPO = Path(__file__).resolve().parents[2]
TTL = REPO / "data" / "ttl"
SPANS = REPO / "docs" / "queries" / "accountability-spans.rq"
KINDS = (
    "HealthAuthority",
    "PrimaryCareGroup",
    "PrimaryCareTrust",
    "CareTrust",
    "StrategicHealthAuthority",
    "ClinicalCommissioningGroup",
)


def ccg(code: str, founded: str, dissolved: str, icb: str) -> Ccg:
    return Ccg(code, f"NHS {code} CCG", founded, dissolved, False, icb)


def test_region_of_a_merged_ccg_is_its_predecessors_only_if_they_agree() -> None:
    ccgs = {
        c.code: c
        for c in (
            ccg("01A", "2013-04-01", "2020-03-31", "QX1"),
            ccg("01B", "2013-04-01", "2020-03-31", "QX1"),
            ccg("02A", "2020-04-01", "2022-06-30", "QX1"),
            ccg("01C", "2013-04-01", "2020-03-31", "QX2"),
            ccg("01D", "2013-04-01", "2020-03-31", "QX2"),
            ccg("02B", "2020-04-01", "2022-06-30", "QX2"),
            ccg("03A", "2021-04-01", "2022-06-30", "QX1"),
        )
    }
    seen = {"01A": "Y60", "01B": "Y60", "01C": "Y60", "01D": "Y61"}
    assert region_of("01A", ccgs, seen) == ("Y60", [])
    assert region_of("02A", ccgs, seen) == ("Y60", ["01A", "01B"])
    assert region_of("02B", ccgs, seen) is None  # predecessors in two regions: a gap, not a guess
    assert region_of("03A", ccgs, seen) is None  # no CCG closed the day before in its ICB area


def test_national_accountability_is_clipped_to_each_body(tmp_path: Path) -> None:
    (tmp_path / "accountability_national.csv").write_text(
        "bodies,accountable_to,start_date,end_date,legal_basis,source_url,confidence,evidence,note\n"
        "health-authority,department-of-health,1996-04-01,2002-03-31,"
        "https://www.legislation.gov.uk/ukpga/1995/17/contents,https://example.org/a,High,Stated,n\n"
    )
    g = Triples()
    for code, founded in (("QA1", "1996-04-01"), ("QA2", "2001-04-01")):
        Organisation(
            iris.org("health-authority", code),
            "HealthAuthority",
            code,
            [],
            founded=founded,
            dissolved="2002-03-31",
        ).add_to(g)
    bodies = {"health-authority": accountability_national.lives_of(g, "HealthAuthority")}
    out = Triples()
    accountability_national.accountabilities(SourceBook(tmp_path), out, bodies, {}, tmp_path)
    relations = [
        out.predicates(s) for s in out.subjects() if NHS + "Accountability" in out.predicates(s).get(A, set())
    ]
    starts = sorted(next(iter(p[SCHEMA + "startDate"])).value for p in relations)  # type: ignore[union-attr]
    assert starts == ["1996-04-01", "2001-04-01"]  # QA2 was founded later: its accountability starts then
    assert {law for p in relations for law in p[NHS + "legalBasis"]} == {
        "http://www.legislation.gov.uk/id/ukpga/1995/17"  # the whole Act's identifier, never a page of it
    }


@given(
    st.integers(min_value=0, max_value=400),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=4),
)
def test_uncovered_days_are_the_days_no_span_covers(length: int, spans: list[tuple[int, int]]) -> None:
    first = dt.date(2000, 1, 1)
    day = lambda n: (first + dt.timedelta(days=n)).isoformat()  # noqa: E731
    life = Life(day(0), day(length), accountable=[(day(a), day(b)) for a, b in spans])
    total, held, missing = uncovered(life)
    expected = {n for n in range(length + 1) if any(a <= n <= b for a, b in spans)}
    assert (total, held, missing) == (length + 1, len(expected), length + 1 - len(expected))


@pytest.fixture(scope="module")
def committed() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for path in sorted(TTL.glob("*.ttl")):
        store.load_file(path, iris.graph(path.stem))
    store.load_file(REPO / "ontology" / "nhs.ttl", iris.graph("ontology"))
    return store


def test_every_day_of_every_life_is_covered(committed: OxigraphStore) -> None:
    rows = [{k: t.value for k, t in row.items()} for row in committed.select(SPANS.read_text())]
    for row in rows:
        for k in ("founded", "dissolved", "what", "start", "end"):
            row.setdefault(k, "")
    figures = table(lives(rows, "2026-12-03"))
    assert set(KINDS) <= set(figures)
    missing = {kind: figures[kind]["days uncovered"] for kind in KINDS if figures[kind]["days uncovered"]}
    assert missing == {}


def test_accountabilities_lie_within_both_lives(committed: OxigraphStore) -> None:
    found = committed.select(
        """PREFIX nhs: <https://w3id.org/nhs-commissioning/def#> PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX schema: <https://schema.org/>
        SELECT ?a WHERE {
          ?a a nhs:Accountability ; org:member ?body ; org:organization ?to ; schema:startDate ?start .
          OPTIONAL { ?a schema:endDate ?end }
          { ?body schema:foundingDate ?f } UNION { ?to schema:foundingDate ?f }
          UNION { ?body schema:dissolutionDate ?d } UNION { ?to schema:dissolutionDate ?d }
          FILTER((BOUND(?f) && ?start < ?f) || (BOUND(?d) && (!BOUND(?end) || ?end > ?d)))
        }"""
    )
    assert [row["a"].value for row in found] == []
