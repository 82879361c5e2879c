"""One end-to-end run: `nhskg serve` as a real subprocess, queried with SPARQLWrapper."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from service.build.coverage import KINDS
from tests.live import LiveServer, live_server

MINI = Path(__file__).parents[1] / "data" / "mini"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("e2e") / "project"
    shutil.copytree(MINI, root)
    env = {"NHSKG_ROOT": str(root), "NHSKG_CACHE_DIR": str(root / ".cache")}
    with live_server(env, ["--workers", "2"], log=root / "server.log") as running:
        yield running


def test_health_check_answers(server: LiveServer) -> None:
    with urllib.request.urlopen(f"{server.url}/healthz") as response:
        assert response.status == 200


def test_sparqlwrapper_select_over_the_materialised_graph(server: LiveServer) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setReturnFormat(JSON)
    client.setQuery(
        """
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?code WHERE { ?body a org:Organization ; org:identifier ?code } ORDER BY ?code
        """
    )
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    assert [b["code"]["value"] for b in result["results"]["bindings"]] == ["5HG", "5NT"]


def test_coverage_is_served_by_every_worker(server: LiveServer) -> None:
    for _ in range(4):  # two workers, each with the table it computed at start-up
        with urllib.request.urlopen(f"{server.url}/coverage.json") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("application/json")
            assert len(json.load(response)["kinds"]) == len(KINDS)
