"""The service mounted under a prefix, as gunicorn hands it on with SCRIPT_NAME=/kg: the test client's
base_url puts /kg in SCRIPT_NAME and the rest of the path in PATH_INFO. Every Location, Link and
Content-Location header, every URL in the HTML and every href of /search.json keeps the prefix.
`client` is the pages fixture graph's (tests/pages_fixtures.py).
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
import rdflib
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service import iris
from tests.mounted import PREFIX, Targets, escaping, link_targets

ROOT = f"http://localhost{PREFIX}"
SD_ENDPOINT = rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")


def _get(client: FlaskClient, path: str, accept: str = "text/html") -> TestResponse:
    """`path` under the prefix: SCRIPT_NAME=/kg, PATH_INFO=path."""
    return client.get(path, base_url=ROOT, headers={"Accept": accept})


def _header_urls(response: TestResponse) -> list[str]:
    """Every URL the response's headers name."""
    found = link_targets(response.headers.get("Link"))
    return found + [response.headers[h] for h in ("Location", "Content-Location") if h in response.headers]


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        ("text/html", f"{PREFIX}/doc/pct/5NT"),
        ("text/turtle", f"{PREFIX}/doc/pct/5NT.ttl"),
        ("application/ld+json", f"{PREFIX}/doc/pct/5NT.jsonld"),
    ],
)
def test_see_other_keeps_the_prefix(client: FlaskClient, accept: str, location: str) -> None:
    response = _get(client, "/id/pct/5NT", accept)
    assert response.status_code == 303
    assert response.headers["Location"] == location
    followed = client.get("/id/pct/5NT", base_url=ROOT, headers={"Accept": accept}, follow_redirects=True)
    assert followed.status_code == 200
    assert followed.request.root_path + followed.request.path == location


PAGES = [
    ("/", 200),
    ("/?at=2012-01-01", 200),
    ("/doc/pct/5NT", 200),
    ("/doc/pct/5NT?at=2012-01-01&members_page=1", 200),
    ("/doc/sha/Q31?at=2010-05-05", 200),
    ("/def", 200),
    ("/class/nhs:PrimaryCareTrust", 200),
    ("/class/nhs:PrimaryCareTrust?at=2010-01-01", 200),
    ("/search?q=manchester", 200),
    ("/sparql", 200),
    ("/coverage", 200),
    ("/shapes", 200),
    ("/validation", 200),
    ("/about", 200),
    ("/id/pct/manchester", 404),  # suggestions and a search link
]


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_every_url_on_a_page_keeps_the_prefix(client: FlaskClient, path: str, status: int) -> None:
    response = _get(client, path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = ROOT + path
    targets = Targets(response.get_data(as_text=True))
    assert escaping(targets.urls, page) == [], targets.found
    ours = [url for url in targets.urls if url.startswith(PREFIX + "/")]
    assert len(ours) >= 10, targets.found  # the menu alone has eight: the walk is not vacuous
    assert f"{PREFIX}/sparql" in ours
    assert escaping(_header_urls(response), page) == []


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("/doc/pct/5NT", "text/html", 6),  # five alternates and the Content-Location
        ("/doc/pct/5NT", "text/turtle", 6),
        ("/doc/pct/5NT.ttl", "*/*", 5),
        ("/def", "text/html", 5),
        ("/def.ttl", "*/*", 5),
        ("/coverage.json", "*/*", 2),
        ("/shapes.ttl", "*/*", 1),
        ("/validation", "text/html", 2),
    ],
)
def test_link_headers_keep_the_prefix(client: FlaskClient, path: str, accept: str, expected: int) -> None:
    response = _get(client, path, accept)
    assert response.status_code == 200
    headers = _header_urls(response)
    assert len(headers) == expected
    assert all(url.startswith(PREFIX + "/") for url in headers), headers


def test_search_json_hrefs_keep_the_prefix(client: FlaskClient) -> None:
    hits = _get(client, "/search.json?q=manchester", "application/json").get_json()
    assert hits
    assert all(hit["href"].startswith(f"{PREFIX}/doc/") for hit in hits), hits


def test_the_query_editor_and_the_service_description_name_the_mounted_endpoint(client: FlaskClient) -> None:
    editor = Targets(_get(client, "/sparql").get_data(as_text=True))
    assert ("script", "sparql-config", f"{ROOT}/sparql") in editor.found
    assert ("form", "action", f"{ROOT}/sparql") in editor.found
    response = _get(client, "/sparql", "text/turtle")
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert set(graph.objects(None, SD_ENDPOINT)) == {rdflib.URIRef(f"{ROOT}/sparql")}


def test_rdf_keeps_canonical_iris_under_a_prefix(client: FlaskClient) -> None:
    body = _get(client, "/doc/pct/5NT.nt", "*/*").get_data(as_text=True)
    assert f"<{iris.ID}pct/5NT>" in body
    assert PREFIX + "/" not in body


def test_the_openapi_description_resolves_its_paths_under_the_prefix(client: FlaskClient) -> None:
    # Without `servers` OpenAPI means "/", the host's root; a relative "./" is read against the document.
    spec = _get(client, "/openapi.json", "application/json").get_json()
    servers = [urljoin(f"{ROOT}/openapi.json", server["url"]) for server in spec["servers"]]
    assert servers == [f"{ROOT}/"]
