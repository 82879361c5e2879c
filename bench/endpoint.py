"""Benchmarks 1 and 2: our endpoint (embedded, over Oxigraph server, over Virtuoso) against the engines
alone (Oxigraph server, Virtuoso, rdflib-endpoint), then against the in-process floor.

Same triples (the N-Quads export of our built store), same .rq files, same load client. Each round runs
every query on every system in turn (A B C A B C), so drift of the machine hits all of them alike. The
systems are started by bench/systems.py; what our remote store adds to a query is measured by
bench/remote_cost.py.
"""

from __future__ import annotations

import math
import os
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench import ours, remote_cost
from bench.load import Slice, fetch, run_load, summarise
from bench.mix import Answer, Query, in_process, in_process_summary, load_queries, read_answer
from bench.systems import (
    CACHED,
    DIALECTS,
    ENGINES,
    OURS,
    OURS_BOTH,
    Target,
    is_ours,
    ours_over,
    start_systems,
)


@dataclass
class Plan:
    """How hard and how long to push; every loop is bounded by both a count and seconds."""

    rounds: int = 3
    slice_seconds: float = 2.0
    slice_requests: int = 5000
    concurrency: int = 4
    request_timeout: float = 60.0
    rdflib_subset: int | None = None
    sequential_requests: int = 200
    # A (system, query) whose single check request takes longer than this is not loaded again: that one
    # request is its sample (a 100x gap needs no second decimal, and 20 minutes is the whole budget).
    slow_request_s: float = 10.0
    check_timeout: float = 900.0
    # Ours over an engine against it alone: sequential_requests pairs at most, for this long, per query.
    paired_seconds: float = 8.0


Timings = dict[tuple[str, str], float]
Sequential = dict[str, dict[str, dict[str, object]]]


def check_answers(
    targets: list[Target], queries: list[Query], timeout: float
) -> tuple[dict[str, object], Timings]:
    """One request per (system, query): result counts side by side, whether they agree, and its time."""
    table: dict[str, object] = {}
    timings: Timings = {}
    for query in queries:
        answers = {}
        for target in targets:
            started = time.perf_counter()
            status, headers, body = fetch(target.call(query), timeout)
            timings[(target.name, query.name)] = time.perf_counter() - started
            answers[target.name] = read_answer(status, headers, body, query)
        reference = answers[OURS]
        table[query.name] = {
            "results": {name: a.count for name, a in answers.items()},
            "statuses": {name: a.status for name, a in answers.items()},
            "same_count": all(a.count == reference.count for a in answers.values()),
            "same_results": all(a.fingerprint == reference.fingerprint for a in answers.values()),
            "differences": {
                name: difference(reference, a)
                for name, a in answers.items()
                if a.fingerprint != reference.fingerprint
            },
        }
    return table, timings


def difference(ours_answer: Answer, other: Answer, shown: int = 3) -> dict[str, object]:
    """A few rows that only one side returned, to see why two systems disagree."""
    mine, theirs = ours_answer.fingerprint or frozenset(), other.fingerprint or frozenset()
    return {
        "only_ours": [dict(row) for row in sorted(mine - theirs)[:shown]],
        "only_theirs": [dict(row) for row in sorted(theirs - mine)[:shown]],
        "only_ours_count": len(mine - theirs),
        "only_theirs_count": len(theirs - mine),
    }


def interleave(
    targets: list[Target], queries: list[Query], plan: Plan, timings: Timings
) -> dict[tuple[str, str], list[Slice]]:
    """rounds x queries x systems, each a bounded slice of concurrent load; slow pairs keep their one."""
    slow = {key for key, seconds in timings.items() if seconds > plan.slow_request_s}
    slices = {key: [Slice(latencies=[timings[key]], seconds=timings[key], statuses={200: 1})] for key in slow}
    for _ in range(plan.rounds):
        for query in queries:
            for target in targets:
                if (target.name, query.name) in slow:
                    continue
                burst = run_load(
                    target.call(query),
                    plan.concurrency,
                    plan.slice_requests,
                    plan.slice_seconds,
                    plan.request_timeout,
                )
                slices.setdefault((target.name, query.name), []).append(burst)
    return slices


def sequential_p50(target: Target, queries: list[Query], plan: Plan) -> dict[str, dict[str, object]]:
    """One client, one request at a time: the latency without queueing, to set against in-process."""
    out = {}
    for query in queries:
        burst = run_load(
            target.call(query), 1, plan.sequential_requests, plan.slice_seconds * 2, plan.request_timeout
        )
        out[query.name] = summarise([burst])
    return out


def mix_throughput(per_query: dict[str, float]) -> float:
    """Requests per second for an equal share of every query: n / sum(1 / rate)."""
    rates = list(per_query.values())
    if not rates or any(r <= 0 for r in rates):
        return 0.0
    return len(rates) / sum(1 / r for r in rates)


def _ratio(mine: float, theirs: float) -> float | None:
    return round(mine / theirs, 2) if theirs else None


def geometric_mean(values: list[float]) -> float | None:
    return round(math.exp(sum(map(math.log, values)) / len(values)), 2) if values else None


