"""rdflib-endpoint (FastAPI + uvicorn over an in-memory rdflib Dataset) as a loopback subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bench.load import fetch, sparql_call
from tests.live import free_port, stop_group

LOAD_LIMIT_S = 600.0


@dataclass(frozen=True)
class RdflibEndpoint:
    url: str
    pid: int
    load_seconds: float
    quads: int
    rss_mb_after_load: float
    subset: int | None

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"

    @property
    def versions(self) -> dict[str, str]:
        return {name: version(name) for name in ("rdflib", "rdflib-endpoint", "uvicorn", "fastapi")}


def _read_load_line(process: subprocess.Popen[bytes], log: Path, timeout: float) -> dict[str, float]:
    """The JSON line the server prints once loaded; the loop ends with the process or the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if line.startswith("{"):
                return dict(json.loads(line))
        if process.poll() is not None:
            raise RuntimeError(f"rdflib-endpoint exited with {process.returncode}: {text[-2000:]}")
        time.sleep(0.5)
    raise TimeoutError(f"rdflib-endpoint did not load within {timeout:.0f} s")


def _wait_serving(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = fetch(sparql_call(url, "ASK {}", "application/sparql-results+json"), 5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"rdflib-endpoint at {url} is not answering")


@contextmanager
def rdflib_endpoint(nquads: Path, subset: int | None = None) -> Iterator[RdflibEndpoint]:
    """Load `nquads` (or its first `subset` lines) and serve it; stop the process on exit."""
    port = free_port()
    command = [sys.executable, "-m", "bench.rdflib_serve", str(nquads), str(port)]
    command += [str(subset)] if subset else []
    log = Path(tempfile.mkstemp(prefix="nhskg-bench-rdflib-", suffix=".log")[1])
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parents[1],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        loaded = _read_load_line(process, log, LOAD_LIMIT_S)
        url = f"http://127.0.0.1:{port}"
        _wait_serving(f"{url}/sparql")
        yield RdflibEndpoint(
            url, process.pid, loaded["load_s"], int(loaded["quads"]), loaded["rss_mb"], subset
        )
    finally:
        stop_group(process, grace=20)
        log.unlink(missing_ok=True)
