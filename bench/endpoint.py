"""Benchmarks 1 and 2: our endpoint against rdflib-endpoint and Virtuoso, then against the in-process floor.

Same triples (the N-Quads export of our built store), same .rq files, same load client. Each round runs
every query on every system in turn (A B C A B C), so drift of the machine hits all three alike.
"""

from __future__ import annotations

import math
import os
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench import ours, rdflib_ep
from bench.load import Call, Slice, fetch, run_load, sparql_call, summarise
from bench.mix import Answer, Query, in_process, in_process_summary, load_queries, read_answer
from service.config import Settings
from tests.engines import virtuoso

OURS, OURS_CACHED, RDFLIB, VIRTUOSO = "ours", "ours, result cache", "rdflib-endpoint", "virtuoso"
OURS_BOTH = (OURS, OURS_CACHED)
# "ours" asks for an evaluation every time; "ours, result cache" asks as any client does, so after its
# first request each worker answers from the answers it keeps (service/result_cache.py).
FRESH = (("Cache-Control", "no-cache"),)


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


@dataclass
class Target:
    name: str
    sparql: str
    pid: int
    setup: dict[str, object] = field(default_factory=dict)
    headers: tuple[tuple[str, str], ...] = ()

    def call(self, query: Query) -> Call:
        return sparql_call(self.sparql, query.text, query.accept, self.headers)


def _start_ours(stack: ExitStack, config: Settings) -> list[Target]:
    server = stack.enter_context(ours.our_service(config))
    setup: dict[str, object] = {"workers": 2, "server": "gunicorn gthread", "query_store": config.query_store}
    _wait_for_memory_engine(server.process.pid, config)
    fresh = Target(OURS, server.sparql, server.process.pid, setup, FRESH)
    return [fresh, Target(OURS_CACHED, server.sparql, server.process.pid, setup)]


def _wait_for_memory_engine(arbiter: int, config: Settings, seconds: float = 120.0) -> None:
    """With the in-memory engine, wait until its in-memory side answers (it loads for a few seconds after
    the server is up), so that no measurement mixes the two."""
    if config.query_store != "memory":
        return
    ours.wait_for_memory_engine(arbiter, seconds, poll=0.5)
    time.sleep(1.0)  # the governors replace their disk-side workers


def _start_rdflib(stack: ExitStack, nquads: Path, subset: int | None) -> Target:
    ep = stack.enter_context(rdflib_ep.rdflib_endpoint(nquads, subset))
    setup = {
        "load_s": ep.load_seconds,
        "quads": ep.quads,
        "rss_mb_after_load": ep.rss_mb_after_load,
        "subset_quads": ep.subset,
        "workers": 1,
        "versions": ep.versions,
    }
    return Target(RDFLIB, ep.sparql, ep.pid, setup)


def _start_virtuoso(stack: ExitStack, nquads: Path) -> Target:
    vi = stack.enter_context(virtuoso.virtuoso(nquads))
    setup = {"load_s": round(vi.load_seconds, 1), "quads": vi.quads, "version": vi.version}
    return Target(VIRTUOSO, vi.sparql, vi.pid, setup)


def start_systems(
    stack: ExitStack, config: Settings, nquads: Path, plan: Plan
) -> tuple[list[Target], dict[str, str]]:
    """Every system that can run here; the others are named with the reason they are missing."""
    targets = _start_ours(stack, config)
    missing: dict[str, str] = {}
    try:
        targets.append(_start_rdflib(stack, nquads, plan.rdflib_subset))
    except (RuntimeError, TimeoutError, OSError) as exc:
        missing[RDFLIB] = f"not available: {exc}"
    if virtuoso.available():
        try:
            targets.append(_start_virtuoso(stack, nquads))
        except (RuntimeError, OSError) as exc:
            missing[VIRTUOSO] = f"not available: {exc}"
    else:
        missing[VIRTUOSO] = "not available: virtuoso-t not installed (apt-get install virtuoso-opensource)"
    return targets, missing


Timings = dict[tuple[str, str], float]


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


def ratios(throughput: dict[str, dict[str, dict[str, object]]]) -> dict[str, object]:
    """ours / other per query (median req/s), for the mix, and their geometric mean."""
    out: dict[str, object] = {}
    rate = {
        system: {q: float(f["req_per_s"]["median"]) for q, f in per.items()}  # type: ignore[index]
        for system, per in throughput.items()
    }
    for mine in (s for s in OURS_BOTH if s in rate):
        for other in (s for s in rate if s not in OURS_BOTH):
            per_query = {q: rate[mine][q] / r if r else None for q, r in rate[other].items()}
            finite = [v for v in per_query.values() if v]
            out[f"{mine}/{other}"] = {
                "per_query": {q: round(v, 2) if v else None for q, v in per_query.items()},
                "geometric_mean": geometric_mean(finite),
                "mix": _ratio(mix_throughput(rate[mine]), mix_throughput(rate[other])),
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
        for system, key in ((OURS, "http"), (OURS_CACHED, "http_cached")):
            p50 = float(http[system][query.name].get("p50_ms", 0.0))  # type: ignore[arg-type]
            row[f"{key}_sequential_p50_ms"] = p50
            row[f"{key}_over_in_process"] = round(p50 / floor["p50_ms"], 2) if floor["p50_ms"] else None
        table[query.name] = row
    return table


def run(plan: Plan | None = None) -> dict[str, object]:
    plan = plan or Plan(rdflib_subset=int(os.environ.get("NHSKG_BENCH_RDFLIB_SUBSET", "0")) or None)
    config = ours.settings()
    store = ours.built_store(config)
    nquads, export_s = ours.export_nquads(store)
    print(f"  store {store.name}, export {nquads} ({export_s:.0f} s); starting the systems ...", flush=True)
    queries = load_queries()
    report: dict[str, object] = {"plan": plan.__dict__, "export": {"file": nquads.name, "seconds": export_s}}
    with ExitStack() as stack:
        targets, missing = start_systems(stack, config, nquads, plan)
        report["systems"] = {t.name: t.setup for t in targets} | missing
        print(f"  systems up: {report['systems']}; checking answers ...", flush=True)
        report["correctness"], timings = check_answers(targets, queries, plan.check_timeout)
        print(
            f"  load: {plan.rounds} rounds x {len(queries)} queries x {len(targets)} systems ...", flush=True
        )
        slices = interleave(targets, queries, plan, timings)
        report["single_request_only"] = sorted(
            f"{s}: {q}" for (s, q), t in timings.items() if t > plan.slow_request_s
        )
        report["memory_mb_after_load"] = {
            OURS: ours.memory_of(targets[0].pid),
            **{t.name: ours.rss_mb(t.pid) for t in targets if t.name not in OURS_BOTH},
        }
        print("  ours, one client at a time ...", flush=True)
        sequential = {t.name: sequential_p50(t, queries, plan) for t in targets if t.name in OURS_BOTH}
    throughput: dict[str, dict[str, dict[str, object]]] = {}
    for (system, query), bursts in slices.items():
        throughput.setdefault(system, {})[query] = summarise(bursts)
    report["throughput"] = throughput
    report["ratios"] = ratios(throughput)
    report["ours_sequential"] = sequential[OURS]
    report["ours_cached_sequential"] = sequential[OURS_CACHED]
    print("  in-process limit ...", flush=True)
    report["limit"] = limit(store, queries, sequential)
    return report
