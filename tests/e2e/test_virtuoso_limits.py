"""The service over Virtuoso at its time limit: Virtuoso answers a query it stopped at its `timeout` with
200 and the rows found so far (docs/backends.md); through `nhskg serve --backend-dialect virtuoso` the
client gets our 503, never those rows, and the next query is answered."""

from __future__ import annotations

import json

import pytest

from tests.live import LiveServer
from tests.query.test_runner import QUICK, SLOW, get
from tests.sparql_fixtures import LIVE_TIMEOUT

pytestmark = pytest.mark.e2e


def test_a_query_past_its_limit_gets_503_and_no_rows(virtuoso_sparql_server: LiveServer) -> None:
    assert get(virtuoso_sparql_server, QUICK)[0] == 200
    status, headers, body = get(virtuoso_sparql_server, SLOW)
    assert status == 503, body[:300]
    assert not headers["Content-Type"].startswith("application/sparql-results")
    assert "bindings" not in body and f"{LIVE_TIMEOUT:g} s limit" in body
    status, _, body = get(virtuoso_sparql_server, QUICK)
    assert status == 200 and json.loads(body)["boolean"] is True
