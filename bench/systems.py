"""The systems the endpoint benchmark compares, and how each is started on loopback.

Ours three ways (embedded; over Oxigraph server; over Virtuoso), each asked twice (every query evaluated,
and as a client asks, so the result cache may answer), and the engines alone: Oxigraph server, Virtuoso and
rdflib-endpoint. Ours over an engine and that engine alone are the same running server, so the difference
between the two is what our remote store (service/store/remote.py) adds to a query.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench import ours, rdflib_ep
from bench.load import Call, sparql_call
from bench.mix import Query
from service.config import Settings
from tests.engines import oxigraph_server, virtuoso

OURS, OURS_CACHED, RDFLIB, VIRTUOSO = "ours", "ours, result cache", "rdflib-endpoint", "virtuoso"
OXIGRAPH = "oxigraph server"
OURS_BOTH = (OURS, OURS_CACHED)
CACHED = ", result cache"
# The engines alone, and ours over each engine that can be our backend (with the dialect it needs).
ENGINES = (RDFLIB, VIRTUOSO, OXIGRAPH)
DIALECTS = {OXIGRAPH: "oxigraph", VIRTUOSO: "virtuoso"}
# "ours" asks for an evaluation every time; "ours, result cache" asks as any client does, so after its
# first request each worker answers from the answers it keeps (service/query/result_cache.py).
FRESH = (("Cache-Control", "no-cache"),)


def ours_over(engine: str, cached: bool = False) -> str:
    """The name of our service over `engine`, evaluated or with the result cache."""
    return f"ours over {engine}" + (CACHED if cached else "")


def is_ours(name: str) -> bool:
    return name.startswith(OURS)


@dataclass
class Target:
    name: str
    sparql: str
    pid: int
    setup: dict[str, object] = field(default_factory=dict)
    headers: tuple[tuple[str, str], ...] = ()

    def call(self, query: Query) -> Call:
        return sparql_call(self.sparql, query.text, query.accept, self.headers)


def _ours_pair(stack: ExitStack, config: Settings, engine: str | None, args: list[str]) -> list[Target]:
    """Our service (2 workers), evaluated and with the result cache: embedded, or over `engine`."""
    server = stack.enter_context(ours.our_service(config, args=args))
    setup: dict[str, object] = {"workers": 2, "server": "gunicorn gthread"}
    if engine is None:
        setup["query_store"] = config.query_store
        _wait_for_memory_engine(server.process.pid, config)
        names = OURS_BOTH
    else:
        setup["backend"] = f"{engine} (--backend-dialect {DIALECTS[engine]})"
        names = (ours_over(engine), ours_over(engine, cached=True))
    fresh = Target(names[0], server.sparql, server.process.pid, setup, FRESH)
    return [fresh, Target(names[1], server.sparql, server.process.pid, setup)]


def _wait_for_memory_engine(arbiter: int, config: Settings, seconds: float = 120.0) -> None:
    """With the in-memory engine, wait until its in-memory side answers (it loads for a few seconds after
    the server is up), so that no measurement mixes the two."""
    if config.query_store != "memory":
        return
    ours.wait_for_memory_engine(arbiter, seconds, poll=0.5)
    time.sleep(1.0)  # the governors replace their disk-side workers


def _start_rdflib(stack: ExitStack, nquads: Path, subset: int | None) -> list[Target]:
    ep = stack.enter_context(rdflib_ep.rdflib_endpoint(nquads, subset))
    setup: dict[str, object] = {
        "load_s": ep.load_seconds,
        "quads": ep.quads,
        "rss_mb_after_load": ep.rss_mb_after_load,
        "subset_quads": ep.subset,
        "workers": 1,
        "versions": ep.versions,
    }
    return [Target(RDFLIB, ep.sparql, ep.pid, setup)]


def _start_virtuoso(stack: ExitStack, nquads: Path) -> tuple[Target, list[str]]:
    """Virtuoso alone, and `nhskg serve`'s flags to serve over it."""
    if not virtuoso.available():
        raise RuntimeError("virtuoso-t not installed (apt-get install virtuoso-opensource)")
    vi = stack.enter_context(virtuoso.virtuoso(nquads))
    setup = {"load_s": round(vi.load_seconds, 1), "quads": vi.quads, "version": vi.version}
    args = ["--backend-url", vi.sparql, "--backend-dialect", DIALECTS[VIRTUOSO]]
    return Target(VIRTUOSO, vi.sparql, vi.pid, setup), args


def _start_oxigraph(stack: ExitStack, nquads: Path) -> tuple[Target, list[str]]:
    """`oxigraph serve-read-only` over the export; alone, it is asked with the union of every graph as the
    default graph (`--union-default-graph`), which is what our oxigraph dialect asks for too."""
    if not oxigraph_server.OXIGRAPH.is_file():
        raise RuntimeError(f"{oxigraph_server.OXIGRAPH} not installed (pip install oxigraph)")
    folder = Path(tempfile.mkdtemp(prefix="nhskg-bench-oxigraph-"))
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    started = time.perf_counter()
    location = oxigraph_server.load(nquads, folder / "store")
    setup = {"load_s": round(time.perf_counter() - started, 1), "server": "oxigraph serve-read-only"}
    server = stack.enter_context(oxigraph_server.serving(location, "--union-default-graph"))
    return Target(OXIGRAPH, server.query_url, server.process.pid, setup), oxigraph_server.backend_args(server)


def start_systems(
    stack: ExitStack, config: Settings, nquads: Path, rdflib_subset: int | None
) -> tuple[list[Target], dict[str, str]]:
    """Every system that can run here, ours embedded first; the others are named with why they are missing."""
    targets = _ours_pair(stack, config, None, [])
    missing: dict[str, str] = {}
    try:
        targets += _start_rdflib(stack, nquads, rdflib_subset)
    except (RuntimeError, TimeoutError, OSError) as exc:
        missing[RDFLIB] = f"not available: {exc}"
    for engine, start in ((VIRTUOSO, _start_virtuoso), (OXIGRAPH, _start_oxigraph)):
        try:
            alone, args = start(stack, nquads)
        except (RuntimeError, TimeoutError, OSError) as exc:
            missing[engine] = f"not available: {exc}"
            missing |= {ours_over(engine, c): f"{engine} is not available" for c in (False, True)}
            continue
        targets.append(alone)
        try:
            targets += _ours_pair(stack, config, engine, args)
        except (RuntimeError, TimeoutError, OSError) as exc:
            missing |= {ours_over(engine, c): f"did not start: {exc}" for c in (False, True)}
    return targets, missing
