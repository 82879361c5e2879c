"""The query engine: disk at once, memory once loaded, children killable, gone with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import build, query_engine
from service.config import Settings
from service.governor import Governor
from service.query_engine import Engine, Mode
from service.query_jobs import QueryJob, QueryTimeoutError
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
    started = Engine.start(store, mode, 128)
    try:
        yield started
    finally:
        started.stop()


def wait_for_memory(engine: Engine, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not query_engine.memory_ready(engine.folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert query_engine.memory_ready(engine.folder)


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
            link = query_engine.connect(engine.folder, 10)
            assert link.mode == mode
            link.kill()
            bodies[mode] = answer(Governor.with_engine(engine.folder, 1, 10.0))
        finally:
            engine.stop()
    assert bodies["disk"] == bodies["memory"]
    assert b'"n"' in bodies["memory"]


@pytest.mark.parametrize("engine", ["disk"], indirect=True)
def test_a_disk_engine_never_loads_memory(engine: Engine) -> None:
    assert answer(Governor.with_engine(engine.folder, 1, 10.0))
    time.sleep(1.0)
    assert not query_engine.memory_ready(engine.folder)


def test_without_a_dump_queries_stay_on_disk(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    (copy / build.DB).parent.mkdir(parents=True)
    (copy / build.DB).symlink_to(store / build.DB)  # the on-disk store only, no quads.nq
    engine = Engine.start(copy, "memory")
    try:
        time.sleep(1.0)
        assert not query_engine.memory_ready(engine.folder)
        assert b'"n"' in answer(Governor.with_engine(engine.folder, 1, 10.0))
    finally:
        engine.stop()


def test_idle_disk_workers_are_replaced_by_memory_ones(engine: Engine) -> None:
    governor = Governor.with_engine(engine.folder, 2, 10.0)
    governor.warm_up()
    wait_for_memory(engine)
    memory_side = [pid for pid in children(engine.process.pid) if children(pid)]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(children(memory_side[0]) if memory_side else []) < 2:
        time.sleep(0.1)
        memory_side = [pid for pid in children(engine.process.pid) if children(pid)]
    assert memory_side, "the in-memory side has forked no query worker"
    time.sleep(0.5)
    disk_children = [pid for pid in children(engine.process.pid) if pid not in memory_side]
    assert disk_children == [], "disk-side workers should have been killed once memory was ready"
    assert len(children(memory_side[0])) == 2
    governor.shutdown()


def test_an_overrunning_query_is_killed_and_the_next_is_answered(engine: Engine) -> None:
    wait_for_memory(engine)
    governor = Governor.with_engine(engine.folder, 1, 0.5)
    numbers = " ".join(str(i) for i in range(100))
    blocks = " ".join(f"VALUES ?{v} {{ {numbers} }}" for v in "abcde")  # 10^10 rows to count
    slow = "SELECT (COUNT(*) AS ?n) WHERE { " + blocks + " }"
    assert b'"n"' in answer(governor)  # the one worker is connected and idle
    before = set(descendants(engine.process.pid))
    with pytest.raises(QueryTimeoutError):
        answer(governor, slow)
    time.sleep(0.3)
    assert before - set(descendants(engine.process.pid)), "the overrunning worker should be gone"
    assert b'"n"' in answer(governor)


def test_the_engine_goes_when_its_parent_goes(store: Path) -> None:
    script = (
        "import sys, time; from pathlib import Path; from service.query_engine import Engine; "
        "e = Engine.start(Path(sys.argv[1]), 'memory'); "
        "print(e.process.pid, e.folder, flush=True); time.sleep(1)"
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


def test_a_child_of_the_memory_side_retires_after_a_long_job_and_is_replaced(store: Path) -> None:
    engine = Engine.start(store, "memory", private_mb=1)  # any child is over 1 MB once it checks
    try:
        wait_for_memory(engine)
        governor = Governor.with_engine(engine.folder, 1, 10.0)
        memory_side = children(engine.process.pid)[0]

        def workers() -> set[int]:
            return set(children(memory_side))

        answer(governor)
        first = workers()
        answer(governor)
        assert workers() == first and len(first) == 1, "a short job is not checked: its worker stays"
        numbers = " ".join(str(i) for i in range(150))
        blocks = " ".join(f"VALUES ?{v} {{ {numbers} }}" for v in "abc")
        assert b'"n"' in answer(governor, "SELECT (COUNT(*) AS ?n) WHERE { " + blocks + " }")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (workers() & first or not workers()):
            time.sleep(0.05)
        assert not workers() & first, "the worker over its limit after a long job should have gone"
        assert len(workers()) == 1, "and a fresh one taken its place"
        assert b'"n"' in answer(governor)
    finally:
        engine.stop()


@pytest.mark.parametrize(
    ("limit", "seconds", "private", "going"),
    [(64, 0.0, 100.0, False), (64, 0.2, 100.0, True), (64, 0.2, 10.0, False), (0, 0.2, 100.0, False)],
)
def test_retirement_after_a_long_job(
    limit: int, seconds: float, private: float, going: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    retirement = query_engine.Retirement(limit)
    clock = iter([100.0, 100.0 + seconds])
    monkeypatch.setattr(query_engine.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(query_engine, "private_dirty_mb", lambda: private)
    retirement.start()
    assert retirement.due() is going and retirement.going is going


def test_retirement_by_private_memory_every_so_many_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    retirement = query_engine.Retirement(64)
    monkeypatch.setattr(query_engine, "private_dirty_mb", lambda: 65.0)
    for _ in range(query_engine.Retirement.CHECK_EVERY - 1):
        retirement.start()
        assert not retirement.due()
    retirement.start()
    assert retirement.due()


def test_private_memory_is_read_from_proc() -> None:
    assert 0 < query_engine.private_dirty_mb() < 100_000


def test_a_memory_side_that_dies_is_loaded_again_and_queries_go_on(engine: Engine) -> None:
    wait_for_memory(engine)
    old = children(engine.process.pid)
    assert len(old) == 1
    os.kill(old[0], signal.SIGKILL)
    governor = Governor.with_engine(engine.folder, 1, 10.0)
    assert b'"n"' in answer(governor)  # on disk, or on the new side if it was that quick
    deadline = time.monotonic() + 30
    link = query_engine.connect(engine.folder, 10)
    while link.mode != "memory" and time.monotonic() < deadline:
        link.kill()
        time.sleep(0.1)
        link = query_engine.connect(engine.folder, 10)
    link.kill()
    assert link.mode == "memory"
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
        link = query_engine.connect(engine.folder, 10)  # waits for the new engine's socket
        assert link.pid in descendants(engine.process.pid)
        link.kill()
        assert b'"n"' in answer(Governor.with_engine(engine.folder, 1, 10.0))
    finally:
        engine.stop()
    assert not engine.folder.exists()
    assert engine.process.poll() is not None
