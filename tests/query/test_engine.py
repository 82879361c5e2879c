"""The query engine: disk at once, memory once loaded, overruns killed, gone with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from service.query import engine as query_engine
from service.query import processes
from service.query.engine import Engine
from service.query.job import Done, QueryJob, QueryTimeoutError, from_wire
from service.query.runner import Governor
from tests.live import children, descendants
from tests.query.engines import (
    BIG,
    COUNT,
    QUICK_LIMIT,
    SLOW_COUNT,
    STREAM,
    answer,
    exited,
    memory_side,
    wait_for_memory,
    wait_until,
)


def test_memory_and_disk_give_the_same_answers(store: Path) -> None:
    bodies = {}
    for mode in ("disk", "memory"):
        engine = Engine.start(store, mode)
        try:
            if mode == "memory":
                wait_for_memory(engine)
            channel = query_engine.connect(engine.folder, 10)
            assert channel.mode == mode
            channel.kill()
            bodies[mode] = answer(Governor(engine.folder, 1, 10.0))
        finally:
            engine.stop()
    assert bodies["disk"] == bodies["memory"]
    assert b'"n"' in bodies["memory"]


@pytest.mark.parametrize("engine", ["disk"], indirect=True)
def test_a_disk_engine_never_loads_memory(engine: Engine) -> None:
    # The engine forks its in-memory side before it accepts its first connection: once a disk child
    # answers, a side that was ever to be forked would be there beside it.
    channel = query_engine.connect(engine.folder, 10)
    assert channel.mode == "disk"
    assert children(engine.process.pid) == [channel.pid]
    channel.kill()
    assert answer(Governor(engine.folder, 1, 10.0))
    assert not query_engine.memory_ready(engine.folder)


def test_idle_disk_workers_are_replaced_by_memory_ones(engine: Engine) -> None:
    governor = Governor(engine.folder, 2, 10.0)
    governor.warm_up()
    wait_for_memory(engine)
    side = memory_side(engine)
    wait_until(lambda: children(engine.process.pid) == [side])
    assert children(engine.process.pid) == [side], "disk-side workers should go once memory is ready"
    assert descendants(side) == [], "the in-memory side answers in threads, not in forked children"
    assert b'"n"' in answer(governor)
    governor.shutdown()


def test_channels_to_memory_share_one_process_and_answer_at_once(engine: Engine) -> None:
    wait_for_memory(engine)
    channels = [query_engine.connect(engine.folder, 10) for _ in range(3)]
    try:
        assert {channel.mode for channel in channels} == {"memory"}
        assert len({channel.pid for channel in channels}) == 1
        for channel in channels:
            channel.conn.send(QueryJob(COUNT))
        for channel in channels:  # every channel answers its own job, in full
            events = []
            while not events or not isinstance(events[-1], Done):
                assert channel.conn.poll(10)
                events.append(from_wire(channel.conn.recv()))
            assert b'"n"' in b"".join(e for e in events if isinstance(e, bytes))
    finally:
        for channel in channels:
            channel.close()
    assert Path(f"/proc/{channels[0].pid}").exists(), "closing a shared channel leaves the side running"


def test_an_answer_dropped_half_way_leaves_the_memory_side_serving(engine: Engine) -> None:
    wait_for_memory(engine)
    side = memory_side(engine)
    governor = Governor(engine.folder, 1, 10.0)
    result = governor.run(QueryJob(BIG))
    assert next(iter(result))  # the first chunk, then the client goes away
    result.close()
    assert b'"n"' in answer(governor)
    for thread in threading.enumerate():  # the rest of the answer has been read and dropped
        if thread.name == "nhskg-drain":
            thread.join(30)
    assert memory_side(engine) == side and Path(f"/proc/{side}").exists()


@pytest.mark.parametrize("engine", ["disk", "memory"], indirect=True)
def test_an_overrunning_query_is_killed_and_the_next_is_answered(engine: Engine, request: Any) -> None:
    if request.node.callspec.params["engine"] == "memory":
        wait_for_memory(engine)
    governor = Governor(engine.folder, 1, QUICK_LIMIT)
    assert b'"n"' in answer(governor)  # the one worker is connected and idle
    before = set(descendants(engine.process.pid))
    governor.timeout = 0.5  # for the runaway alone: the quick queries keep a limit no load reaches
    with pytest.raises(QueryTimeoutError):
        answer(governor, SLOW_COUNT)
    governor.timeout = QUICK_LIMIT
    gone = wait_until(lambda: bool(before - set(descendants(engine.process.pid))))
    assert gone, "the overrunning worker should be gone"
    assert b'"n"' in answer(governor)


def test_a_query_still_running_at_its_deadline_stops_the_memory_side(engine: Engine) -> None:
    """Every answer is whole before its first byte (its head says whether the row cap cut it), so a query
    still running at its deadline has sent nothing: it is stopped there, and its memory side with it."""
    wait_for_memory(engine)
    side = memory_side(engine)
    # More rows than anything could send, so no row cap ends it; the limit only has to pass.
    governor = Governor(engine.folder, 1, 0.5)
    with pytest.raises(QueryTimeoutError):
        governor.run(QueryJob(STREAM, max_rows=10**12))
    assert exited(side), "a query left running past its deadline must be stopped"
    governor.timeout = QUICK_LIMIT
    body = answer(governor)  # on disk until the side is loaded again
    assert b'"n"' in body, body[:300]
    wait_for_memory(engine)


def test_the_engine_goes_when_its_parent_goes(store: Path) -> None:
    script = (  # the parent goes once its engine answers
        "import sys; from pathlib import Path; from service.query import engine; "
        "e = engine.Engine.start(Path(sys.argv[1]), 'memory'); engine.connect(e.folder, 30).kill(); "
        "print(e.process.pid, e.folder, flush=True)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(store)], capture_output=True, text=True, timeout=60, check=True
    )
    pid, folder = int(out.stdout.split()[0]), Path(out.stdout.split()[1])
    deadline = time.monotonic() + 5 * processes.POLL_SECONDS
    while time.monotonic() < deadline and (Path(f"/proc/{pid}").exists() or folder.exists()):
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    assert not folder.exists(), "the engine should remove its socket folder when it goes"


def test_a_supervised_engine_that_dies_is_started_again_in_its_folder(store: Path) -> None:
    engine = Engine.start(store, "memory")
    try:
        engine.supervise()
        wait_for_memory(engine)
        first = engine.process.pid
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and engine.process.pid == first:
            time.sleep(0.05)
        assert engine.process.pid != first
        channel = query_engine.connect(engine.folder, 10)  # waits for the new engine's socket
        assert channel.pid in descendants(engine.process.pid)
        channel.kill()
        assert b'"n"' in answer(Governor(engine.folder, 1, 10.0))
    finally:
        engine.stop()
    assert not engine.folder.exists()
    assert engine.process.poll() is not None
