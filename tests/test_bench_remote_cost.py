"""The endpoint benchmark's figures for ours over an engine: what the remote store adds, and the ratios."""

from __future__ import annotations

from bench import endpoint, remote_cost, report, targets
from bench.mix import Query
from bench.systems import OXIGRAPH, Target
from tests.remote_fixtures import Backend


def test_what_the_remote_store_adds_is_our_p50_less_the_engines() -> None:
    figures = remote_cost._summary([0.010, 0.011, 0.012], [0.0105, 0.0125, 0.0130], errors=1)
    assert figures["pairs"] == 3
    assert figures["errors"] == 1
    assert figures["alone_p50_ms"] == 11.0
    assert figures["ours_p50_ms"] == 12.5
    assert figures["added_p50_ms"] == 1.5
    assert figures["median_paired_difference_ms"] == 1.0


def test_no_pair_is_said_as_none_measured() -> None:
    assert remote_cost._summary([], [], errors=4) == {"pairs": 0, "errors": 4}


def _rates(**per_query: float) -> dict[str, dict[str, object]]:
    return {q: {"req_per_s": {"median": r}} for q, r in per_query.items()}


def test_ours_over_an_engine_is_compared_with_that_engine_alone_only() -> None:
    throughput = {
        "ours": _rates(a=100.0, b=10.0),
        "ours, result cache": _rates(a=1000.0, b=1000.0),
        "virtuoso": _rates(a=50.0, b=20.0),
        "ours over virtuoso": _rates(a=40.0, b=20.0),
        "ours over virtuoso, result cache": _rates(a=800.0, b=800.0),
    }
    found = endpoint.ratios(throughput)
    assert set(found) == {
        "ours/virtuoso",
        "ours, result cache/virtuoso",
        "ours over virtuoso/virtuoso",
        "ours over virtuoso, result cache/virtuoso",
        "mix_req_per_s",
    }
    assert found["ours over virtuoso/virtuoso"]["per_query"] == {"a": 0.8, "b": 1.0}  # type: ignore[index]


def test_the_worst_query_is_a_target_row_and_a_table() -> None:
    overhead = {
        "virtuoso": {
            "per_query": {"a": remote_cost._summary([0.002], [0.0045], errors=0)},
            "worst_ms": 2.5,
            "worst_query": "a",
        }
    }
    results = {"benchmarks": {"endpoint": {"remote_overhead": overhead}}}
    rows = {str(row[0]): row[1:] for row in targets.check(results)}
    assert rows["... our service, over Virtuoso"] == [2.5, "no"]
    assert rows["... the store alone, over Virtuoso"] == [targets.NOT_MEASURED, "-"]
    over_oxigraph = "our service over Oxigraph server adds <= 1 ms to p50 (worst query)"
    assert rows[over_oxigraph] == [targets.NOT_MEASURED, "-"]
    table = report.remote_overhead({"remote_overhead": overhead})
    assert "| virtuoso | a | 2.5 | 4.5 | 2.0 | 2.5 | 1 | 0 |" in table
    assert "Worst query: virtuoso: 2.5 ms (a). Target: at most 1 ms." in table


def test_the_store_alone_is_timed_against_the_request_it_sends_raw(backend: Backend) -> None:
    """Against a real Oxigraph server: both sides answer, in pairs, and the table names the store."""
    query = Query("labels", "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    engine = Target(OXIGRAPH, backend.server.query_url, backend.server.process.pid)
    found = remote_cost.store_alone([engine], [query], pairs=5, seconds=60.0, timeout=30.0)
    figures = found[OXIGRAPH]["per_query"]["labels"]  # type: ignore[index]
    assert figures["pairs"] == 5
    assert figures["errors"] == 0
    assert figures["alone_p50_ms"] > 0 and figures["ours_p50_ms"] > 0
    assert found[OXIGRAPH]["worst_query"] == "labels"  # type: ignore[index]
    table = report.remote_overhead({"store_overhead": found})
    assert "### What the remote store adds: the remote store alone less the same request sent raw" in table
