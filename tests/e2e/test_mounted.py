"""`SCRIPT_NAME=/kg nhskg serve`, as behind a reverse proxy that passes the whole path on: gunicorn takes
the prefix off the path it receives and hands it to the app as SCRIPT_NAME. Every Location, Link header and
URL in the pages keeps the prefix (tests/web/test_mounted.py walks every page through the test client)."""

from __future__ import annotations

import http.client
import json
import shutil
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live import LiveServer, live_server
from tests.mounted import PREFIX, Targets, escaping, link_targets

MINI = Path(__file__).parents[1] / "data" / "mini"
pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def header_urls(self) -> list[str]:
        found = link_targets(self.headers.get("Link"))
        return found + [self.headers[h] for h in ("Location", "Content-Location") if h in self.headers]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root = tmp_path_factory.mktemp("mounted") / "project"
    shutil.copytree(MINI, root)
    env = {"NHSKG_ROOT": str(root), "NHSKG_CACHE_DIR": str(root / ".cache"), "SCRIPT_NAME": PREFIX}
    with live_server(env, ["--workers", "1"], log=root / "server.log") as running:
        yield running


def request(url: str, accept: str = "text/html", method: str = "GET", body: str | None = None) -> Answer:
    """One request, redirects not followed (urllib would follow the 303 and hide its Location)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=30)
    try:
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body, headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def test_the_server_answers_under_the_prefix(server: LiveServer) -> None:
    assert server.url.endswith(PREFIX)
    assert request(f"{server.url}/healthz", "application/json").status == 200
    root = server.url.removesuffix(PREFIX)
    assert request(f"{root}/healthz", "application/json").status != 200  # gunicorn refuses other paths
    bare = request(root + PREFIX)  # the prefix without its slash: Werkzeug's redirect to the home page
    assert bare.status == 308
    assert urllib.parse.urlsplit(bare.headers["Location"]).path == f"{PREFIX}/"


def test_see_other_keeps_the_prefix(server: LiveServer) -> None:
    answer = request(f"{server.url}/id/pct/5NT", "text/turtle")
    assert answer.status == 303
    assert answer.headers["Location"] == f"{PREFIX}/doc/pct/5NT.ttl"
    root = server.url.removesuffix(PREFIX)
    followed = request(root + answer.headers["Location"], "text/turtle")
    assert followed.status == 200
    assert b"Manchester Primary Care Trust" in followed.body


@pytest.mark.parametrize("path", ["/", "/doc/pct/5NT", "/def", "/class/nhs:PrimaryCareTrust", "/coverage"])
def test_every_url_on_a_page_keeps_the_prefix(server: LiveServer, path: str) -> None:
    answer = request(server.url + path)
    assert answer.status == 200
    page = server.url + path
    targets = Targets(answer.body.decode("utf-8"))
    assert escaping(targets.urls, page) == [], targets.found
    assert sum(url.startswith(PREFIX + "/") for url in targets.urls) >= 10, targets.found
    assert escaping(answer.header_urls, page) == []
    assert all(url.startswith(PREFIX + "/") for url in answer.header_urls), answer.header_urls


def test_search_json_and_the_query_editor_keep_the_prefix(server: LiveServer) -> None:
    hits = json.loads(request(f"{server.url}/search.json?q=manchester", "application/json").body)
    assert [hit["href"] for hit in hits] == [f"{PREFIX}/doc/pct/5NT"]
    editor = Targets(request(f"{server.url}/sparql").body.decode("utf-8"))
    assert ("script", "sparql-config", f"{server.url}/sparql") in editor.found


def test_queries_run_under_the_prefix(server: LiveServer) -> None:
    query = (
        "SELECT ?code WHERE { ?pct <https://w3id.org/nhs-commissioning/def#odsCode> ?code } ORDER BY ?code"
    )
    body = urllib.parse.urlencode({"query": query})
    answer = request(server.sparql, "application/sparql-results+json", "POST", body)
    assert answer.status == 200
    bindings = json.loads(answer.body)["results"]["bindings"]
    assert [b["code"]["value"] for b in bindings] == ["5HG", "5NT"]
