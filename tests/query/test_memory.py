"""The engine's in-memory side: loaded from the dump, left dead when it cannot load, loaded again when it
dies (after growing pauses when it keeps dying), and quiet when the engine stops while it loads."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from service.build import builder as build
from service.query import engine as query_engine
from service.query import memory, processes
from service.query.engine import Engine
from service.query.runner import Governor
from tests.live import children
from tests.query.engines import answer, exited, memory_side, wait_for_memory, wait_until


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
    assert memory_side and not (engine.folder / memory.MEMORY).exists()
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
    assert pauses[1] >= processes.RESTART_DELAY * 2, pauses
    assert pauses[2] >= processes.RESTART_DELAY * 4, pauses
    # Compared from when the engine saw each side go: from the kill, each pause also holds up to a
    # second of the engine's polling, which could put the first (1 s) past the second (2 s).
    assert after_seen[2] > after_seen[1] > after_seen[0], after_seen
