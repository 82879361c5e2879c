"""The query governor on a live server: a runaway query is killed at the timeout with a clear 503, the
next query is answered normally, extra concurrent queries get 503 + Retry-After, and pages stay up."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.query.runner import InProcessRunner, QueryJob
from service.query.writers import TRUNCATED_LINK
from tests.live import LiveServer
from tests.sparql_fixtures import LIVE_MAX_CONCURRENT, LIVE_TIMEOUT, SLOW_GRAPH, fixture_store

# A cross product of the 3,000-triple fixture graph with itself, three times: minutes of work.
SLOW = "SELECT (COUNT(*) AS ?n) FROM <" + SLOW_GRAPH + "> WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # noqa: S608 - SPARQL, not SQL; constants
QUICK = "ASK { ?s ?p ?o }"


def get(
    server: LiveServer, query: str, timeout: float = 30, fresh: bool = True
) -> tuple[int, dict[str, str], str]:
    """The answer to `query`; `fresh` asks for an evaluation (these tests are about evaluating), not an
    answer the result cache kept."""
    url = f"{server.sparql}?{urllib.parse.urlencode({'query': query})}"
    headers = {"Cache-Control": "no-cache"} if fresh else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=timeout
        ) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read().decode()


@pytest.mark.e2e
def test_runaway_query_is_stopped_and_the_next_is_answered(sparql_server: LiveServer) -> None:
    assert get(sparql_server, QUICK)[0] == 200  # the workers have started
    started = time.monotonic()
    status, _, body = get(sparql_server, SLOW)
    elapsed = time.monotonic() - started
    assert status == 503
    assert "limit" in body and "stopped" in body
    assert elapsed < LIVE_TIMEOUT + 2
    status, _, body = get(sparql_server, QUICK)
    assert status == 200
    assert '"boolean": true' in body


@pytest.mark.e2e
def test_too_many_queries_get_503_and_pages_stay_up(sparql_server: LiveServer) -> None:
    with ThreadPoolExecutor(LIVE_MAX_CONCURRENT + 1) as pool:
        slow = [pool.submit(get, sparql_server, SLOW) for _ in range(LIVE_MAX_CONCURRENT)]
        # Asked again until the slow queries hold every slot (which they do until they are stopped).
        status, headers, body = get(sparql_server, QUICK)
        while status == 200 and not any(f.done() for f in slow):
            status, headers, body = get(sparql_server, QUICK)
        assert status == 503
        assert headers["Retry-After"] == "2"
        assert "too many queries" in body
        with urllib.request.urlopen(f"{sparql_server.url}/healthz", timeout=5) as page:
            assert page.status == 200
        assert [f.result()[0] for f in slow] == [503] * LIVE_MAX_CONCURRENT
    assert get(sparql_server, QUICK)[0] == 200


def test_in_process_mode_caps_rows_but_says_it_has_no_timeout(caplog: pytest.LogCaptureFixture) -> None:
    governor = InProcessRunner(fixture_store(), slots=1)
    assert not governor.isolated
    assert "no timeout" in caplog.text
    answer = governor.run(QueryJob("SELECT * WHERE { ?s ?p ?o }", max_rows=3))
    body = b"".join(answer)
    assert answer.done is not None and answer.done.rows == 3 and answer.done.truncated
    assert answer.head.truncated and json.loads(body)["head"]["link"] == [TRUNCATED_LINK]
    again = governor.run(QueryJob(QUICK))  # the slot was freed when the body ended
    assert b"".join(again) == b'{"head": {}, "boolean": true}'
