"""The engine's in-memory side: loaded from the dump, left dead when it cannot load, loaded again when it
dies (after growing pauses when it keeps dying), and quiet when the engine stops while it loads."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from service.build import builder as build
from service.query import engine as query_engine
from service.query import memory, processes
from service.query.engine import Engine
from service.query.job import QueryJob, QueryTimeoutError
from service.query.processes import side_loads
from service.query.runner import Answer, Governor
from tests.live import children
from tests.query.engines import (
    BIG,
    QUICK_LIMIT,
    SLOW_COUNT,
    answer,
    exited,
    memory_side,
    side_pid,
    wait_for_memory,
    wait_for_sides,
    wait_until,
)


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


def held(governor: Governor, engine: Engine) -> tuple[Answer, int, int]:
    """A query of 90,000 rows that has begun to answer and goes on running while nobody reads it (its
    side waits to send), with the pid and index of the side answering it (the one whose count of
    running queries went up)."""
    before = side_loads(engine.folder)
    result = governor.run(QueryJob(BIG))
    after = side_loads(engine.folder)
    (side,) = [index for index in after if after[index] > before.get(index, 0)]
    return result, side_pid(engine.folder, side), side


def rows_of(result: Answer) -> int:
    body = b"".join(result)
    assert result.done is not None and not result.done.truncated
    assert result.done.rows == len(json.loads(body)["results"]["bindings"])
    return result.done.rows


def test_a_query_beside_a_runaway_on_its_side_keeps_its_full_answer(engine: Engine) -> None:
    wait_for_memory(engine)
    neighbour, side, _ = held(Governor(engine.folder, 1, QUICK_LIMIT), engine)
    with pytest.raises(QueryTimeoutError):  # the runaway, on the same (only) side, is stopped
        answer(Governor(engine.folder, 1, 0.5), SLOW_COUNT)
    assert wait_until(lambda: not query_engine.memory_ready(engine.folder)), "the side should retire"
    assert Path(f"/proc/{side}").exists(), "a retired side waits for the queries still running there"
    assert rows_of(neighbour) == 90_000
    assert exited(side), "then it ends, and the runaway with it"
    wait_for_memory(engine)
    assert memory_side(engine) != side


def test_a_runaway_stopped_on_one_side_leaves_another_side_untouched(two_sides: Engine) -> None:
    wait_for_sides(two_sides, 2)
    neighbour, neighbour_pid, neighbour_side = held(Governor(two_sides.folder, 1, QUICK_LIMIT), two_sides)
    other = side_pid(two_sides.folder, 1 - neighbour_side)
    with pytest.raises(QueryTimeoutError):  # sent to the other side: the neighbour's is busier
        answer(Governor(two_sides.folder, 1, 0.5), SLOW_COUNT)
    assert exited(other), "the runaway's side should end at once: nothing else ran there"
    assert rows_of(neighbour) == 90_000  # in full, on the connection it began on: not sent again
    assert side_pid(two_sides.folder, neighbour_side) == neighbour_pid
    wait_for_sides(two_sides, 2)  # the side that ended is loaded again
    assert side_pid(two_sides.folder, 1 - neighbour_side) not in (other, neighbour_pid)


def test_queries_at_once_are_spread_over_every_side(two_sides: Engine) -> None:
    wait_for_sides(two_sides, 2)
    governor = Governor(two_sides.folder, 2, QUICK_LIMIT)
    first, second = held(governor, two_sides), held(governor, two_sides)
    assert {first[2], second[2]} == {0, 1}
    assert first[1] != second[1]
    assert rows_of(first[0]) == rows_of(second[0]) == 90_000
    governor.shutdown()


@pytest.mark.parametrize(
    ("dump_mb", "available_mb", "cpus", "sides"),
    [
        (355, 19_000, 2, 2),  # the real data on this 2-core machine
        (355, 19_000, 16, 4),  # more cores: at most MAX_DEFAULT_SIDES
        (355, 19_000, 1, 2),  # one core: still two, so that a runaway leaves a side at memory speed
        (355, 1_200, 2, 1),  # room for one copy in half the memory
        (355, 100, 2, 1),  # no room: one all the same (the setting says memory)
        (0, 100, 2, 2),  # no dump: sides that will not load cost nothing
    ],
)
def test_the_default_number_of_sides_fits_half_the_memory(
    dump_mb: int, available_mb: int, cpus: int, sides: int
) -> None:
    assert memory.default_sides(dump_mb * 2**20, available_mb * 2**20, cpus) == sides
