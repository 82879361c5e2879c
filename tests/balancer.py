"""HAProxy in front of live nodes, run from deploy/haproxy.cfg itself, and read through its stats socket.

The config takes its addresses from the environment (NHSKG_LB_BIND, NHSKG_NODE1, NHSKG_NODE2,
NHSKG_LB_STATS_SOCKET), so the file a deployment uses is the file these helpers start: there is no second
copy to drift from it.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live import free_port, stop_group

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "haproxy.cfg"
BACKEND = "nodes"


def haproxy_binary() -> str | None:
    """Debian's haproxy (`make test-deps` installs it), or None when it is missing."""
    found = shutil.which("haproxy")
    return found or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").is_file() else None)


@dataclass(frozen=True)
class Balancer:
    url: str
    stats_socket: Path
    process: subprocess.Popen[bytes]
    log: Path

    def command(self, line: str) -> str:
        """One command on the admin socket (`show stat`, `disable server nodes/node1`), its whole answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(str(self.stats_socket))
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def servers(self) -> dict[str, dict[str, str]]:
        """The backend's servers by name, each as its row of `show stat` (status, stot, hrsp_2xx, ...)."""
        text = self.command("show stat").lstrip("# ")
        rows = csv.DictReader(line for line in text.splitlines() if line)
        return {r["svname"]: r for r in rows if r["pxname"] == BACKEND and r["svname"] != "BACKEND"}

    def status(self, server: str) -> str:
        """UP, DOWN, `DOWN 1/2` (going up), `UP 1/2` (going down), MAINT, NOLB ..."""
        return self.servers()[server]["status"]

    def wait_for(self, server: str, status: str, timeout: float = 60.0) -> float:
        """Wait until HAProxy's health checks give `server` exactly `status`; when it was seen (monotonic)."""
        deadline = time.monotonic() + timeout
        while (seen := self.status(server)) != status:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{server} is {seen!r}, not {status!r}, after {timeout} s")
            if self.process.poll() is not None:
                raise RuntimeError(f"haproxy exited with {self.process.returncode}")
            time.sleep(0.05)
        return time.monotonic()


def _wait_for_socket(path: Path, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"haproxy exited with {process.returncode}")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(str(path))
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"haproxy's stats socket {path} did not open within {timeout} s")


def node_env(env: Mapping[str, str], folder: Path, name: str) -> dict[str, str]:
    """A node's environment: `env` and a runtime folder of its own, where gunicorn puts its control socket
    (as deploy/systemd/nhskg@.service does), so that nodes on one host do not take each other's."""
    runtime = folder / f"{name}-run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    return {**env, "XDG_RUNTIME_DIR": str(runtime)}


def balancer_env(port: int, nodes: Mapping[str, str], stats_socket: Path) -> dict[str, str]:
    """The environment that fills deploy/haproxy.cfg in: `nodes` maps NODE1, NODE2 to host:port."""
    env = {"NHSKG_LB_BIND": f"127.0.0.1:{port}", "NHSKG_LB_STATS_SOCKET": str(stats_socket)}
    return env | {f"NHSKG_{name}": address for name, address in nodes.items()}


@contextmanager
def running_balancer(nodes: Mapping[str, str], folder: Path, timeout: float = 30.0) -> Iterator[Balancer]:
    """`haproxy -db -f deploy/haproxy.cfg` on a free loopback port in front of `nodes` (NODE1 ->
    host:port); its log (one line per request) goes to folder/haproxy.log."""
    binary = haproxy_binary()
    if binary is None:
        raise RuntimeError("haproxy is not installed: run `make test-deps`")
    port, stats_socket, log = free_port(), folder / "haproxy.sock", folder / "haproxy.log"
    env = {**os.environ, **balancer_env(port, nodes, stats_socket)}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, "-db", "-f", str(CONFIG)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for_socket(stats_socket, process, timeout)
            yield Balancer(f"http://127.0.0.1:{port}", stats_socket, process, log)
        finally:
            stop_group(process, grace=10)
