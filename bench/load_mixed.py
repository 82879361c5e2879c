"""Mixed traffic against a live `nhskg serve` on loopback: pages, search and SPARQL from many connections.

    python -m bench.load_mixed [--seconds 60] [--connections 32] [--max-requests 200000] [--fixture]

bench/load.py drives one request shape at a time; this sends a rotating mix of them from each connection,
bounded by seconds and by a request count, and reports errors, latency percentiles and the resident
memory (VmRSS) of the gunicorn workers and their query processes after a warm-up and at the end. With
--fixture it serves the tiny test project instead of the real data (a smoke run).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import shutil
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.load import SELECT_TYPE, Call, page_call, percentile, sparql_call
from tests.live import children, descendants, live_server, resident_kb

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "project"
QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/ns/org#Organization> }",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 50",
    "ASK { ?s ?p ?o }",
]


def mixed_calls(url: str, entities: list[str]) -> list[Call]:
    """Pages, search and SPARQL in the proportions a public service sees (pages first)."""
    calls = [page_call(f"{url}/doc/{path}") for path in entities]
    calls += [page_call(f"{url}/doc/{path}.ttl", "text/turtle") for path in entities[:2]]
    calls += [page_call(f"{url}/search?{urlencode({'q': q})}") for q in ("darlington", "north", "00C")]
    calls += [page_call(f"{url}/search.json?{urlencode({'q': 'ccg'})}", "application/json")]
    calls += [sparql_call(f"{url}/sparql", q, SELECT_TYPE) for q in QUERIES]
    calls += [page_call(f"{url}/healthz", "application/json")]
    return calls


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _connection(call: Call) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(*call.host_port, timeout=60)


def _client(
    calls: list[Call], start: int, deadline: float, budget: itertools.count[int], cap: int, tally: Tally
) -> None:
    rotation = itertools.islice(itertools.cycle(calls), start, None)
    connection = _connection(calls[0])
    mine: list[float] = []
    while time.monotonic() < deadline and next(budget) < cap:
        call = next(rotation)
        started = time.perf_counter()
        try:
            connection.request(call.method, call.target, call.body, dict(call.headers))
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            with tally.lock:
                tally.errors.append(f"{call.target[:60]}: {exc!r}")
            connection.close()
            connection = _connection(call)
            continue
        with tally.lock:
            tally.statuses[response.status] = tally.statuses.get(response.status, 0) + 1
            if response.status != call.ok_status:
                tally.errors.append(f"{call.target[:60]}: {response.status}")
        mine.append(time.perf_counter() - started)
        if response.will_close:
            connection.close()
    connection.close()
    with tally.lock:
        tally.latencies += mine


def run_mixed(calls: list[Call], connections: int, seconds: float, max_requests: int) -> Tally:
    tally, budget = Tally(), itertools.count()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(calls, i, deadline, budget, max_requests, tally), daemon=True)
        for i in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def workers_rss_kb(server_pid: int) -> tuple[int, int]:
    """(KiB of VmRSS summed over the workers and their query processes, how many processes)."""
    pids = [p for worker in children(server_pid) for p in (worker, *descendants(worker))]
    return sum(resident_kb(p) for p in pids), len(pids)


def entity_paths(url: str) -> list[str]:
    """A few entities to ask for: found through the service's own search."""
    found: list[str] = []
    for q in ("ccg", "pct", "sha", "icb", "darlington"):
        with urllib.request.urlopen(f"{url}/search.json?{urlencode({'q': q})}") as r:
            found += [h["href"].removeprefix("/doc/") for h in json.load(r) if h["href"].startswith("/doc/")]
    return sorted(set(found))[:20] or ["ccg/00C", "ccg/00D", "ccg/00K"]


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.load_mixed", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warm-up", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fixture", action="store_true", help="serve tests/data/project instead")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k.startswith("NHSKG_")}
    scratch = Path(tempfile.mkdtemp(prefix="nhskg-load-"))
    if args.fixture:
        shutil.copytree(FIXTURE, scratch / "project")
        env |= {"NHSKG_ROOT": str(scratch / "project"), "NHSKG_CACHE_DIR": str(scratch / "cache")}
        env["NHSKG_VALIDATE_ON_BUILD"] = "false"
    try:
        with live_server(
            env, ["--workers", str(args.workers)], timeout=900, log=scratch / "server.log"
        ) as server:
            calls = mixed_calls(server.url, entity_paths(server.url))
            run_mixed(calls, args.connections, args.warm_up, args.max_requests)
            rss_start, processes_start = workers_rss_kb(server.process.pid)
            started = time.monotonic()
            tally = run_mixed(calls, args.connections, args.seconds, args.max_requests)
            elapsed = time.monotonic() - started
            rss_end, processes_end = workers_rss_kb(server.process.pid)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures: dict[str, object] = {
        "seconds": round(elapsed, 1),
        "connections": args.connections,
        "kinds_of_request": len(calls),
        "requests": len(tally.latencies) + len(tally.errors),
        "errors": len(tally.errors),
        "first_errors": tally.errors[:5],
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "req_per_s": round(len(tally.latencies) / elapsed, 1),
        "p50_ms": round(percentile(tally.latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 1),
        "max_ms": round(max(tally.latencies) * 1000, 1),
        "rss_mib_after_warm_up": round(rss_start / 1024, 1),
        "rss_mib_at_end": round(rss_end / 1024, 1),
        "rss_growth_pct": round(100 * (rss_end - rss_start) / rss_start, 1),
        "processes": [processes_start, processes_end],
    }
    print(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
