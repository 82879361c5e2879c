"""What the query engine's tests share: the fixture project built once, an engine over it, and waits
on events (pidfds, sockets), never on wall-clock margins."""

from __future__ import annotations

import os
import select
import socket
import struct
import time
from collections.abc import Callable
from pathlib import Path

from service.query import engine as query_engine
from service.query.engine import Engine
from service.query.job import QueryJob
from service.query.processes import side_loads, side_socket
from service.query.runner import Governor

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NUMBERS = " ".join(str(i) for i in range(100))
CROSS = " ".join(f"VALUES ?{v} {{ {NUMBERS} }}" for v in "abcde")
SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { " + CROSS + " }"  # 10^10 rows to count
STREAM = "SELECT * WHERE { " + CROSS + " }"  # 10^10 rows, the first at once
QUICK_LIMIT = 60.0  # the time limit of queries that take milliseconds
_HUNDREDS = " ".join(str(i) for i in range(300))
BIG = f"SELECT * WHERE {{ VALUES ?a {{ {_HUNDREDS} }} VALUES ?b {{ {_HUNDREDS} }} }}"  # 90,000 rows


def wait_until(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    """Whether `condition` came true: checked until it is, so `seconds` only bounds a failure."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def exited(pid: int, seconds: float = 30.0) -> bool:
    """Whether process `pid` has gone: waits on its pidfd, which is readable once it has exited."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


def wait_for_memory(engine: Engine) -> None:
    assert wait_until(lambda: query_engine.memory_ready(engine.folder))


class SteppedClock:
    """time.monotonic, plus the seconds a test has moved it on: a governor on this clock reaches a
    deadline when the test says so, however busy the machine is."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skipped


def answer(governor: Governor, sparql: str = COUNT) -> bytes:
    result = governor.run(QueryJob(sparql))
    body = b"".join(result)
    result.close()
    return body


def memory_side(engine: Engine) -> int:
    """The pid of the engine's in-memory side: the process that answers memory.sock."""
    channel = query_engine.connect(engine.folder, 10)
    channel.close()
    assert channel.mode == "memory"
    return channel.pid


def wait_for_sides(engine: Engine, count: int) -> None:
    """Until `count` in-memory sides answer."""
    assert wait_until(lambda: len(side_loads(engine.folder)) == count)


def side_pid(folder: Path, side: int) -> int:
    """The pid of the process listening on a side's socket (SO_PEERCRED), without a query."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(side_socket(folder, side)))
        credentials = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid: int = struct.unpack("3i", credentials)[0]
    return pid
