"""A real Oxigraph server (PyPI `oxigraph`, the same release as pyoxigraph) over an N-Quads file: the
remote backend the tests start themselves.

`oxigraph load` fills a store folder, `oxigraph serve-read-only` serves it on a free port; the server is
ready when it answers a query (polled, not waited for), and is stopped with its process group.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live import free_port, stop_group

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
READY_POLL = 0.05


@dataclass(frozen=True)
class OxigraphServer:
    url: str  # the server's root
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return f"{self.url}/query"


def load(nquads: Path, location: Path) -> Path:
    """A new store folder at `location` holding every quad of `nquads`."""
    location.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(nquads)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"oxigraph load failed: {done.stderr.decode(errors='replace')}")
    return location


def _answers(url: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(f"{url}/query?{query}", timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_ready(server: OxigraphServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(server.url):
        if server.process.poll() is not None:
            raise RuntimeError(f"oxigraph exited with {server.process.returncode}: {server.log.read_text()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"oxigraph at {server.url} did not answer within {timeout} s")
        time.sleep(READY_POLL)


@contextmanager
def serving(location: Path, *extra: str, startup: float = 60.0) -> Iterator[OxigraphServer]:
    """`oxigraph serve-read-only` over a loaded store folder (`extra`: more options, e.g. --timeout-s)."""
    port = free_port()
    log = location.parent / f"oxigraph-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(OXIGRAPH),
                "serve-read-only",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
                *extra,
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = OxigraphServer(f"http://127.0.0.1:{port}", process, log)
        try:
            wait_ready(server, startup)
            yield server
        finally:
            stop_group(process, grace=10)


@contextmanager
def oxigraph_server(nquads: Path, folder: Path, *extra: str) -> Iterator[OxigraphServer]:
    """An Oxigraph server over the quads of `nquads`, its store in `folder` (which must not exist yet)."""
    with serving(load(nquads, folder / "store"), *extra) as server:
        yield server


def backend_args(server: OxigraphServer, graphs: Sequence[str] = ()) -> list[str]:
    """`nhskg serve`'s flags to serve over `server` (with the oxigraph dialect, as the README says),
    whose graphs outside ours include `graphs`."""
    graph_args = (a for g in graphs for a in ("--backend-graph", g))
    return ["--backend-url", server.query_url, "--backend-dialect", "oxigraph", *graph_args]
