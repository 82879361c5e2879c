"""Build and start-up costs: a cold build, a no-op rebuild, and a server restart with a built store."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from bench import ours
from tests.live import live_server, raw_get

ROOT = Path(__file__).resolve().parents[1]
NHSKG = str(Path(sys.executable).parent / "nhskg")


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env={**os.environ, **env}, check=True, capture_output=True)
    return time.perf_counter() - started


def restart_seconds(env: dict[str, str]) -> float:
    started = time.perf_counter()
    with live_server(env, ["--workers", "2"]):
        return time.perf_counter() - started


def restart_figures(env: dict[str, str], limit: float = 120.0) -> dict[str, float | None]:
    """Seconds from `nhskg serve` to /healthz answering, to the first query answered (evaluated, not
    from a cache) and to the query engine's in-memory side being up."""
    ask = "/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"})
    started = time.perf_counter()
    with live_server(env, ["--workers", "2"]) as server:
        healthy = time.perf_counter() - started
        first = None
        while first is None and time.perf_counter() - started < limit:
            if raw_get(server.url, ask, {"Cache-Control": "no-cache"})[0] == 200:
                first = time.perf_counter() - started
        up = ours.wait_for_memory_engine(server.process.pid, limit - (time.perf_counter() - started))
        memory = time.perf_counter() - started if up else None
    return {"healthy_s": healthy, "first_query_s": first, "memory_engine_s": memory}


def run(repeats: int = 3) -> dict[str, object]:
    cache = Path(tempfile.mkdtemp(prefix="nhskg-bench-"))
    env = {"NHSKG_ROOT": str(ROOT), "NHSKG_CACHE_DIR": str(cache), "CI": "1"}
    try:
        cold = _timed([NHSKG, "build"], env)
        noop = [_timed([NHSKG, "build"], env) for _ in range(repeats)]
        restarts = [restart_figures(env) for _ in range(repeats)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "cold_build_s": round(cold, 2),
        "noop_build_s": _summary(noop),
        "restart_to_healthy_s": _summary([r["healthy_s"] for r in restarts]),
        "restart_to_first_query_s": _summary([r["first_query_s"] for r in restarts]),
        "restart_to_memory_engine_s": _summary([r["memory_engine_s"] for r in restarts]),
    }


def _summary(measured: Sequence[float | None]) -> dict[str, float]:
    values = [v for v in measured if v is not None]
    if not values:
        return {}
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }
