"""A query stopped at its time limit while its answer streams from the store: a 503 of its own, never the
server's bare 500 in place of a 200 (service/web/answers.py). Before the engine held answers whole (to
state the row cap's verdict in the headers), rows streaming at the limit gave gunicorn's 500 when no byte
had left yet, and a broken chunked body when some had; a failure after the first bytes is now only
possible over a remote backend's stream, tested in tests/web/test_answers.py."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from service.query.job import SEND_BYTES
from tests.live import LiveServer
from tests.sparql_fixtures import SLOW_GRAPH

pytestmark = pytest.mark.e2e
# Rows that come one by one, each after a scan of the slow graph (about 10 ms each, the first at once), so
# the answer is still streaming from the store at the 2 s limit (3,000 rows). As JSON, small rows were
# written 500 at a time (no byte out by the limit); as CSV, rows padded to 20 kB filled the writer's and
# the worker's first 64 kB (SEND_BYTES) in a few rows, long before it.
STREAMING = (
    "SELECT ?a ?c ?padded FROM <" + SLOW_GRAPH + "> WHERE {{ ?a ?b ?c "  # noqa: S608 - SPARQL, not SQL
    "FILTER NOT EXISTS {{ ?d ?e ?f FILTER(STR(?f) = CONCAT(STR(?c), '-never')) }} "
    "BIND(CONCAT(STR(?a), '{pad}') AS ?padded) }}"
)
PAD = 20_000


def ask(
    server: LiveServer, query: str, accept: str = "application/sparql-results+json"
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {
        "Accept": accept,
        "Cache-Control": "no-cache",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    connection.request("POST", "/sparql", urllib.parse.urlencode({"query": query}), headers)
    return connection, connection.getresponse()


@pytest.mark.parametrize(
    ("pad", "accept"),
    [("", "application/sparql-results+json"), ("x" * PAD, "text/csv")],
    ids=["small-rows-json", "padded-rows-csv"],
)
def test_a_timeout_while_the_answer_streams_is_a_503_of_ours(
    sparql_server: LiveServer, pad: str, accept: str
) -> None:
    assert PAD * 10 > SEND_BYTES  # padded, ten rows would fill the worker's first batch
    connection, response = ask(sparql_server, STREAMING.format(pad=pad), accept)
    body = response.read().decode()
    connection.close()
    assert response.status == 503, body
    assert "2 s limit" in body and "Internal Server Error" not in body
