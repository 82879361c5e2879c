"""Run every benchmark, write bench/results/<date>.json and the summary bench/RESULTS.md."""

from __future__ import annotations

import json
import platform
import time
from importlib.metadata import version
from pathlib import Path

from bench import startup

HERE = Path(__file__).parent
BENCHMARKS = {"startup": startup.run}


def machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": len(__import__("os").sched_getaffinity(0)),
        "pyoxigraph": version("pyoxigraph"),
        "flask": version("flask"),
        "gunicorn": version("gunicorn"),
        "nhskg": version("nhskg"),
    }


def markdown(results: dict[str, object]) -> str:
    lines = ["# Benchmark results", "", f"Run {results['date']} on {results['machine']}.", ""]
    for name, figures in results["benchmarks"].items():  # type: ignore[attr-defined]
        lines += [f"## {name}", "", "| measure | value |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in figures.items()]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    results: dict[str, object] = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "benchmarks": {}}
    for name, run in BENCHMARKS.items():
        print(f"running {name} ...", flush=True)
        results["benchmarks"][name] = run()  # type: ignore[index]
    out = HERE / "results" / f"{results['date']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (HERE / "RESULTS.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
