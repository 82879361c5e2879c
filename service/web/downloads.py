"""The dumps and the dataset's description on the web: `/dumps/{file}`, `/.well-known/void` (RFC 8615) and
`/void` (VoID and DCAT, by content negotiation), `/dataset` (303 to the description) and `/graph/{name}`
(a named graph's IRI, dereferenced to its description and dump).

A dump is a file of the build (service/build/dumps.py), sent by werkzeug as it is: `Range` requests get
`206 Partial Content`, the `ETag` is the file's sha256 (strong: the bytes never change within a build),
`Last-Modified` the build time, and `Repr-Digest` (RFC 9530) its sha-256. A build without dumps answers
404 saying how to make them.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file
from werkzeug.wrappers import Response as WerkzeugResponse

from service.build import dumps
from service.build.dumps import Published
from service.query.writers import write_triples
from service.web import caching, conneg, context, errors, urls, void
from service.web.context import AppState
from service.web.pages import rdf

blueprint = Blueprint("downloads", __name__)
FORMATS = urls.DOC_FORMATS
NO_DUMPS = "this build has no dumps: `nhskg build` (or `nhskg serve`) writes them beside the store"


@dataclass(frozen=True)
class DownloadsState:
    """The build's dumps folder and their record, read once per process (None: the build has none)."""

    folder: Path | None
    published: Published | None


def make_downloads_state(app_state: AppState) -> DownloadsState:
    built = app_state.built
    published = dumps.load_published(built) if built is not None else None
    return DownloadsState(built / dumps.FOLDER if built is not None else None, published)


def _state() -> DownloadsState:
    return context.part(DownloadsState)


@blueprint.get("/dumps/<path:file>")
def dump(file: str) -> Response:
    state = _state()
    if state.published is None or state.folder is None:
        return errors.error_response(404, "Not Found", NO_DUMPS, {})
    found = state.published.by_file(file)
    if found is None:
        return errors.error_response(404, "Not Found", f"no dump {file}: /void lists them", {})
    response = send_file(
        state.folder / found.file,
        mimetype=found.compression or found.media_type,  # werkzeug adds charset=utf-8 to text/turtle
        conditional=True,
        etag=found.sha256,
        last_modified=caching.last_modified(),
        max_age=300,
    )
    digest = base64.b64encode(bytes.fromhex(found.sha256)).decode("ascii")
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["Cache-Control"] = caching.CACHE_CONTROL
    return response


def _view() -> void.DatasetView:
    app_state = context.state()
    links = void.Links(urls.sparql_endpoint_url(), urls.void_url(), urls.dump_url)
    return void.dataset_view(app_state.settings.canonical_base, app_state.manifest, _state().published, links)


def _format(ext: str) -> urls.DocFormat:
    """The explicit format of `.ext`, else the one `Accept` prefers; 404 for an unknown extension, 406
    when none is acceptable."""
    if ext:
        fmt = urls.FORMAT_BY_EXTENSION.get(f".{ext}")
        if fmt is None:
            abort(404)
        return fmt
    offers = [f.media_type for f in FORMATS] + list(urls.MEDIA_ALIASES)
    chosen = conneg.negotiate(request.headers.get("Accept"), offers)
    if chosen is None:
        abort(406, "Available: " + ", ".join(f.media_type for f in FORMATS))
    name = urls.MEDIA_ALIASES.get(chosen)
    return urls.FORMAT_BY_NAME[name] if name else next(f for f in FORMATS if f.media_type == chosen)


def _answer(
    ext: str, view: void.DatasetView, links: dict[str, str], graph: void.GraphView | None = None
) -> Response:
    """The description of the dataset (or of one of its graphs) in the format asked for, with validators
    and a `Link` to each format."""
    fmt = _format(ext)
    headers = caching.validators(request.host_url, request.script_root, request.path, fmt.name)
    headers["Link"] = ", ".join(f'<{links[f.name]}>; rel="alternate"; type="{f.media_type}"' for f in FORMATS)
    if caching.not_modified(request, headers):
        return caching.not_modified_response(headers)
    if fmt.name == "html":
        html = render_template("void.html", view=view, graph=graph)
        return Response(html, mimetype="text/html", headers=headers)
    triples = void.graph_triples(view, graph) if graph else void.dataset_triples(view)
    if fmt.name == "jsonld":  # compact, naming the published context, as every document of ours
        body = rdf.compact_jsonld(triples, urls.context_url()).encode("utf-8")
    else:
        ordered = sorted(set(triples), key=lambda t: (t.subject.value, t.predicate.value, t.object.value))
        body = b"".join(write_triples(fmt.name, ordered, void.PREFIXES))
    charset = "; charset=utf-8" if fmt.name in ("turtle", "ntriples", "rdfxml") else ""
    return Response(body, content_type=fmt.media_type + charset, headers=headers)


@blueprint.get("/.well-known/void")
def well_known() -> Response:
    """Where VoID (section 7.2) and RFC 8615 say a client finds the description: the same as /void."""
    return description("")


@blueprint.get("/void", defaults={"ext": ""})
@blueprint.get("/void.<ext>")
def description(ext: str) -> Response:
    links = {f.name: urls.void_url(f.extension.lstrip(".")) for f in FORMATS}
    return _answer(ext, _view(), links)


@blueprint.get("/dataset")
def dataset() -> WerkzeugResponse:
    """The dataset's IRI (`{base}dataset`): 303 See Other to its description, as for every /id/ IRI."""
    response = redirect(urls.void_url(), 303)
    response.headers["Vary"] = "Accept"
    return response


@blueprint.get("/graph/<name>")
def graph(name: str) -> Response:
    stem, _, ext = name.partition(".")
    view = _view()
    found = view.graph(stem)
    if found is None:
        return errors.error_response(404, "Not Found", f"no named graph {stem}: /void lists them", {})
    links = {f.name: urls.graph_url(stem, f.extension.lstrip(".")) for f in FORMATS}
    return _answer(ext, view, links, found)
