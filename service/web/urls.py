"""Every URL the service emits, and the mapping between canonical IRIs and the paths this host serves.

The canonical IRIs live under `https://w3id.org/nhs-commissioning/` (settings.canonical_base); the service
answers for them under whatever host it runs on. RDF keeps canonical IRIs; HTML links point at this host.
The pure functions take the canonical base as an argument; the `*_href` helpers read it from the app.

Every path to this host (a 303's `Location`, `Link` and `Content-Location` headers, HTML links, the `href`
of /search.json) is built here, through Flask's url_for, under the request's script root: mounted at a
prefix (`SCRIPT_NAME=/kg`, as gunicorn and a reverse proxy deliver it) every one of them keeps the prefix.

Paths (documented in docs/uris.md, "Documents and formats"):
  /id/{path}            the thing itself: 303 See Other to a document chosen by Accept; with
                        Accept-Datetime, the Memento TimeGate: 302 Found to `/doc/{path}?at={day}`
  /doc/{path}           the document about it (HTML unless Accept prefers RDF); /doc/{path}.{ext} one format
  /def, /def.{ext}      the ontology; /def#Term a term
  /class/{curie}        the instances of a class; /search, /search.json; /about
  /shapes, /validation  the SHACL shapes and the build's report (HTML, .ttl; .json for the report)
  /robots.txt, /sitemap.xml, /sitemaps/{n}.xml   for crawlers; /context.jsonld  the JSON-LD context
  /timemap/link/{path}  the thing's Memento TimeMap (application/link-format; service/web/pages/memento.py)
  /openapi.json         the OpenAPI 3 description of the JSON endpoints (service/static/openapi.json)
  /.well-known/void, /void, /void.{ext}   the dataset in VoID and DCAT; /dataset  303 to it
  /dumps/{file}         the build's dumps; /graph/{name}, /graph/{name}.{ext}  a named graph's description
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import g, url_for

from service import iris
from service.web import context


@dataclass(frozen=True, slots=True)
class DocFormat:
    name: str  # the store's / conneg's format name, or "html"
    extension: str  # "" for HTML
    media_type: str
    label: str


DOC_FORMATS: tuple[DocFormat, ...] = (
    DocFormat("html", "", "text/html", "HTML"),
    DocFormat("turtle", ".ttl", "text/turtle", "Turtle"),
    DocFormat("jsonld", ".jsonld", "application/ld+json", "JSON-LD"),
    DocFormat("ntriples", ".nt", "application/n-triples", "N-Triples"),
    DocFormat("rdfxml", ".rdf", "application/rdf+xml", "RDF/XML"),
)
FORMAT_BY_NAME = {f.name: f for f in DOC_FORMATS}
# Explicit extensions a client may ask for; ".html" names the HTML document without negotiation.
FORMAT_BY_EXTENSION = {f.extension: f for f in DOC_FORMATS if f.extension} | {".html": DOC_FORMATS[0]}
# Accept-header aliases, never preferred over the types above.
MEDIA_ALIASES = {
    "application/xhtml+xml": "html",
    "application/x-turtle": "turtle",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}

# A path under id/: segments of letters, digits, '-' and '_' (codes, slugs, dates, `a--b` intervals).
_ID_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:/[A-Za-z0-9][A-Za-z0-9_-]*)*$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURIE = re.compile(r"^(?:([a-z][a-z0-9]*):)?([A-Za-z_][A-Za-z0-9_-]*)$")


class MalformedPathError(ValueError):
    """The path cannot name anything we mint (wrong characters, empty segments)."""


def is_valid_id_path(path: str) -> bool:
    return bool(_ID_PATH.match(path))


def split_format(doc_path: str) -> tuple[str, DocFormat | None]:
    """`pct/5NT.ttl` -> (`pct/5NT`, Turtle); no known extension -> (path, None) for negotiation."""
    stem, dot, ext = doc_path.rpartition(".")
    if dot and f".{ext}" in FORMAT_BY_EXTENSION:
        return stem, FORMAT_BY_EXTENSION[f".{ext}"]
    return doc_path, None


def iri_for_path(path: str, base: str = iris.BASE) -> str:
    """The canonical IRI that `/id/{path}` (or `/doc/{path}`) is about; MalformedPathError if none can be."""
    if not is_valid_id_path(path):
        raise MalformedPathError(f"not a path we mint: {path!r}")
    return f"{base}id/{path}"


def path_for_iri(iri: str, base: str = iris.BASE) -> str | None:
    """The `id/` path of one of our IRIs (`pct/5NT`), or None for any other IRI."""
    prefix = f"{base}id/"
    if iri.startswith(prefix) and is_valid_id_path(iri[len(prefix) :]):
        return iri[len(prefix) :]
    return None


def term_name(iri: str, base: str = iris.BASE) -> str | None:
    """The local name of a term of our ontology (`PrimaryCareTrust`), or None."""
    prefix = f"{base}def#"
    return iri[len(prefix) :] if iri.startswith(prefix) and iri != prefix else None


def curie(iri: str) -> str:
    """`nhs:PrimaryCareTrust` for a term in a known namespace, else the IRI itself."""
    for prefix, ns in sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = iri[len(ns) :]
        if iri.startswith(ns) and local and _CURIE.match(local):
            return f"{prefix}:{local}"
    return iri


def expand_curie(text: str) -> str | None:
    """The IRI of `nhs:X`, `org:Organization` or a bare `X` (an nhs: term); None if not a known prefix."""
    match = _CURIE.match(text)
    if not match:
        return None
    prefix, local = match.group(1) or "nhs", match.group(2)
    ns = iris.PREFIXES.get(prefix)
    return ns + local if ns else None


def _query(params: dict[str, str | int | None]) -> str:
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


def outbound_kind(iri: str) -> str | None:
    """A reader's name for a well-known external record, or None."""
    hosts = {
        "https://directory.spineservices.nhs.uk/": "ODS record",
        "http://statistics.data.gov.uk/id/statistical-geography/": "ONS geography",
        "http://www.wikidata.org/entity/": "Wikidata",
        "https://www.wikidata.org/wiki/": "Wikidata",
        "https://www.legislation.gov.uk/": "legislation.gov.uk",
        "http://www.legislation.gov.uk/id/": "legislation.gov.uk",
        "https://en.wikipedia.org/": "Wikipedia",
    }
    return next((name for prefix, name in hosts.items() if iri.startswith(prefix)), None)


