"""The query engine: disk at once, memory once loaded, overruns killed, gone with its parent."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from service.build import builder as build
from service.config import Settings
from service.query import engine as query_engine
from service.query.engine import Engine, Mode
from service.query.job import Done, QueryJob, QueryTimeoutError, from_wire
from service.query.runner import Governor
from tests.live import children, descendants
from tests.sparql_fixtures import PROJECT

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project, built once (without validation: it has no shapes)."""
    settings = Settings(root=PROJECT, cache_dir=tmp_path_factory.mktemp("cache"), validate_on_build=False)
    return build.build(settings).path


@pytest.fixture
def engine(store: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    mode: Mode = getattr(request, "param", "memory")
    started = Engine.start(store, mode)
    try:
        yield started
    finally:
        started.stop()


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


def test_without_a_dump_queries_stay_on_disk(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    (copy / build.DB).parent.mkdir(parents=True)
    (copy / build.DB).symlink_to(store / build.DB)  # the on-disk store only, no quads.nq
    engine = Engine.start(copy, "memory")
    try:
        channel = query_engine.connect(engine.folder, 10)  # forked after the in-memory side (see above)
        side = set(children(engine.process.pid)) - {channel.pid}
        channel.kill()
        assert all(exited(pid) for pid in side), "the in-memory side cannot load and should end"
        assert not query_engine.memory_ready(engine.folder)
        assert b'"n"' in answer(Governor(engine.folder, 1, 10.0))
    finally:
        engine.stop()


def memory_side(engine: Engine) -> int:
    """The pid of the engine's in-memory side: the process that answers memory.sock."""
    channel = query_engine.connect(engine.folder, 10)
    channel.close()
    assert channel.mode == "memory"
    return channel.pid


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
    numbers = " ".join(str(i) for i in range(300))
    big = f"SELECT * WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }}"  # 90,000 rows
    result = governor.run(QueryJob(big))
    assert next(iter(result))  # the first chunk, then the client goes away
    result.close()
    assert b'"n"' in answer(governor)
    for thread in threading.enumerate():  # the rest of the answer has been read and dropped
        if thread.name == "nhskg-drain":
            thread.join(30)
    assert memory_side(engine) == side and Path(f"/proc/{side}").exists()


NUMBERS = " ".join(str(i) for i in range(100))
CROSS = " ".join(f"VALUES ?{v} {{ {NUMBERS} }}" for v in "abcde")
SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { " + CROSS + " }"  # 10^10 rows to count
STREAM = "SELECT * WHERE { " + CROSS + " }"  # 10^10 rows, the first at once
QUICK_LIMIT = 60.0  # the time limit of queries that take milliseconds


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


def test_an_abandoned_query_still_running_at_its_deadline_stops_the_memory_side(engine: Engine) -> None:
    wait_for_memory(engine)
    side = memory_side(engine)
    clock = SteppedClock()
    governor = Governor(engine.folder, 1, QUICK_LIMIT, clock=clock)
    # Rows at once (so the answer has begun), and more of them than anything could send: no row cap
    # ends it. (Not a row UNION a count: pyoxigraph evaluates a UNION's branches in either order.)
    result = governor.run(QueryJob(STREAM, max_rows=10**12))
    assert result.head.kind == "select"
    result.close()  # the client goes away while the query runs
    clock.skipped = QUICK_LIMIT  # and the query is still running at its deadline
    assert exited(side), "a query left running past its deadline must be stopped"
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
    deadline = time.monotonic() + 5 * query_engine.POLL_SECONDS
    while time.monotonic() < deadline and (Path(f"/proc/{pid}").exists() or folder.exists()):
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    assert not folder.exists(), "the engine should remove its socket folder when it goes"


def test_an_engine_stopped_while_loading_goes_quietly(
    store: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    slow = tmp_path / "store"
    slow.mkdir()
    (slow / build.DB).symlink_to(store / build.DB)
    with (slow / build.QUADS).open("w", encoding="utf-8") as dump:  # a second or so to load
        for i in range(300_000):
            dump.write(f'<http://example.org/s{i}> <http://example.org/p> "{i}" <http://example.org/g> .\n')
    engine = Engine.start(slow, "memory")
    memory_side: list[int] = []
    deadline = time.monotonic() + 10
    while not memory_side and time.monotonic() < deadline:  # the loading process has been forked
        memory_side = children(engine.process.pid)
        time.sleep(0.01)
    engine.stop()
    assert memory_side and not query_engine.memory_ready(engine.folder)
    deadline = time.monotonic() + 30
    while Path(f"/proc/{memory_side[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{memory_side[0]}").exists()
    assert "Traceback" not in capfd.readouterr().err
    assert not engine.folder.exists()


def test_a_memory_side_that_dies_is_loaded_again_and_queries_go_on(engine: Engine) -> None:
    wait_for_memory(engine)
    old = children(engine.process.pid)
    assert len(old) == 1
    os.kill(old[0], signal.SIGKILL)
    governor = Governor(engine.folder, 1, 10.0)
    assert b'"n"' in answer(governor)  # on disk, or on the new side if it was that quick
    deadline = time.monotonic() + 30
    channel = query_engine.connect(engine.folder, 10)
    while channel.mode != "memory" and time.monotonic() < deadline:
        channel.kill()
        time.sleep(0.1)
        channel = query_engine.connect(engine.folder, 10)
    channel.kill()
    assert channel.mode == "memory"
    assert old[0] not in children(engine.process.pid)
    assert b'"n"' in answer(governor)


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


def test_a_memory_side_that_keeps_dying_is_loaded_again_after_growing_pauses(engine: Engine) -> None:
    pauses, after_seen = [], []
    for _ in range(3):  # each side dies seconds after it started: 1 s, then 2 s, then 4 s before a reload
        wait_for_memory(engine)
        os.kill(memory_side(engine), signal.SIGKILL)
        killed = time.monotonic()
        assert wait_until(lambda: not query_engine.memory_ready(engine.folder))  # the engine has seen it go
        seen = time.monotonic()
        wait_for_memory(engine)
        pauses.append(time.monotonic() - killed)
        after_seen.append(time.monotonic() - seen)
    assert pauses[1] >= query_engine.RESTART_DELAY * 2, pauses
    assert pauses[2] >= query_engine.RESTART_DELAY * 4, pauses
    # Compared from when the engine saw each side go: from the kill, each pause also holds up to a
    # second of the engine's polling, which could put the first (1 s) past the second (2 s).
    assert after_seen[2] > after_seen[1] > after_seen[0], after_seen


def test_backoff_doubles_while_processes_die_young_and_resets_once_one_lives() -> None:
    backoff = query_engine.Backoff(stable_pause=0.0)
    young = [backoff.after(1.0) for _ in range(9)]
    assert young == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]
    assert backoff.after(query_engine.STABLE_SECONDS) == 0.0
    assert backoff.after(1.0) == query_engine.RESTART_DELAY
