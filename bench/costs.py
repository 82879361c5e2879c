"""Benchmark 4: what the service costs (build, validation, restart, memory) and how that grows with data.

Each factor is a temporary project (bench.scaled) with its own cache folder, driven through the `nhskg`
command like a user would. Every step has a timeout, and the whole a time budget: when the budget is
spent, the larger factors are skipped and the results say so.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench import ours, scaled, startup
from bench.load import page_call, run_load, sparql_call
from bench.mix import load_queries
from tests.live import live_server

STEP_TIMEOUT_S = 900.0
# x1 takes ~2 min on the 2-core machine (build ~50 s, validation ~30 s, serving); x1 to x8, ~15 times that.
BUDGET_S = 2700.0


def _gist(stderr: str, lines: int = 4) -> str:
    """The first lines of a failure, on one line, so that it fits a Markdown table cell."""
    return " / ".join(line.strip() for line in stderr.strip().splitlines()[:lines]).replace("|", "\\|")


class StepFailedError(RuntimeError):
    pass


def _timed(command: list[str], env: dict[str, str], timeout: float) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        out = subprocess.run(
            command, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise StepFailedError(f"{' '.join(command[1:])}: over {timeout:.0f} s") from exc
    if out.returncode not in (0, 1):
        raise StepFailedError(f"{' '.join(command[1:])}: exit {out.returncode}: {_gist(out.stderr)}")
    if out.returncode == 1 and command[1] == "build":
        raise StepFailedError(f"build failed: {_gist(out.stderr)}")
    return time.perf_counter() - started, out.returncode


def _serve_figures(env: dict[str, str], restarts: int = 3) -> dict[str, object]:
    """Restarts to healthy (the first then loads the query mix and a page), and VmRSS of each worker."""
    started = time.perf_counter()
    with live_server(env, ["--workers", "2"], timeout=300) as server:
        first = time.perf_counter() - started
        for query in load_queries():
            run_load(sparql_call(server.sparql, query.text, query.accept), 4, 200, 1.0, 30.0)
        run_load(page_call(f"{server.url}/doc/pct/5NT"), 4, 500, 1.0, 30.0)
        memory = ours.memory_of(server.process.pid)
    seconds = [first] + [startup.restart_seconds(env) for _ in range(restarts - 1)]
    return {
        "restart_to_healthy_s": round(statistics.median(seconds), 2),
        "worker_rss_mb": memory["workers"],
        "worker_plus_query_processes_mb": memory["worker_plus_its_query_processes"],
    }


def measure(factor: int, timeout: float) -> dict[str, object]:
    root = ours.settings().root
    project = scaled.make_project(root, factor)
    cache = Path(tempfile.mkdtemp(prefix="nhskg-bench-cache-"))
    env = {"NHSKG_ROOT": str(project), "NHSKG_CACHE_DIR": str(cache), "CI": "1"}
    figures: dict[str, object] = {"turtle_mb": round(scaled.turtle_bytes(project) / 1e6, 1)}
    try:
        figures["cold_build_s"] = round(_timed([ours.NHSKG, "build"], env, timeout)[0], 2)
        figures["triples"] = _triples(env)
        figures["noop_build_s"] = round(_timed([ours.NHSKG, "build"], env, timeout)[0], 2)
        seconds, code = _timed([ours.NHSKG, "validate"], env, timeout)
        figures["validate_s"] = round(seconds, 2)
        figures["conforms"] = code == 0
        figures |= _serve_figures(env)
    except StepFailedError as exc:
        figures["failed"] = str(exc)
    finally:
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    return figures


def _triples(env: dict[str, str]) -> int:
    out = subprocess.run(
        [ours.NHSKG, "stats", "--json"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return int(json.loads(out.stdout)["triples"])
    except (ValueError, KeyError):
        return -1


def growth(rows: dict[int, dict[str, object]], key: str) -> float | None:
    """The exponent b of cost ~ factor^b, fitted on the factors measured (1 = linear)."""
    points = []
    for factor, figures in rows.items():
        value = figures.get(key)
        if isinstance(value, list):
            value = max(value) if value else None
        if isinstance(value, (int, float)) and value > 0:
            points.append((math.log(factor), math.log(value)))
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points)
    return round(num / den, 2) if den else None


def run(factors: tuple[int, ...] | None = None, budget_s: float | None = None) -> dict[str, object]:
    factors = factors or tuple(int(f) for f in os.environ.get("NHSKG_BENCH_FACTORS", "1,2,4,8").split(","))
    budget_s = budget_s or float(os.environ.get("NHSKG_BENCH_COSTS_BUDGET_S", str(BUDGET_S)))
    started = time.perf_counter()
    rows: dict[int, dict[str, object]] = {}
    skipped: dict[str, str] = {}
    for factor in factors:
        spent = time.perf_counter() - started
        if rows and _predicted(rows, factor) > budget_s - spent:
            skipped[f"x{factor}"] = (
                f"skipped: would not fit the {budget_s:.0f} s budget ({spent:.0f} s spent)"
            )
            continue
        print(f"  costs x{factor} ...", flush=True)
        rows[factor] = measure(factor, min(STEP_TIMEOUT_S, max(60.0, budget_s - spent)))
        rows[factor]["seconds"] = round(time.perf_counter() - started - spent, 1)
    keys = ("cold_build_s", "validate_s", "restart_to_healthy_s", "worker_rss_mb", "triples")
    return {
        "factors": {f"x{f}": figures for f, figures in rows.items()},
        "skipped": skipped,
        "growth_exponent": {key: growth(rows, key) for key in keys},
        "seconds": round(time.perf_counter() - started, 1),
    }


def _predicted(rows: dict[int, dict[str, object]], factor: int) -> float:
    """The seconds factor `factor` would take: the largest factor's, grown as the measured ones grew.

    From the wall time of every step (serving and loading included); a factor that failed part-way
    does not count towards the growth, but its wall time still does for the largest factor.
    """
    last = max(rows)
    seconds = rows[last]["seconds"]
    assert isinstance(seconds, float)
    exponent = growth({f: r for f, r in rows.items() if "failed" not in r}, "seconds") or 1.0
    return seconds * (factor / last) ** max(1.0, exponent)