# --- URLs on the running host (need an app context) ---------------------------------------------


def _base() -> str:
    return context.state().settings.canonical_base


def _document_url(path: str) -> str:
    """url_for("pages.document", path=path), built from a prefix worked out once per request: a large
    page links a thousand things, and url_for took a third of its rendering time. The quoting is the
    routing converter's own (werkzeug's BaseConverter.to_url); tests compare the two."""
    prefix = g.get("document_url_prefix")
    if prefix is None:
        prefix = g.document_url_prefix = url_for("pages.document", path="x")[:-1]
    return str(prefix) + quote(path, safe="!$&'()*+,/:;=@")


def _chosen_day() -> str | None:
    """This request's `?at=` when it is a well-formed date (a page with a malformed one is not drawn)."""
    day: str | None = g.get("chosen_day", "")
    if day == "":
        from flask import request

        text = request.args.get("at", "").strip()
        day = g.chosen_day = text if _DAY.match(text) else None
    return day


def href(iri: str, **query: str | int | None) -> str:
    """Where a link to this IRI should point: our page about it on this host, or the IRI itself. A link
    to one of our documents keeps the date the reader chose (`?at=`), unless `at` is given (None: none)."""
    base = _base()
    path = path_for_iri(iri, base)
    if path is not None:
        if "at" not in query:
            query = {"at": _chosen_day(), **query}
        return _document_url(path) + _query(query)
    name = term_name(iri, base)
    if name is not None:
        return url_for("pages.ontology") + f"#{name}"
    if iri == base + "def":
        return url_for("pages.ontology")
    return iri


def doc_url(path: str, fmt: DocFormat | None = None, **query: str | int | None) -> str:
    """`/doc/{path}{ext}?{query}` under this request's script root: the document about `/id/{path}`."""
    return _document_url(path + (fmt.extension if fmt else "")) + _query(query)


