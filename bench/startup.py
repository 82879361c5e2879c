"""Build and start-up costs: a cold build, a no-op rebuild, and a server restart with a built store."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.live import live_server

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


def run(repeats: int = 3) -> dict[str, object]:
    cache = Path(tempfile.mkdtemp(prefix="nhskg-bench-"))
    env = {"NHSKG_ROOT": str(ROOT), "NHSKG_CACHE_DIR": str(cache), "CI": "1"}
    try:
        cold = _timed([NHSKG, "build"], env)
        noop = [_timed([NHSKG, "build"], env) for _ in range(repeats)]
        restarts = [restart_seconds(env) for _ in range(repeats)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "cold_build_s": round(cold, 2),
        "noop_build_s": _summary(noop),
        "restart_to_healthy_s": _summary(restarts),
    }


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }
