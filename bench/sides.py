"""The query engine's blast radius: what each in-memory side costs, and what neighbours suffer when a bomb
is stopped.

For each number of sides (NHSKG_BENCH_SIDES, default "1,2"; "engine" starts the engine with its own
default, as a branch without the setting does): start the engine on the real build, time each side's
load and read its resident memory; then run CLIENTS clients sending short queries (bench/queries, the fast
ones) without a pause, each through a governor of its own, while a bomb (a COUNT over a triple cross
product) is stopped at BOMB_LIMIT seconds, BOMBS times, each once every side is up. A neighbour is any
query in flight when a bomb was stopped; "re-sent" counts the queries the governor had to send again
because the process answering them died, "failed" those whose answer broke after it had begun.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import ours
from bench.load import percentile
from bench.mix import load_queries
from service.query.engine import Engine
from service.query.job import QueryError, QueryJob, QueryTimeoutError
from service.query.runner import Governor
from tests.live import children

BOMB = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NEIGHBOUR_QUERIES = ("describe_entity", "members_on_date", "practice_parent_on_date", "succession_chain")
CLIENTS = 4
BOMBS = 3
BOMB_LIMIT = 2.0
QUICK_LIMIT = 60.0  # the neighbours' own limit, which no load reaches
BASELINE_SECONDS = 3.0
LOAD_LIMIT = 600.0


class CountingGovernor(Governor):
    """A governor that counts how many times it sent each job (more than once: the job was re-sent)."""

    sends = 0

    def _try(self, job: QueryJob) -> Any:
        self.sends += 1
        return super()._try(job)


@dataclass
class Sample:
    query: str
    started: float
    ended: float
    resent: bool
    failed: bool

    @property
    def ms(self) -> float:
        return (self.ended - self.started) * 1000


def _client(folder: Path, stop: threading.Event, samples: list[Sample]) -> None:
    queries = load_queries(list(NEIGHBOUR_QUERIES))
    governor = CountingGovernor(folder, 1, QUICK_LIMIT)
    turn = 0
    while not stop.is_set():
        query = queries[turn % len(queries)]
        turn += 1
        governor.sends = 0
        started = time.monotonic()
        failed = False
        try:
            answer = governor.run(QueryJob(query.text, solution_format="json", graph_format="ntriples"))
            b"".join(answer)
            answer.close()
        except QueryError:
            failed = True
        samples.append(Sample(query.name, started, time.monotonic(), governor.sends > 1, failed))
    governor.shutdown()


def _sides_up(folder: Path) -> int:
    return len(list(folder.glob("memory*.sock")))


def _wait_for_sides(folder: Path, sides: int, since: float) -> list[float]:
    """Seconds from `since` at which each of `sides` sides came up."""
    seen: list[float] = []
    deadline = time.monotonic() + LOAD_LIMIT
    while len(seen) < sides and time.monotonic() < deadline:
        up = _sides_up(folder)
        seen += [round(time.monotonic() - since, 2)] * max(0, up - len(seen))
        time.sleep(0.02)
    return seen


@contextmanager
def _engine(store: Path, sides: int | None) -> Iterator[Engine]:
    options = {} if sides is None else {"memory_sides": sides}
    engine = Engine.start(store, "memory", **options)  # type: ignore[arg-type]
    try:
        yield engine
    finally:
        engine.stop()


def _bombs(engine: Engine, sides: int) -> list[dict[str, float]]:
    """Each bomb's start, its stop, and when every side was up again."""
    governor = Governor(engine.folder, 1, BOMB_LIMIT)
    out = []
    for _ in range(BOMBS):
        _wait_for_sides(engine.folder, sides, time.monotonic())
        started = time.monotonic()
        try:
            b"".join(governor.run(QueryJob(BOMB)))
        except QueryTimeoutError:
            pass
        stopped = time.monotonic()
        while _sides_up(engine.folder) == sides and time.monotonic() < stopped + 2:
            time.sleep(0.01)  # the side may take a moment to go
        back = _wait_for_sides(engine.folder, sides, stopped)
        out.append({"started": started, "stopped": stopped, "all_up_after_s": back[-1] if back else -1})
    governor.shutdown()
    return out


