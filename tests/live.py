"""A real `nhskg serve` subprocess on a free port, for end-to-end tests; and an app served from a thread."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from service.config import Settings
from service.store import Store
from service.web.app import create_app

NHSKG = Path(sys.executable).parent / "nhskg"


def stop_group(process: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM a process started with start_new_session and its whole group; SIGKILL after `grace` s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path | None = None

    @property
    def sparql(self) -> str:
        return f"{self.url}/sparql"


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} not healthy after {timeout} s")


@contextmanager
def live_server(
    env: Mapping[str, str],
    args: Sequence[str] = (),
    timeout: float = 120.0,
    log: Path | None = None,
    port: int | None = None,
) -> Iterator[LiveServer]:
    """Start `nhskg serve` with the given NHSKG_* environment; stop it (and its workers) afterwards. With
    SCRIPT_NAME in `env`, gunicorn serves under that prefix, and the server's url ends with it. `port`
    (default: a free one) lets a test start a node again where a load balancer expects it."""
    port = port or free_port()
    command = [str(NHSKG), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    output = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}{env.get('SCRIPT_NAME', '')}"
    try:
        _wait_healthy(url, process, timeout)
        yield LiveServer(url, process, log)
    finally:
        stop_group(process, grace=15)
        if log:
            output.close()  # type: ignore[union-attr]


def children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return found


def is_query_engine(pid: int) -> bool:
    """Whether a process is part of the query engine (service.query.engine), not a web worker."""
    try:
        return b"service.query.engine" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def web_workers(pid: int) -> list[int]:
    """A server's gunicorn workers: the arbiter's children other than the query engine."""
    return [child for child in children(pid) if not is_query_engine(child)]


def wait_for_workers(pid: int, count: int, timeout: float = 30.0) -> list[int]:
    """The web workers of the server `pid` once there are `count` of them (gunicorn starts workers one
    by one, and /healthz answers as soon as the first is up)."""
    deadline = time.monotonic() + timeout
    found = web_workers(pid)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.1)
        found = web_workers(pid)
    return found


def descendants(pid: int) -> list[int]:
    """Every process below `pid`: for a server, its workers and their query processes."""
    out: list[int] = []
    for child in children(pid):
        out += [child, *descendants(child)]
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def resident_kb(pid: int) -> int:
    """VmRSS of a process in KiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def raw_get(
    url: str, target: str, headers: Mapping[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A GET of `target` exactly as written (no normalisation of `..` or escapes), with lower-case header
    names in the answer."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", target, headers=dict(headers or {}))
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@contextmanager
def app_server(store: Store) -> Iterator[str]:
    """An app over `store` (default settings) served from a thread by werkzeug on a free port: its URL."""
    server = make_server("127.0.0.1", 0, create_app(Settings(), store=store), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@contextmanager
def real_data_server(log: Path) -> Iterator[LiveServer]:
    """`nhskg serve` (one worker) over the repository's own data, its build cache shared through
    NHSKG_CACHE_DIR when that is set."""
    root = Path(__file__).resolve().parents[1]
    env = {
        "NHSKG_ROOT": str(root),
        "NHSKG_CACHE_DIR": os.environ.get("NHSKG_CACHE_DIR", str(root / ".cache")),
    }
    with live_server(env, ["--workers", "1"], timeout=600, log=log) as running:
        yield running
