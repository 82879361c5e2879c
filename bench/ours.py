"""Our side: the built store, its export for the other systems, the live service and the in-process limit."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from service import build
from service.config import Settings, from_env
from service.store import OxigraphStore
from tests.live import LiveServer, live_server

ROOT = Path(__file__).resolve().parents[1]
NHSKG = str(Path(sys.executable).parent / "nhskg")
EXPORTS = Path(tempfile.gettempdir()) / "nhskg-bench"


def settings() -> Settings:
    return from_env()


def built_store(config: Settings) -> Path:
    """The store for the current inputs, building it first (through the CLI) when there is none."""
    path = build.current_store(config)
    if path is None:
        subprocess.run([NHSKG, "build"], env={**os.environ, "NHSKG_ROOT": str(config.root)}, check=True)
        path = build.current_store(config)
    if path is None:
        raise RuntimeError("`nhskg build` left no store for the current inputs")
    return path


def export_nquads(store: Path) -> tuple[Path, float]:
    """Every named graph of the built store (data, ontology and the materialised triples) as N-Quads.

    The export is cached by store key, so a second run reuses it. pyoxigraph is used directly here
    because the store interface has no dump of quads.
    """
    import pyoxigraph as ox

    EXPORTS.mkdir(exist_ok=True)
    target = EXPORTS / f"{store.name}.nq"
    if target.is_file():
        return target, 0.0
    for stale in EXPORTS.glob("*.nq"):  # exports of stores that are no longer current
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    partial = target.with_suffix(f".partial-{os.getpid()}")
    ox.Store.read_only(str(store / build.DB)).dump(str(partial), ox.RdfFormat.N_QUADS)
    partial.replace(target)
    return target, time.perf_counter() - started


def open_store(store: Path) -> OxigraphStore:
    return OxigraphStore.open_read_only(store / build.DB)


@contextmanager
def our_service(config: Settings, workers: int = 2) -> Iterator[LiveServer]:
    """`nhskg serve --workers N` on a free loopback port (the access log goes to a temporary file)."""
    env = {"NHSKG_ROOT": str(config.root), "CI": "1"}
    if config.cache_dir is not None:
        env["NHSKG_CACHE_DIR"] = str(config.cache_dir)
    log = Path(tempfile.mkstemp(prefix="nhskg-bench-serve-", suffix=".log")[1])
    try:
        with live_server(env, ["--workers", str(workers)], timeout=300, log=log) as server:
            yield server
    finally:
        log.unlink(missing_ok=True)


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (gunicorn's workers under its arbiter)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").is_file() else ""
        found += [int(p) for p in text.split()]
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc/<pid>/status VmRSS."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def worker_rss_mb_of(arbiter: int) -> list[float]:
    """VmRSS of each gunicorn worker under the arbiter `arbiter`."""
    return [rss_mb(pid) for pid in children(arbiter)]


def memory_of(arbiter: int) -> dict[str, list[float]]:
    """VmRSS of each gunicorn worker, of the query processes each one spawned, and the two added up."""
    workers = children(arbiter)
    helpers = {pid: [rss_mb(child) for child in children(pid)] for pid in workers}
    return {
        "workers": [rss_mb(pid) for pid in workers],
        "query_processes": [mb for pid in workers for mb in helpers[pid]],
        "worker_plus_its_query_processes": [round(rss_mb(pid) + sum(helpers[pid]), 1) for pid in workers],
    }