def id_url(path: str) -> str:
    """The absolute URL of `/id/{path}` on this host: a thing's Original Resource and TimeGate (Memento)."""
    return url_for("pages.thing", path=path, _external=True)


def memento_url(path: str, fmt: DocFormat | None, day: dt.date) -> str:
    """The absolute URL of the document about `/id/{path}` as of `day` (`?at=`): one of its Mementos."""
    return url_for("pages.document", path=path + (fmt.extension if fmt else ""), _external=True) + _query(
        {"at": day.isoformat()}
    )


def timemap_url(path: str) -> str:
    """The absolute URL of the Memento TimeMap of `/id/{path}` (application/link-format)."""
    return url_for("pages.timemap", path=path, _external=True)


def doc_href(iri: str, fmt: DocFormat | None = None, **query: str | int | None) -> str:
    """The document about one of our IRIs in one format (must be ours)."""
    path = path_for_iri(iri, _base())
    if path is None:
        raise ValueError(f"not one of our IRIs: {iri}")
    return doc_url(path, fmt, **query)


def ontology_href(fmt: DocFormat | None = None) -> str:
    """/def, or /def.{ext} for one explicit format."""
    ext = fmt.extension.lstrip(".") if fmt else ""
    return page_href("pages.ontology", ext)


def page_href(endpoint: str, ext: str = "") -> str:
    """A page offered in several formats (`pages.coverage_page` -> /coverage), or one of them (ext `json`
    -> /coverage.json). The routes give `ext` a default of "", so url_for needs it left out, not empty."""
    return url_for(endpoint, ext=ext) if ext else url_for(endpoint)


def context_url() -> str:
    """The absolute URL of the published JSON-LD context, which every JSON-LD document names."""
    return url_for("published.jsonld_context_document", _external=True)


def sparql_endpoint_url() -> str:
    """The SPARQL endpoint's absolute URL on this host: the service description's sd:endpoint, the
    query editor's target."""
    return url_for("sparql.endpoint", _external=True)


def class_href(class_iri: str, **query: str | int | None) -> str:
    return url_for("pages.class_page", name=curie(class_iri)) + _query(query)


def search_href(q: str | None = None, **query: str | int | None) -> str:
    """/search?q=...; `query` adds the filters and the page (kind, alive, page)."""
    return url_for("pages.search") + _query({"q": q, **query})


def search_json_href(q: str | None = None, **query: str | int | None) -> str:
    return url_for("pages.search_json") + _query({"q": q, **query})


def home_href(**query: str | int | None) -> str:
    return url_for("home.index") + _query(query)


def csv_href(table: str) -> str:
    """This page's URL asking for one of its tables as CSV (`?format=csv&table=members`, the other
    arguments kept): the one way every table of every page is offered (service/web/pages/tables.py)."""
    from flask import request

    params: dict[str, str | int | None] = {
        k: v for k, v in request.args.items() if k not in ("format", "table")
    }
    return _query({**params, "format": "csv", "table": table})


def query_with(name: str, value: str | int | None) -> str:
    """This request's query string with one parameter changed (pagers keep the date and the filters)."""
    from flask import request

    params: dict[str, str | int | None] = {k: v for k, v in request.args.items() if k != name}
    params[name] = value
    return _query(params) or "?"


def void_url(ext: str = "") -> str:
    """The absolute URL of the dataset's VoID description: /.well-known/void, or /void.{ext} in one format."""
    if ext:
        return url_for("downloads.description", ext=ext, _external=True)
    return url_for("downloads.well_known", _external=True)


def dump_url(file: str) -> str:
    """The absolute URL of a dump of the build (`nhs-commissioning.nq.gz`, `graph/ccgs.ttl`)."""
    return url_for("downloads.dump", file=file, _external=True)


def graph_url(name: str, ext: str = "") -> str:
    """/graph/{name} (the named graph `{base}graph/{name}`), or /graph/{name}.{ext} in one format."""
    return url_for("downloads.graph", name=name + (f".{ext}" if ext else ""))
