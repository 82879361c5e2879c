"""HTTP caching and CORS on every page and document (service/web/caching.py): validators from the build and
the variant, 304 for a current copy, CORS headers, and /sparql answering through the same helper."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.config import Settings
from service.web import caching
from service.web.app import create_app
from tests.pages_fixtures import fixture_store

BUILT = "Wed, 01 Jan 2025 00:00:00 GMT"
PAGES = ["/doc/pct/5NT", "/doc/pct/5NT.ttl", "/doc/pct/5NT.jsonld", "/class/PrimaryCareTrust", "/", "/about"]
PAGES += ["/search?q=manchester", "/def", "/coverage.json", "/robots.txt", "/sitemap.xml", "/context.jsonld"]


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(
        Settings(), store=fixture_store(), manifest={"key": "one", "built": "2025-01-01T00:00:00Z"}
    )


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_validators_cors_and_answers_304(client: FlaskClient, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["ETag"].startswith('W/"') and first.headers["Cache-Control"] == caching.CACHE_CONTROL
    assert first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    other = client.get(url, headers={"If-None-Match": 'W/"not-this-one"'})
    assert other.status_code == 200 and other.data == first.data


def test_a_document_is_not_modified_since_the_build(client: FlaskClient) -> None:
    first = client.get("/doc/pct/5NT.ttl")
    assert first.headers["Last-Modified"] == BUILT
    assert client.get("/doc/pct/5NT.ttl", headers={"If-Modified-Since": BUILT}).status_code == 304
    earlier = "Tue, 31 Dec 2024 00:00:00 GMT"
    assert client.get("/doc/pct/5NT.ttl", headers={"If-Modified-Since": earlier}).status_code == 200


def test_each_variant_has_its_own_etag(client: FlaskClient) -> None:
    urls = ["/doc/pct/5NT.ttl", "/doc/pct/5NT.nt", "/doc/pct/5NT.ttl?page=2", "/doc/pct/5NT?at=2010-01-01"]
    tags = [client.get(u).headers["ETag"] for u in urls]
    negotiated = [
        client.get("/doc/pct/5NT", headers={"Accept": a}).headers for a in ("text/html", "text/turtle")
    ]
    assert len(set(tags + [negotiated[0]["ETag"]])) == len(urls) + 1
    # The same bytes as /doc/pct/5NT.ttl, so the same tag.
    assert negotiated[1]["ETag"] == tags[0]
    assert all(h["Vary"] == "Accept" for h in negotiated)


def test_a_new_build_changes_the_etag() -> None:
    tags = []
    for key in ("one", "two"):
        client = create_app(Settings(), store=fixture_store(), manifest={"key": key}).test_client()
        tags.append(client.get("/doc/pct/5NT.ttl").headers["ETag"])
    assert tags[0] != tags[1]


def test_errors_and_preflight_carry_cors(client: FlaskClient) -> None:
    missing = client.get("/doc/pct/NOPE")
    assert missing.status_code == 404 and missing.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/doc/pct/5NT", headers={"Access-Control-Request-Method": "GET"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Link" in client.get("/doc/pct/5NT.ttl").headers["Access-Control-Expose-Headers"]


def test_health_and_metrics_are_never_given_validators(client: FlaskClient) -> None:
    for url in ("/healthz", "/metrics"):
        assert "ETag" not in client.get(url).headers


def test_weak_and_strong_tags_compare_weakly() -> None:
    assert caching._tag_matches('"abc", W/"x"', 'W/"abc"') and caching._tag_matches("*", 'W/"q"')
    assert not caching._tag_matches('W/"abd"', 'W/"abc"')
