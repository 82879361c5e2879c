"""The protections that only a real server shows: the governor under gunicorn (work really stops, pages
never starve), the logs, the Server header, gunicorn's own limits, and a short fuzz over HTTP."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from concurrent.futures import Future, ThreadPoolExecutor
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_strategies as fz
from tests.live import LiveServer, children, cpu_seconds, descendants, raw_get
from tests.query.test_runner import QUICK, SLOW, get
from tests.sparql_fixtures import LIVE_MAX_CONCURRENT, PROJECT

pytestmark = pytest.mark.e2e
COMBINED = re.compile(r'^(\S+) (\S+) (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)" (\d+)$')
PAGES = ["/doc/ccg/00C", "/search?q=darlington", "/search.json?q=00C", "/healthz"]


def query_processes(server: LiveServer) -> set[int]:
    workers = children(server.process.pid)
    return {pid for worker in workers for pid in descendants(worker)}


def _slots_full(server: LiveServer, slow: list[Future[tuple[int, dict[str, str], str]]]) -> bool:
    """Wait until one more query is refused as busy (503 with Retry-After): the event that says every
    slot is held. False if the slow queries ended first."""
    while not any(f.done() for f in slow):
        status, headers, _ = get(server, QUICK)
        if status == 503 and "Retry-After" in headers:
            return True
    return False


def _pages_answered_while_slots_full(server: LiveServer) -> bool | None:
    """One round: every slot taken by a slow query, then every page asked for once. True if each page was
    answered before any slow query ended (its slot still held); None if the round proves nothing (the slow
    queries ended before the slots were seen full, on a very busy machine)."""
    with ThreadPoolExecutor(LIVE_MAX_CONCURRENT) as pool:
        slow = [pool.submit(get, server, SLOW) for _ in range(LIVE_MAX_CONCURRENT)]
        if not _slots_full(server, slow):
            return None
        for page in PAGES:
            status, _, _ = raw_get(server.url, page)
            assert status == 200, page
        in_time = not any(f.done() for f in slow)
        assert [f.result()[0] for f in slow] == [503] * LIVE_MAX_CONCURRENT
    return in_time


def test_pages_answer_while_slow_queries_hold_every_slot(sparql_server: LiveServer) -> None:
    """Pages never wait for a query slot. Told by the order of events, not by a time: each page is answered
    while the slow queries still hold every slot. A server whose pages queued behind the queries would
    answer them only once a slot was freed, in every round; a busy machine may make one round inconclusive
    (a page slower than the queries' 2 s limit), so a few rounds are allowed."""
    assert get(sparql_server, QUICK)[0] == 200
    rounds: list[bool | None] = []
    while len(rounds) < 5 and True not in rounds:
        rounds.append(_pages_answered_while_slots_full(sparql_server))
    assert True in rounds, f"no round answered every page while the slots were full: {rounds}"


def test_a_stopped_query_stops_burning_cpu(sparql_server: LiveServer) -> None:
    assert get(sparql_server, QUICK)[0] == 200
    time.sleep(1.0)  # let any spare query process finish starting
    before = query_processes(sparql_server)
    status, _, _ = get(sparql_server, SLOW)
    assert status == 503
    time.sleep(3.0)  # the replacement query process starts and settles
    after = query_processes(sparql_server)
    assert before - after, "the query process that ran over its time should have been killed"
    pids = [sparql_server.process.pid, *descendants(sparql_server.process.pid)]
    used = sum(cpu_seconds(p) for p in pids)
    time.sleep(1.0)
    burnt = sum(cpu_seconds(p) for p in pids) - used
    assert burnt < 0.3, f"{burnt:.2f} CPU-seconds used in 1 s by an idle server: the query still runs"


def test_every_query_outcome_is_logged_counted_and_the_access_log_is_combined(
    sparql_server: LiveServer,
) -> None:
    assert sparql_server.log is not None
    get(sparql_server, QUICK)
    get(sparql_server, "SELECT")
    get(sparql_server, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    with ThreadPoolExecutor(LIVE_MAX_CONCURRENT + 1) as pool:
        slow = [pool.submit(get, sparql_server, SLOW) for _ in range(LIVE_MAX_CONCURRENT)]
        time.sleep(0.5)
        assert get(sparql_server, QUICK)[0] == 503
        [f.result() for f in slow]
    lines = sparql_server.log.read_text(encoding="utf-8", errors="replace").splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert {"ok", "syntax", "rejected", "timeout", "busy"} <= {r["outcome"] for r in records}
    assert all({"time", "pid", "query_sha256", "ms", "rows", "outcome"} <= set(r) for r in records)
    access = [m for m in map(COMBINED.match, lines) if m]
    assert any(m.group(5).startswith("GET /sparql?query=") and m.group(6) == "503" for m in access)
    assert all(int(m.group(10)) >= 0 for m in access)
    metrics = raw_get(sparql_server.url, "/metrics")[2].decode()
    timeouts = re.search(r"^nhskg_query_timeouts_total\{[^}]*\} (\d+)$", metrics, re.MULTILINE)
    assert timeouts is not None and int(timeouts.group(1)) >= 1
    assert re.search(r'^nhskg_request_seconds_count\{endpoint="sparql.endpoint"', metrics, re.MULTILINE)


def test_the_server_header_names_no_version(sparql_server: LiveServer) -> None:
    _, headers, _ = raw_get(sparql_server.url, "/healthz")
    assert headers["server"] == "gunicorn"
    assert "x-powered-by" not in headers


@pytest.mark.parametrize(
    ("target", "headers"),
    [
        ("/sparql?query=" + "x" * 9000, {}),
        ("/healthz", {"X-Big": "y" * 9000}),
        ("/healthz", {f"X-H{i}": "z" for i in range(120)}),
    ],
)
def test_oversized_requests_are_refused_by_gunicorn(
    sparql_server: LiveServer, target: str, headers: dict[str, str]
) -> None:
    status, _, body = raw_get(sparql_server.url, target, headers)
    assert 400 <= status < 500
    assert b"Traceback" not in body


def test_an_oversized_body_gets_413(sparql_server: LiveServer) -> None:
    import http.client

    host, port = sparql_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    body = b"ASK {}" + b" " * 1_100_000
    try:
        connection.request("POST", "/sparql", body, {"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        assert response.status == 413
    finally:
        connection.close()


@pytest.mark.parametrize(
    "target",
    [
        "/static/../../../../etc/passwd",
        "//etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/../app.py",
        "/doc/../../etc/passwd",
        "/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/id/ccg/00C%0d%0aSet-Cookie:%20a=b",
    ],
)
def test_raw_traversal_and_crlf_over_http(sparql_server: LiveServer, target: str) -> None:
    status, headers, body = raw_get(sparql_server.url, target)
    assert status in (400, 404)
    assert b"root:x:" not in body and b"create_app" not in body
    assert "set-cookie" not in headers


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    query=fz.sparql_queries(),
    accept=fz.accept_headers().map(lambda a: a.encode("latin-1", "replace").decode("latin-1")),
    segments=st.lists(fz.PATH_SEGMENTS, min_size=1, max_size=3),
    q=fz.ANY_TEXT,
)
def test_fuzz_over_http(
    sparql_server: LiveServer, query: str, accept: str, segments: list[str], q: str
) -> None:
    leaks = re.compile(rf"Traceback|File \"|{re.escape(str(PROJECT.parent.parent))}".encode())
    targets = [
        "/sparql?" + urllib.parse.urlencode({"query": query}),
        "/doc/" + "/".join(s if "%" in s and s.isascii() else quote(s, safe="") for s in segments),
        "/search?" + urllib.parse.urlencode({"q": q}),
    ]
    for target in targets:
        status, _, body = raw_get(sparql_server.url, target, {"Accept": accept})
        assert status < 500 or status == 503, (target, status, body[:300])
        assert not leaks.search(body), (target, body[:300])
