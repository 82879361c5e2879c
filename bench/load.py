"""A small concurrent HTTP load client: threads, each with one keep-alive http.client connection.

Every loop is bounded twice, by a request count and by seconds; only loopback addresses are allowed.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")
SELECT_TYPE = "application/sparql-results+json"
GRAPH_TYPE = "application/n-triples"


@dataclass(frozen=True)
class Call:
    """One HTTP request, ready to send again and again."""

    method: str
    url: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    ok_status: int = 200

    @property
    def host_port(self) -> tuple[str, int]:
        parts = urlsplit(self.url)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"benchmarks talk to loopback only, not {parts.hostname}")
        return parts.hostname or "127.0.0.1", parts.port or 80

    @property
    def target(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def sparql_call(endpoint: str, query: str, accept: str, extra: tuple[tuple[str, str], ...] = ()) -> Call:
    """A SPARQL 1.1 Protocol query via POST with a URL-encoded body (what every system accepts)."""
    body = urlencode({"query": query}).encode()
    headers = (("Content-Type", "application/x-www-form-urlencoded"), ("Accept", accept), *extra)
    return Call("POST", endpoint, body, headers)


def page_call(url: str, accept: str = "text/html") -> Call:
    return Call("GET", url, None, (("Accept", accept),))


def fetch(call: Call, timeout: float = 120.0) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection: status, headers (lower-case names) and body."""
    connection = http.client.HTTPConnection(*call.host_port, timeout=timeout)
    try:
        connection.request(call.method, call.target, call.body, dict(call.headers))
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


@dataclass
class Slice:
    """What one bounded burst of load measured."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class _Budget:
    """A shared request counter and deadline for the threads of one slice."""

    def __init__(self, requests: int, seconds: float) -> None:
        self._left = requests
        self._deadline = time.perf_counter() + seconds
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0 or time.perf_counter() >= self._deadline:
                return False
            self._left -= 1
            return True


def _worker(call: Call, budget: _Budget, result: Slice, lock: threading.Lock, timeout: float) -> None:
    connection = http.client.HTTPConnection(*call.host_port, timeout=timeout)
    headers = dict(call.headers)
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    while budget.take():
        started = time.perf_counter()
        try:
            connection.request(call.method, call.target, call.body, headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(*call.host_port, timeout=timeout)
            continue
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.status == call.ok_status:
            latencies.append(time.perf_counter() - started)
        else:
            errors += 1
        if response.will_close:
            connection.close()
    connection.close()
    with lock:
        result.latencies += latencies
        result.errors += errors
        for status, n in statuses.items():
            result.statuses[status] = result.statuses.get(status, 0) + n


def run_load(
    call: Call, concurrency: int, max_requests: int, max_seconds: float, timeout: float = 60.0
) -> Slice:
    """Send `call` from `concurrency` threads until `max_requests` are sent or `max_seconds` pass.

    Requests already in flight at the deadline finish (each within `timeout`), so a slice of a slow
    system lasts at most max_seconds + timeout.
    """
    result, lock = Slice(), threading.Lock()
    budget = _Budget(max_requests, max_seconds)
    threads = [
        threading.Thread(target=_worker, args=(call, budget, result, lock, timeout), daemon=True)
        for _ in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 < fraction <= 1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarise(slices: list[Slice]) -> dict[str, object]:
    """Throughput per slice (median, min, max) and latency percentiles over every request."""
    latencies = [x for s in slices for x in s.latencies]
    rates = [s.throughput for s in slices]
    figures: dict[str, object] = {
        "requests_ok": len(latencies),
        "errors": sum(s.errors for s in slices),
        "req_per_s": spread(rates, 3),
    }
    if latencies:
        figures["p50_ms"] = round(percentile(latencies, 0.5) * 1000, 2)
        figures["p99_ms"] = round(percentile(latencies, 0.99) * 1000, 2)
    statuses: dict[str, int] = {}
    for s in slices:
        for status, n in s.statuses.items():
            statuses[str(status)] = statuses.get(str(status), 0) + n
    figures["statuses"] = statuses
    return figures


def spread(values: list[float], digits: int = 3) -> dict[str, float]:
    """Median, min and max of repeated measurements."""
    if not values:
        return {"median": 0.0, "min": 0.0, "max": 0.0}
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }
