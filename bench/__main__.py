"""Run the benchmarks, write bench/results/<date>.json and the summary bench/RESULTS.md.

    python -m bench                      every benchmark (what `make bench` runs)
    python -m bench endpoint pages       only these; the other parts of today's results are kept
    python -m bench profile              py-spy on our workers under load (not in the default run)

Settings for a quicker or a subset run, all optional: NHSKG_BENCH_FACTORS (costs, default 1,2,4,8),
NHSKG_BENCH_COSTS_BUDGET_S (default 2700), NHSKG_BENCH_RDFLIB_SUBSET (load only the first N quads
into rdflib-endpoint), NHSKG_BENCH_SIDES (sides, default 1,2: the in-memory sides to compare).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import traceback
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench import costs, endpoint, pages, profile, reconcile, replicas, report, sides, startup
from tests.engines import virtuoso

HERE = Path(__file__).parent
BENCHMARKS: dict[str, Callable[[], dict[str, object]]] = {
    "startup": startup.run,
    "endpoint": endpoint.run,
    "pages": pages.run,
    "costs": costs.run,
    "profile": profile.run,
    "replicas": replicas.run,
    "sides": sides.run,
    "reconcile": reconcile.run,
}
# costs x1 measures what startup does (cold build, restarts) and more, so the default run skips startup;
# profile slows the workers it samples. Both run when named.
DEFAULT = ("endpoint", "pages", "costs", "replicas", "sides", "reconcile")
PACKAGES = ("pyoxigraph", "flask", "gunicorn", "nhskg", "rdflib", "rdflib-endpoint", "uvicorn", "fastapi")


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict[str, object]:
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    figures: dict[str, object] = {
        "cpu": _cpu_model(),
        "cpus": len(os.sched_getaffinity(0)),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    figures |= {name: _version(name) for name in PACKAGES}
    figures["virtuoso"] = virtuoso.version() if virtuoso.available() else "not installed"
    return figures


NOTES = [
    "- All systems run on the same 2-core machine as the load client, which takes CPU from them alike.",
    "- rdflib-endpoint runs one uvicorn worker: it evaluates each query inside its event loop, so a second"
    " worker would be a second copy of the graph, not parallel queries on one.",
    "- DESCRIBE is implementation-defined in SPARQL 1.1: its triple counts may differ between systems.",
    "- Virtuoso: Debian's build, our own virtuoso.ini (buffers sized for the data, result rows uncapped).",
    "- 'ours' sends Cache-Control: no-cache, so every request is evaluated; 'ours, result cache' asks as a"
    " client does, so after the first request each worker answers from the answers it keeps. Neither"
    " Virtuoso nor rdflib-endpoint keeps answers, so the second row compares serving, not engines.",
    "- Our queries run in the query engine's in-memory side: one process holding one copy of the store,"
    " a thread per connection (pyoxigraph evaluates without the GIL).",
    "- Ours over Oxigraph server (--backend-dialect oxigraph) and over Virtuoso (--backend-dialect virtuoso)"
    " use the same running engine as the engine's own rows: Oxigraph server is `oxigraph serve-read-only"
    " --union-default-graph` (what our dialect asks for per query); Virtuoso alone is asked with its own"
    " default graph, ours over it names each of our graphs (default-graph-uri), as the dialect must.",
    "- What the remote store adds: one client asks the engine alone and ours over it in turn, every answer"
    " evaluated, so a busy machine's drift hits both alike; ours p50 less the engine's p50, per query.",
    "- Memory: web workers by RSS; the engine's processes by PSS, as they share one in-memory store.",
    "- Replicas: both nodes and HAProxy run on the same 2 cores as the client, so a second node adds no"
    " cores; the figures show what the balancer costs and how the CPU is shared, not how replicas scale"
    " on machines of their own.",
]


def _load_existing(path: Path) -> dict[str, object]:
    if path.is_file():
        data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
        return data
    return {}


def _write(out: Path, results: dict[str, object], benchmarks: dict[str, object]) -> str:
    results["benchmarks"] = benchmarks
    results["parts"] = sorted(benchmarks)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    text = report.markdown(results)
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="PART", help=f"any of: {', '.join(BENCHMARKS)}")
    parts = parser.parse_args(argv).parts or list(DEFAULT)
    unknown = [p for p in parts if p not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}: choose from {', '.join(BENCHMARKS)}")
    date = time.strftime("%Y-%m-%d")
    out = HERE / "results" / f"{date}.json"
    results = _load_existing(out)
    settings = {k: v for k, v in sorted(os.environ.items()) if k.startswith("NHSKG_")}
    results |= {"date": date, "machine": machine(), "notes": NOTES, "settings": settings}
    benchmarks: dict[str, object] = dict(results.get("benchmarks", {}))  # type: ignore[call-overload]
    for name in parts:
        print(f"running {name} ...", flush=True)
        started = time.perf_counter()
        try:
            benchmarks[name] = BENCHMARKS[name]()
        except Exception as exc:  # noqa: BLE001 - one broken part must not lose the others' figures
            traceback.print_exc()
            benchmarks[name] = {"error": f"failed: {type(exc).__name__}: {exc}"}
        print(f"{name} took {time.perf_counter() - started:.0f} s", flush=True)
        text = _write(out, results, benchmarks)  # after each part, so a long run keeps what it measured
    print(text)


if __name__ == "__main__":
    main()
