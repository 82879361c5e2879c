"""The targets we report against (a 2-core machine). Reported, never asserted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Results = dict[str, Any]
NOT_MEASURED = "not measured"


def _get(results: Results, *path: str) -> Any:
    node: Any = results.get("benchmarks", {})
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _at_least(value: float | None, bound: float) -> tuple[object, str]:
    return (NOT_MEASURED, "-") if value is None else (value, "yes" if value >= bound else "no")


def _at_most(value: float | None, bound: float) -> tuple[object, str]:
    return (NOT_MEASURED, "-") if value is None else (value, "yes" if value <= bound else "no")


def _slowest_page(r: Results) -> float | None:
    """The largest p50 of the measured pages (the floor and the 303 aside: they are not pages)."""
    pages = _get(r, "pages") or {}
    p50s = [
        float(f["p50_ms"])
        for name, f in pages.items()
        if isinstance(f, dict) and "p50_ms" in f and name not in ("healthz_floor", "entity_redirect_303")
    ]
    return max(p50s) if p50s else None


def _worst_http_over_in_process(r: Results, key: str = "http_over_in_process") -> float | None:
    table = _get(r, "endpoint", "limit") or {}
    values = [row[key] for row in table.values() if row.get(key)]
    return max(values) if values else None


def _restart(r: Results) -> float | None:
    median = _get(r, "startup", "restart_to_healthy_s", "median")
    return median if median is not None else _get(r, "costs", "factors", "x1", "restart_to_healthy_s")


def _build(r: Results) -> float | None:
    cold = _get(r, "startup", "cold_build_s")
    return cold if cold is not None else _get(r, "costs", "factors", "x1", "cold_build_s")


def _full_build(r: Results) -> tuple[object, str]:
    """With NHSKG_VALIDATE_ON_BUILD=0 the build skipped validation: add `nhskg validate`'s time back."""
    build, validate = _build(r), _get(r, "costs", "factors", "x1", "validate_s")
    if r.get("settings", {}).get("NHSKG_VALIDATE_ON_BUILD") != "0" or build is None or validate is None:
        return _at_most(build, 60)
    total = round(build + validate, 1)
    return f"{total} (build without validation {build} + validate {validate})", "yes" if total <= 60 else "no"


def _rss(r: Results, with_children: bool) -> float | None:
    """The largest VmRSS seen of one gunicorn worker, alone or with the query processes it spawned."""
    key = "worker_plus_its_query_processes" if with_children else "workers"
    found = list(_get(r, "endpoint", "memory_mb_after_load", "ours", key) or [])
    found += _get(r, "pages", "memory_mb_after_load", key) or []
    found += (
        _get(
            r,
            "costs",
            "factors",
            "x1",
            "worker_plus_query_processes_mb" if with_children else "worker_rss_mb",
        )
        or []
    )
    return max(found) if found else None


def _growth(r: Results) -> float | None:
    exponents = [v for v in (_get(r, "costs", "growth_exponent") or {}).values() if v is not None]
    return max(exponents) if exponents else None


TARGETS: list[tuple[str, Callable[[Results], tuple[object, str]]]] = [
    ("endpoint mix throughput >= 30x rdflib-endpoint",
     lambda r: _at_least(_get(r, "endpoint", "ratios", "ours/rdflib-endpoint", "mix"), 30)),
    ("endpoint mix throughput >= 1.5x Virtuoso, every query evaluated",
     lambda r: _at_least(_get(r, "endpoint", "ratios", "ours/virtuoso", "mix"), 1.5)),
    ("... repeated queries answered from the result cache",
     lambda r: _at_least(_get(r, "endpoint", "ratios", "ours, result cache/virtuoso", "mix"), 1.5)),
    ("HTTP p50 <= 2x in-process p50 (worst query), evaluated",
     lambda r: _at_most(_worst_http_over_in_process(r), 2)),
    ("... from the result cache",
     lambda r: _at_most(_worst_http_over_in_process(r, "http_cached_over_in_process"), 2)),
    ("remote store alone adds <= 1 ms to p50 (worst query), over Oxigraph server",
     lambda r: _at_most(_get(r, "endpoint", "store_overhead", "oxigraph server", "worst_ms"), 1)),
    ("... the store alone, over Virtuoso",
     lambda r: _at_most(_get(r, "endpoint", "store_overhead", "virtuoso", "worst_ms"), 1)),
    ("our service over Oxigraph server adds <= 1 ms to p50 (worst query)",
     lambda r: _at_most(_get(r, "endpoint", "remote_overhead", "oxigraph server", "worst_ms"), 1)),
    ("... our service, over Virtuoso",
     lambda r: _at_most(_get(r, "endpoint", "remote_overhead", "virtuoso", "worst_ms"), 1)),
    ("every page p50 < 50 ms at 4 clients (the slowest page)", lambda r: _at_most(_slowest_page(r), 50)),
    ("entity page p50 < 20 ms", lambda r: _at_most(_get(r, "pages", "entity_page", "p50_ms"), 20)),
    ("entity page >= 500 pages/s",
     lambda r: _at_least(_get(r, "pages", "entity_page", "req_per_s", "median"), 500)),
    ("restart with a built store < 2 s", lambda r: _at_most(_restart(r), 2)),
    ("... to the first query answered",
     lambda r: _at_most(_get(r, "startup", "restart_to_first_query_s", "median"), 2)),
    ("full cold build < 60 s", lambda r: _full_build(r)),
    ("validation < 30 s", lambda r: _at_most(_get(r, "costs", "factors", "x1", "validate_s"), 30)),
    ("resident memory per worker < 300 MB (largest seen)", lambda r: _at_most(_rss(r, False), 300)),
    ("... plus its share of the query engine (PSS)", lambda r: _at_most(_rss(r, True), 300)),
    ("costs grow no faster than linearly (largest exponent)", lambda r: _at_most(_growth(r), 1.1)),
]  # fmt: skip


def check(results: Results) -> list[list[object]]:
    rows: list[list[object]] = []
    for name, measure in TARGETS:
        value, met = measure(results)
        rows.append([name, value, met])
    return rows