def _summary(samples: list[Sample], baseline: dict[str, float]) -> dict[str, object]:
    if not samples:
        return {"queries": 0}
    added = [s.ms - baseline[s.query] for s in samples]
    resent = [s.ms - baseline[s.query] for s in samples if s.resent]
    return {
        "queries": len(samples),
        "resent": sum(s.resent for s in samples),
        "failed": sum(s.failed for s in samples),
        "added_ms_mean": round(statistics.fmean(added), 1),
        "added_ms_max": round(max(added), 1),
        "resent_added_ms_mean": round(statistics.fmean(resent), 1) if resent else 0.0,
    }


def _analyse(samples: list[Sample], bombs: list[dict[str, float]], first_bomb: float) -> dict[str, object]:
    before = [s for s in samples if s.ended < first_bomb]
    baseline = {
        name: statistics.median([s.ms for s in before if s.query == name] or [0.0])
        for name in NEIGHBOUR_QUERIES
    }
    in_flight = [s for s in samples for b in bombs if s.started < b["stopped"] < s.ended]
    recovering = [
        s for s in samples for b in bombs if b["stopped"] <= s.started < b["stopped"] + b["all_up_after_s"]
    ]
    return {
        "baseline_p50_ms": {k: round(v, 2) for k, v in baseline.items()},
        "baseline_p99_ms": round(percentile([s.ms for s in before], 0.99), 1) if before else None,
        "in_flight_at_stop": _summary(in_flight, baseline),
        "sent_while_a_side_was_missing": _summary(recovering, baseline),
        "all_up_again_after_s": [round(b["all_up_after_s"], 2) for b in bombs],
        "total": {
            "queries": len(samples),
            "resent": sum(s.resent for s in samples),
            "failed": sum(s.failed for s in samples),
        },  # fmt: skip
    }


def measure(store: Path, sides: int | None) -> dict[str, object]:
    started = time.monotonic()
    with _engine(store, sides) as engine:
        expected = sides or 1
        ready = _wait_for_sides(engine.folder, expected, started)
        pids = children(engine.process.pid)
        figures: dict[str, object] = {
            "sides": expected,
            "ready_after_s": ready,
            "load_s_each": [ready[0], *(round(b - a, 2) for a, b in zip(ready, ready[1:], strict=False))],
            "rss_mb_each": [ours.rss_mb(pid) for pid in pids],
        }
        stop = threading.Event()
        samples: list[Sample] = []
        clients = [
            threading.Thread(target=_client, args=(engine.folder, stop, samples), daemon=True)
            for _ in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        time.sleep(BASELINE_SECONDS)
        bombs = _bombs(engine, expected)
        stop.set()
        for client in clients:
            client.join(QUICK_LIMIT)
        figures |= _analyse(samples, bombs, bombs[0]["started"])
    return figures


def configurations() -> list[int | None]:
    text = os.environ.get("NHSKG_BENCH_SIDES", "1,2")
    return [None if part == "engine" else int(part) for part in text.split(",") if part]


def run() -> dict[str, object]:
    store = ours.built_store(ours.settings())
    plan = {"clients": CLIENTS, "bombs": BOMBS, "bomb_limit_s": BOMB_LIMIT, "bomb": BOMB,
            "neighbours": list(NEIGHBOUR_QUERIES)}  # fmt: skip
    results: dict[str, object] = {"plan": plan, "store": store.name, "load_average_before": os.getloadavg()}
    for sides in configurations():
        results[f"sides={sides or 'engine default'}"] = measure(store, sides)
    results["load_average_after"] = os.getloadavg()  # other work on the machine slows loads the most
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
