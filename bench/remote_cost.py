"""What our remote store adds to a query: our service over an engine against that engine alone.

One client sends the same query to the engine alone and through our service over it (`Cache-Control:
no-cache`, so every answer is evaluated), one request after the other, in turn A B B A ..., so the drift of
a shared machine hits both alike. Each side keeps one keep-alive connection, as our store keeps its pool to
the engine. The figure is our p50 less the engine's p50 (target: at most 1 ms); the median of the paired
differences is given beside it. Each query is bounded by a count of pairs and by seconds.

The remote store alone (`store_alone`): in this process, the same request (query, dataset parameters,
Accept) sent raw and through `RemoteStore.query`, read to its last row, in turn. That difference is the
store's own cost (pooling, parsing, terms); the first figure adds our web stack on top of it, which the
embedded service pays too (section 2 of the report).
"""

from __future__ import annotations

import http.client
import statistics
import time
import urllib.parse
from collections.abc import Callable, Sequence

from bench.load import Call, percentile
from bench.mix import Query
from bench.systems import DIALECTS, Target, ours_over
from service.store import RemoteStore
from service.store.dialect import DIALECTS as STORE_DIALECTS
from service.store.remote import accept_for

Timed = Callable[[], float | None]  # one request's seconds, or None if it failed


class _Side:
    """One keep-alive connection to one system, timing one request at a time."""

    def __init__(self, call: Call, timeout: float) -> None:
        self.call, self.timeout = call, timeout
        self.connection = http.client.HTTPConnection(*call.host_port, timeout=timeout)
        self.errors = 0

    def timed(self) -> float | None:
        started = time.perf_counter()
        try:
            self.connection.request(
                self.call.method, self.call.target, self.call.body, dict(self.call.headers)
            )
            response = self.connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.errors += 1
            self.connection.close()
            self.connection = http.client.HTTPConnection(*self.call.host_port, timeout=self.timeout)
            return None
        if response.will_close:
            self.connection.close()
        if response.status != self.call.ok_status:
            self.errors += 1
            return None
        return time.perf_counter() - started


def paired(alone: Call, mine: Call, pairs: int, seconds: float, timeout: float) -> dict[str, object]:
    """Up to `pairs` pairs of requests, for up to `seconds` (a pair in flight finishes)."""
    sides = (_Side(alone, timeout), _Side(mine, timeout))
    summary = _in_turn((sides[0].timed, sides[1].timed), pairs, seconds)
    for side in sides:
        side.connection.close()
    return summary | {"errors": sides[0].errors + sides[1].errors}


def _in_turn(sides: Sequence[Timed], pairs: int, seconds: float) -> dict[str, object]:
    """Two sides timed in turn (A B B A ...), up to `pairs` pairs or `seconds`."""
    times: tuple[list[float], list[float]] = ([], [])
    deadline = time.perf_counter() + seconds
    turn = 0
    while len(times[0]) < pairs and time.perf_counter() < deadline:
        order = (0, 1) if turn % 2 == 0 else (1, 0)
        turn += 1
        got = {i: sides[i]() for i in order}
        if got[0] is not None and got[1] is not None:
            times[0].append(got[0])
            times[1].append(got[1])
    return _summary(*times, errors=0)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _summary(alone: list[float], mine: list[float], errors: int) -> dict[str, object]:
    if not alone:
        return {"pairs": 0, "errors": errors}
    alone_p50, mine_p50 = percentile(alone, 0.5), percentile(mine, 0.5)
    differences = [m - a for a, m in zip(alone, mine, strict=True)]
    return {
        "pairs": len(alone),
        "errors": errors,
        "alone_p50_ms": _ms(alone_p50),
        "ours_p50_ms": _ms(mine_p50),
        "added_p50_ms": _ms(mine_p50 - alone_p50),
        "median_paired_difference_ms": _ms(statistics.median(differences)),
    }


def remote_overhead(
    targets: list[Target], queries: list[Query], pairs: int, seconds: float, timeout: float
) -> dict[str, object]:
    """Per engine that we ran over: per query, and the worst query by added p50."""
    by_name = {t.name: t for t in targets}
    out: dict[str, object] = {}
    for engine in (e for e in DIALECTS if e in by_name and ours_over(e) in by_name):
        alone, mine = by_name[engine], by_name[ours_over(engine)]
        per_query = {q.name: paired(alone.call(q), mine.call(q), pairs, seconds, timeout) for q in queries}
        added = {q: float(f["added_p50_ms"]) for q, f in per_query.items() if "added_p50_ms" in f}  # type: ignore[arg-type]
        worst = max(added, key=lambda q: added[q]) if added else None
        out[engine] = {
            "per_query": per_query,
            "worst_ms": added[worst] if worst else None,
            "worst_query": worst,
        }
    return out


def _through_store(store: RemoteStore, query: Query) -> Timed:
    def timed() -> float | None:
        started = time.perf_counter()
        result = store.query(query.text)
        if result.kind == "select":
            for _ in result.rows():
                pass
        elif result.kind == "graph":
            for _ in result.triples():
                pass
        return time.perf_counter() - started

    return timed


def _as_the_store_asks(store: RemoteStore, endpoint: str, query: Query) -> Call:
    """The request `store` sends for `query`: its dataset parameters and Accept header."""
    body = urllib.parse.urlencode([("query", query.text), *store.dataset_params(None, None)]).encode()
    headers = (("Content-Type", "application/x-www-form-urlencoded"), ("Accept", accept_for(query.text)))
    return Call("POST", endpoint, body, headers)


def store_alone(
    targets: list[Target], queries: list[Query], pairs: int, seconds: float, timeout: float
) -> dict[str, object]:
    """Per engine and query: the request our store sends, raw and through the store, in this process."""
    out: dict[str, object] = {}
    for target in (t for t in targets if t.name in DIALECTS):
        store = RemoteStore(target.sparql, STORE_DIALECTS[DIALECTS[target.name]], read_timeout=timeout)
        per_query: dict[str, object] = {}
        for q in queries:
            raw = _Side(_as_the_store_asks(store, target.sparql, q), timeout)
            per_query[q.name] = _in_turn((raw.timed, _through_store(store, q)), pairs, seconds)
            raw.connection.close()
        store.close()
        added = {q: float(f["added_p50_ms"]) for q, f in per_query.items() if "added_p50_ms" in f}  # type: ignore[arg-type]
        worst = max(added, key=lambda q: added[q]) if added else None
        out[target.name] = {"per_query": per_query, "worst_ms": added[worst] if worst else None,
                            "worst_query": worst}  # fmt: skip
    return out
