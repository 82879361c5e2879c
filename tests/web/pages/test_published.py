"""For crawlers and JSON-LD processors (service/web/pages/published.py): robots.txt, the sitemap index and
its sitemaps (sitemaps.org), and the published JSON-LD context."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import iris
from service.build.catalogue import build_catalogue
from service.config import Settings
from service.web.app import create_app
from service.web.pages.published import SITEMAP_NS, chunks, entity_paths
from tests.pages_fixtures import fixture_store

NS = {"s": SITEMAP_NS}


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(
        Settings(), store=fixture_store(), manifest={"key": "k", "built": "2025-02-03T00:00:00Z"}
    )


def test_robots_names_the_sitemap(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    fields = [line.split(": ", 1) for line in response.get_data(as_text=True).splitlines()]
    assert ["User-agent", "*"] in fields and ["Disallow", "/sparql"] in fields
    sitemap = dict(f for f in fields if f[0] == "Sitemap")["Sitemap"]
    assert urlsplit(sitemap).path == "/sitemap.xml" and client.get(sitemap).status_code == 200


def test_the_sitemaps_list_every_entity_once(client: FlaskClient) -> None:
    index = ET.fromstring(client.get("/sitemap.xml").data)  # noqa: S314 - our own server's answer
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    listed: list[str] = []
    for loc in index.findall("s:sitemap/s:loc", NS):
        sitemap = ET.fromstring(client.get(urlsplit(loc.text or "").path).data)  # noqa: S314
        assert sitemap.tag == f"{{{SITEMAP_NS}}}urlset"
        assert [m.text for m in sitemap.findall("s:url/s:lastmod", NS)] == ["2025-02-03"] * len(sitemap)
        listed += [loc.text or "" for loc in sitemap.findall("s:url/s:loc", NS)]
    # Every organisation, person, event, source and post of the fixture: asked of the store directly.
    expected = fixture_store().select(
        """SELECT DISTINCT ?s WHERE {
             VALUES ?top { <http://www.w3.org/ns/org#Organization> <http://xmlns.com/foaf/0.1/Person>
               <https://schema.org/Person> <http://www.w3.org/ns/org#ChangeEvent>
               <http://www.w3.org/ns/prov#Entity> <http://www.w3.org/ns/org#Post> }
             ?s a ?top ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"""
    )
    ours = {r["s"].value.removeprefix(iris.ID) for r in expected if r["s"].value.startswith(iris.ID)}
    assert len(listed) == len(set(listed)) == len(ours) > 20
    assert {urlsplit(u).path.removeprefix("/doc/") for u in listed} == ours
    assert all(client.get(urlsplit(u).path).status_code == 200 for u in listed[:5])


def test_sitemaps_hold_at_most_their_limit() -> None:
    paths = entity_paths(build_catalogue(fixture_store()), iris.BASE)
    parts = chunks(paths, size=3)
    assert all(len(p) <= 3 for p in parts) and sum(parts, []) == paths and len(parts) == -(-len(paths) // 3)
    assert chunks([], size=3) == [[]]


def test_a_sitemap_beyond_the_last_is_not_found(client: FlaskClient) -> None:
    assert client.get("/sitemaps/2.xml").status_code == 404


def test_the_context_defines_every_prefix(client: FlaskClient) -> None:
    response = client.get("/context.jsonld")
    assert response.mimetype == "application/ld+json"
    assert json.loads(response.data)["@context"] == iris.PREFIXES
