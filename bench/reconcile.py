"""Benchmark: the reconciliation service (/reconcile) answering a batch of 10 queries, as OpenRefine sends
them (names with a type and a date), one batch at a time on a warm server: p50 and p90 per batch.

The batch is the first 10 cases of the accuracy test's list (tests/e2e/data/reconcile_evaluation.json).
Target: p50 under 200 ms (issue 19).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import ours
from bench.load import Call, fetch, percentile

CASES = Path(__file__).parents[1] / "tests" / "e2e" / "data" / "reconcile_evaluation.json"
NHS = "https://w3id.org/nhs-commissioning/def#"
TARGET_P50_MS = 200.0


def batch_query(case: dict[str, str]) -> dict[str, object]:
    """One case of the list as a reconciliation query."""
    query: dict[str, object] = {"query": case["query"]}
    if "type" in case:
        query["type"] = NHS + case["type"]
    properties = [{"pid": pid, "v": case[pid]} for pid in ("aliveOn", "parent") if pid in case]
    if properties:
        query["properties"] = properties
    return query


def batch_call(base: str, size: int = 10) -> Call:
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"][:size]
    body = urlencode({"queries": json.dumps({f"q{i}": batch_query(c) for i, c in enumerate(cases)})}).encode()
    headers = (("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"))
    return Call("POST", f"{base}/reconcile", body, headers)


def run(batches: int = 60, warm: int = 5) -> dict[str, object]:
    config = ours.settings()
    ours.built_store(config)
    with ours.our_service(config, workers=1) as server:
        call = batch_call(server.url)
        for _ in range(warm):
            fetch(call)
        times = []
        for _ in range(batches):
            started = time.perf_counter()
            status, _, _ = fetch(call)
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200
    p50 = percentile(times, 0.5)
    return {
        "batches": batches,
        "batch_size": 10,
        "p50_ms": round(p50, 1),
        "p90_ms": round(percentile(times, 0.9), 1),
        "max_ms": round(max(times), 1),
        "target_p50_ms": TARGET_P50_MS,
        "met": p50 < TARGET_P50_MS,
    }


def render(figures: dict[str, object]) -> list[str]:
    return [
        "## Reconciliation: a batch of 10 queries",
        "",
        "| batches | p50 ms | p90 ms | max ms | target p50 ms | met |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| {figures['batches']} | {figures['p50_ms']} | {figures['p90_ms']} | {figures['max_ms']} |"
        f" {figures['target_p50_ms']} | {figures['met']} |",
        "",
    ]
