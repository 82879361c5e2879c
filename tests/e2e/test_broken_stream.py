"""A query stopped at its time limit after its Head: a 503 of its own while no byte of the answer has been
sent (never the server's bare 500 in place of the 200), and a broken stream that a client detects (a
chunked body without its last chunk) once bytes have gone (service/web/answers.py)."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from service.query.job import SEND_BYTES
from tests.live import LiveServer
from tests.sparql_fixtures import SLOW_GRAPH

pytestmark = pytest.mark.e2e
# Rows that come one by one, each after a scan of the slow graph (about 10 ms each, the first at once), so
# the Head is sent at once and the answer is still streaming at the 2 s limit (3,000 rows). As JSON, small
# rows are written 500 at a time, so no byte has reached the client by then; as CSV, rows padded to 20 kB
# fill the writer's and the worker's first 64 kB (SEND_BYTES) in a few rows, long before the limit.
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


def test_a_timeout_before_the_first_byte_is_a_503_of_ours(sparql_server: LiveServer) -> None:
    connection, response = ask(sparql_server, STREAMING.format(pad=""))
    body = response.read().decode()
    connection.close()
    assert response.status == 503, body
    assert "limit" in body and "Internal Server Error" not in body


def test_a_timeout_after_the_first_bytes_breaks_the_stream(sparql_server: LiveServer) -> None:
    assert PAD * 10 > SEND_BYTES  # ten rows fill the worker's first batch
    connection, response = ask(sparql_server, STREAMING.format(pad="x" * PAD), "text/csv")
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    with pytest.raises(http.client.IncompleteRead) as broken:
        response.read()
    connection.close()
    body = broken.value.partial
    assert body.startswith(b"a,c,padded\r\nhttp://example.org/s")
    assert b"Internal Server Error" not in body and b"HTTP/1." not in body
