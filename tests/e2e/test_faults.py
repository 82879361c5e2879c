"""Faults a running service must survive, each on a live server over a copy of the fixture project: a
corrupt data file, a store folder deleted underneath it, a worker killed, a full disk during a build."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.store import OxigraphStore
from tests.live import (
    NHSKG,
    children,
    descendants,
    is_query_engine,
    live_server,
    raw_get,
    wait_for_workers,
    web_workers,
)
from tests.sparql_fixtures import PROJECT

pytestmark = pytest.mark.e2e
BODIES = Path("data") / "ttl" / "bodies.ttl"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A copy of the fixture project with its store built once; yields the environment to serve it."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    env = {
        "NHSKG_ROOT": str(root),
        "NHSKG_CACHE_DIR": str(tmp_path / "cache"),
        "NHSKG_VALIDATE_ON_BUILD": "false",
    }
    assert nhskg("build", env).returncode == 0
    yield env


def nhskg(
    command: str, env: dict[str, str], limit_file_bytes: int | None = None
) -> subprocess.CompletedProcess[str]:
    def limited() -> None:  # runs in the child: a file-size limit behaves as a full disk (EFBIG)
        if limit_file_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))

    return subprocess.run(
        [str(NHSKG), command],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limited,  # noqa: PLW1509 - a plain setrlimit, no threads involved
        check=False,
    )


def stores(env: dict[str, str]) -> list[str]:
    return sorted(p.name for p in (Path(env["NHSKG_CACHE_DIR"]) / "stores").iterdir())


def store_folder(env: dict[str, str]) -> Path:
    folder = Path(env["NHSKG_CACHE_DIR"]) / "stores"
    return folder / (folder / "LAST_GOOD").read_text().strip()


def corrupt(env: dict[str, str]) -> None:
    with (Path(env["NHSKG_ROOT"]) / BODIES).open("a", encoding="utf-8") as handle:
        handle.write('\n<ccg/BROKEN> a nhs:ClinicalCommissioningGroup ;\n    rdfs:label "unterminated .\n')


def test_a_corrupt_turtle_file_stops_the_build_and_the_last_good_store_serves(
    project: dict[str, str], tmp_path: Path
) -> None:
    good = store_folder(project)
    corrupt(project)
    result = nhskg("build", project)
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert re.search(r"bodies\.ttl:\d+:\d+: ", line), line
    assert stores(project) == sorted([good.name, "LAST_GOOD"])
    with live_server(project, ["--workers", "1"], log=tmp_path / "server.log") as server:
        assert raw_get(server.url, "/doc/ccg/00C")[0] == 200
        assert raw_get(server.url, "/doc/ccg/BROKEN")[0] == 404
    assert "build failed, serving the last good store" in (tmp_path / "server.log").read_text()


def test_a_store_folder_removed_under_a_running_server(project: dict[str, str], tmp_path: Path) -> None:
    query = "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
    with live_server(project, ["--workers", "1"], log=tmp_path / "server.log") as server:
        assert raw_get(server.url, "/healthz")[0] == 200
        shutil.rmtree(store_folder(project))
        status, _, body = raw_get(server.url, "/healthz")
        assert status == 503
        assert json.loads(body) == {
            "status": "unavailable",
            "reason": "the store's folder is missing: restart the service to rebuild it",
        }
        started = time.monotonic()
        for _ in range(3):  # the query processes answer or fail, and never hang
            status, _, body = raw_get(server.url, query)
            assert status in (200, 500, 503), status
            assert project["NHSKG_CACHE_DIR"].encode() not in body
        assert time.monotonic() - started < 15
    with live_server(project, ["--workers", "1"]) as server:  # a restart rebuilds
        assert raw_get(server.url, "/healthz")[0] == 200
        assert raw_get(server.url, query)[0] == 200


def test_a_killed_worker_is_replaced_and_only_requests_in_flight_fail(project: dict[str, str]) -> None:
    clients, failures, answered = 4, [], []
    stop = threading.Event()

    def steady(path: str) -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(server.url + path, timeout=10) as response:
                    answered.append(response.status)
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                failures.append(repr(exc))

    with live_server(project, ["--workers", "2"]) as server:
        workers = wait_for_workers(server.process.pid, 2)
        assert len(workers) == 2
        paths = ["/doc/ccg/00C", "/search.json?q=00C", "/healthz", "/sparql?query=ASK%7B%7D"]
        threads = [threading.Thread(target=steady, args=(paths[i % len(paths)],)) for i in range(clients)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            len(web_workers(server.process.pid)) < 2 or workers[0] in web_workers(server.process.pid)
        ):
            time.sleep(0.2)
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join()
        replaced = web_workers(server.process.pid)
    assert len(replaced) == 2 and workers[0] not in replaced
    assert len(failures) <= clients, failures
    assert len(answered) > 100


def test_a_killed_query_engine_is_started_again(project: dict[str, str]) -> None:
    query = "/sparql?query=" + urllib.request.quote("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    fresh = {"Cache-Control": "no-cache"}
    with live_server(project, ["--workers", "1"]) as server:
        engines = [pid for pid in children(server.process.pid) if is_query_engine(pid)]
        assert len(engines) == 1
        assert raw_get(server.url, query, fresh)[0] == 200
        for pid in [engines[0], *descendants(engines[0])]:  # the engine and every query process it made
            os.kill(pid, signal.SIGKILL)
        statuses: set[int] = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = raw_get(server.url, query, fresh)[0]
            statuses.add(status)
            if status == 200:
                break
            time.sleep(0.2)
        replaced = [pid for pid in children(server.process.pid) if is_query_engine(pid)]
    assert status == 200, statuses
    assert statuses <= {200, 503}
    assert len(replaced) == 1 and replaced != engines


def test_a_full_disk_during_a_build_leaves_the_last_good_store_intact(project: dict[str, str]) -> None:
    good = store_folder(project)
    before = {p.relative_to(good): p.stat().st_size for p in good.rglob("*") if p.is_file()}
    with (Path(project["NHSKG_ROOT"]) / BODIES).open("a", encoding="utf-8") as handle:
        handle.write('\n<ccg/00X> a nhs:ClinicalCommissioningGroup ; rdfs:label "new"@en .\n')
    result = nhskg("build", project, limit_file_bytes=20_000)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("nhskg: cannot write the store")
    assert "File too large" in result.stderr and "Traceback" not in result.stderr
    assert stores(project) == sorted([good.name, "LAST_GOOD"])  # no partial store left
    assert {p.relative_to(good): p.stat().st_size for p in good.rglob("*") if p.is_file()} == before
    store = OxigraphStore.open_read_only(good / "oxigraph")  # the last good store still opens and answers
    ask = "ASK { <https://w3id.org/nhs-commissioning/id/ccg/%s> ?p ?o }"
    assert store.ask(ask % "00C") and not store.ask(ask % "00X")