def _compared(mine: dict[str, float], other: dict[str, float]) -> dict[str, object]:
    per_query = {q: mine[q] / r if r and q in mine else None for q, r in other.items()}
    finite = [v for v in per_query.values() if v]
    return {
        "per_query": {q: round(v, 2) if v else None for q, v in per_query.items()},
        "geometric_mean": geometric_mean(finite),
        "mix": _ratio(mix_throughput(mine), mix_throughput(other)),
    }


def ratios(throughput: dict[str, dict[str, dict[str, object]]]) -> dict[str, object]:
    """By median req/s, per query, for the mix, and their geometric mean: ours embedded / each engine,
    and ours over each engine / that engine alone."""
    rate = {
        system: {q: float(f["req_per_s"]["median"]) for q, f in per.items()}  # type: ignore[index]
        for system, per in throughput.items()
    }
    pairs = [(mine, other) for mine in OURS_BOTH for other in ENGINES]
    pairs += [(ours_over(e, cached), e) for e in DIALECTS for cached in (False, True)]
    out: dict[str, object] = {
        f"{mine}/{other}": _compared(rate[mine], rate[other])
        for mine, other in pairs
        if mine in rate and other in rate
    }
    out["mix_req_per_s"] = {system: round(mix_throughput(r), 2) for system, r in rate.items()}
    return out


def limit(
    store_path: Path, queries: list[Query], http: dict[str, dict[str, dict[str, object]]]
) -> dict[str, object]:
    """Benchmark 2: the same queries in-process on pyoxigraph (the store as the query engine holds it),
    and our HTTP p50, evaluated and from the result cache, as a multiple of it."""
    store = ours.open_store(store_path)
    table: dict[str, object] = {}
    for query in queries:
        in_process(store, query, 20, 2.0)  # warm the caches as the server's are
        floor = in_process_summary(in_process(store, query))
        row: dict[str, object] = {"in_process": floor}
        for system, key in ((OURS, "http"), (OURS_BOTH[1], "http_cached")):
            p50 = float(http[system][query.name].get("p50_ms", 0.0))  # type: ignore[arg-type]
            row[f"{key}_sequential_p50_ms"] = p50
            row[f"{key}_over_in_process"] = round(p50 / floor["p50_ms"], 2) if floor["p50_ms"] else None
        table[query.name] = row
    return table


def _measure(
    targets: list[Target], queries: list[Query], plan: Plan, report: dict[str, object]
) -> Sequential:
    """Check the answers, load every system, then one client at a time on every system but rdflib."""
    report["load_average_seen"] = {"before": os.getloadavg()}
    print(f"  systems up: {report['systems']}; checking answers ...", flush=True)
    report["correctness"], timings = check_answers(targets, queries, plan.check_timeout)
    print(f"  load: {plan.rounds} rounds x {len(queries)} queries x {len(targets)} systems ...", flush=True)
    slices = interleave(targets, queries, plan, timings)
    report["single_request_only"] = sorted(
        f"{s}: {q}" for (s, q), t in timings.items() if t > plan.slow_request_s
    )
    report["memory_mb_after_load"] = {
        t.name: ours.memory_of(t.pid) if is_ours(t.name) else ours.rss_mb(t.pid)
        for t in targets
        if not t.name.endswith(CACHED)  # the same server as the one evaluated
    }
    report["load_average_seen"]["after_load"] = os.getloadavg()  # type: ignore[index]
    print("  one client at a time ...", flush=True)
    sequential = {t.name: sequential_p50(t, queries, plan) for t in targets if t.name in OURS_BOTH}
    print("  ours over each engine against the engine alone, in turn ...", flush=True)
    report["remote_overhead"] = remote_cost.remote_overhead(
        targets, queries, plan.sequential_requests, plan.paired_seconds, plan.request_timeout
    )
    report["store_overhead"] = remote_cost.store_alone(
        targets, queries, plan.sequential_requests, plan.paired_seconds, plan.request_timeout
    )
    report["load_average_seen"]["after_sequential"] = os.getloadavg()  # type: ignore[index]
    throughput: dict[str, dict[str, dict[str, object]]] = {}
    for (system, query), bursts in slices.items():
        throughput.setdefault(system, {})[query] = summarise(bursts)
    report["throughput"] = throughput
    return sequential


def run(plan: Plan | None = None) -> dict[str, object]:
    plan = plan or Plan(rdflib_subset=int(os.environ.get("NHSKG_BENCH_RDFLIB_SUBSET", "0")) or None)
    config = ours.settings()
    store = ours.built_store(config)
    nquads, export_s = ours.export_nquads(store)
    print(f"  store {store.name}, export {nquads} ({export_s:.0f} s); starting the systems ...", flush=True)
    queries = load_queries()
    report: dict[str, object] = {"plan": plan.__dict__, "export": {"file": nquads.name, "seconds": export_s}}
    with ExitStack() as stack:
        targets, missing = start_systems(stack, config, nquads, plan.rdflib_subset)
        report["systems"] = {t.name: t.setup for t in targets} | missing
        sequential = _measure(targets, queries, plan, report)
    report["ratios"] = ratios(report["throughput"])  # type: ignore[arg-type]
    report["ours_sequential"] = sequential[OURS]
    report["ours_cached_sequential"] = sequential[OURS_BOTH[1]]
    print("  in-process limit ...", flush=True)
    report["limit"] = limit(store, queries, sequential)
    return report
