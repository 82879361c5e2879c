"""What crawlers and JSON-LD processors fetch: /robots.txt, the sitemaps, and the published JSON-LD context.

The sitemaps follow sitemaps.org: /sitemap.xml is a sitemap index naming /sitemaps/1.xml, 2.xml, ... each
of at most 50,000 URLs (the protocol's limit), every entity of the catalogue that has a document of ours
listed once, in IRI order, with the build's date as `lastmod`. /context.jsonld is the context every compact
JSON-LD document names (`service.web.pages.rdf.jsonld_context`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, request, url_for

from service.build.catalogue import Catalogue
from service.web import caching, context, urls
from service.web.pages.rdf import jsonld_context
from service.web.pages.state import pages_state

blueprint = Blueprint("published", __name__)
URLS_PER_SITEMAP = 50_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def entity_paths(catalogue: Catalogue, base: str) -> list[str]:
    """The `id/` paths of every entity of the catalogue that is one of ours, each once, sorted."""
    paths = (urls.path_for_iri(iri, base) for iri in catalogue.entries)
    return sorted({p for p in paths if p is not None})


def chunks(paths: list[str], size: int = URLS_PER_SITEMAP) -> list[list[str]]:
    return [paths[i : i + size] for i in range(0, len(paths), size)] or [[]]


def _cached(body: str, media_type: str, *variant: object) -> Response:
    headers = caching.validators(request.host_url, request.script_root, *variant)
    del headers["Vary"]  # one representation: nothing is negotiated
    if caching.not_modified(request, headers):
        return caching.not_modified_response(headers)
    return Response(body, content_type=media_type, headers=headers)


def _lastmod() -> str:
    modified = caching.last_modified()
    return f"<lastmod>{modified.date().isoformat()}</lastmod>" if modified else ""


@blueprint.get("/robots.txt")
def robots() -> Response:
    root = request.script_root
    lines = [
        "User-agent: *",
        f"Disallow: {root}/sparql",  # queries cost the server; the documents hold the same data
        f"Disallow: {root}/search",
        f"Sitemap: {url_for('published.sitemap_index', _external=True)}",
    ]
    return _cached("\n".join(lines) + "\n", "text/plain; charset=utf-8", "robots")


@blueprint.get("/sitemap.xml")
def sitemap_index() -> Response:
    body = _kept(("sitemap-index",), _sitemap_index_body)
    return _cached(body, "application/xml; charset=utf-8", "sitemap-index")


def _sitemap_index_body() -> str:
    base = context.state().settings.canonical_base
    count = len(chunks(entity_paths(pages_state().catalogue, base)))
    lastmod = _lastmod()
    locations = (url_for("published.sitemap", number=n, _external=True) for n in range(1, count + 1))
    entries = "".join(f"<sitemap><loc>{escape(loc)}</loc>{lastmod}</sitemap>\n" for loc in locations)
    return f'{XML_DECLARATION}<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}</sitemapindex>\n'


@blueprint.get("/sitemaps/<int:number>.xml")
def sitemap(number: int) -> Response:
    body = _kept(("sitemap", number), lambda: _sitemap_body(number))
    if not body:
        abort(404, "no sitemap of that number: /sitemap.xml lists them")
    return _cached(body, "application/xml; charset=utf-8", "sitemap", number)


def _sitemap_body(number: int) -> str:
    """The sitemap's XML, or "" when there is no sitemap `number`."""
    base = context.state().settings.canonical_base
    parts = chunks(entity_paths(pages_state().catalogue, base))
    if not 1 <= number <= len(parts):
        return ""
    host, lastmod = request.host_url.rstrip("/"), _lastmod()
    entries = "".join(
        f"<url><loc>{escape(host + urls.doc_url(p))}</loc>{lastmod}</url>\n" for p in parts[number - 1]
    )
    return f'{XML_DECLARATION}<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'


def _kept(what: tuple[object, ...], make: Callable[[], str]) -> str:
    """A sitemap made once per process and host (tens of thousands of URLs): it changes with the build."""
    key = (*what, request.host_url, request.script_root)
    return pages_state().documents.get_or_make(key, lambda: make().encode("utf-8")).decode("utf-8")


@blueprint.get("/context.jsonld")
def jsonld_context_document() -> Response:
    return _cached(json.dumps(jsonld_context(), indent=1), "application/ld+json", "context")
