"""Our side: the built store, its export for the other systems, the live service and the in-process limit."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from service.build import builder as build
from service.config import Settings, from_env
from service.query import engine as query_engine
from service.store import OxigraphStore
from tests.live import LiveServer, children, descendants, is_query_engine, live_server

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
    """The store as the service's query engine holds it: in memory from the build's dump when there is
    one (NHSKG_QUERY_STORE=memory, the default), else the on-disk store."""
    if ours_query_store() == "memory" and (store / build.QUADS).is_file():
        return OxigraphStore.from_dump(store / build.QUADS)
    return OxigraphStore.open_read_only(store / build.DB)


def ours_query_store() -> str:
    return settings().query_store


@contextmanager
def our_service(config: Settings, workers: int = 2, args: Sequence[str] = ()) -> Iterator[LiveServer]:
    """`nhskg serve --workers N` and `args` (e.g. --backend-url) on a free loopback port (the access log
    goes to a temporary file)."""
    env = {"NHSKG_ROOT": str(config.root), "CI": "1"}
    if config.cache_dir is not None:
        env["NHSKG_CACHE_DIR"] = str(config.cache_dir)
    log = Path(tempfile.mkstemp(prefix="nhskg-bench-serve-", suffix=".log")[1])
    try:
        with live_server(env, ["--workers", str(workers), *args], timeout=300, log=log) as server:
            yield server
    finally:
        log.unlink(missing_ok=True)


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc/<pid>/status VmRSS."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: resident memory with each shared page divided among its sharers."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def engine_in_memory(arbiter: int) -> bool:
    """Whether the server's query engine has its in-memory side up (its socket folder is the second
    argument of its command line)."""
    for pid in children(arbiter):
        if is_query_engine(pid):
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            return query_engine.memory_ready(Path(argv[argv.index(b"service.query.engine") + 2].decode()))
    return False


def wait_for_memory_engine(arbiter: int, seconds: float, poll: float = 0.05) -> bool:
    """Wait up to `seconds` for the server's in-memory engine; whether it came up."""
    deadline = time.monotonic() + seconds
    while not engine_in_memory(arbiter):
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True


def _tree(pid: int) -> list[int]:
    return [pid, *descendants(pid)]


def worker_rss_mb_of(arbiter: int) -> list[float]:
    """VmRSS of each gunicorn worker under the arbiter `arbiter`."""
    return [rss_mb(pid) for pid in children(arbiter) if not is_query_engine(pid)]


def memory_of(arbiter: int) -> dict[str, object]:
    """VmRSS of each gunicorn worker; the query engine's processes (their RSS counts the in-memory store
    they share once each, so their PSS is summed too); and each worker plus its share of the engine."""
    workers = [pid for pid in children(arbiter) if not is_query_engine(pid)]
    engine = [p for pid in children(arbiter) if is_query_engine(pid) for p in _tree(pid)]
    engine += [p for pid in workers for p in _tree(pid)[1:]]  # engines a worker started itself, if any
    engine_pss = round(sum(pss_mb(pid) for pid in engine), 1)
    share = engine_pss / len(workers) if workers else 0.0
    return {
        "workers": [rss_mb(pid) for pid in workers],
        "query_processes": [rss_mb(pid) for pid in engine],
        "query_engine_pss_mb": engine_pss,
        "worker_plus_its_query_processes": [round(rss_mb(pid) + share, 1) for pid in workers],
        "all_processes_pss_mb": round(engine_pss + sum(pss_mb(pid) for pid in [arbiter, *workers]), 1),
    }
