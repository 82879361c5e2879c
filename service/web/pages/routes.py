"""The human-readable side: entity documents, the ontology, search, listings and /about.

Routes are thin: parse the request, call one data function, render it as HTML or RDF. The catalogue (search
index and labels) and the vocabulary are built once per process by create_app, and reached with
`pages_state()` (service/web/pages/state.py). URLs come from service.web.urls; queries from
service/queries/pages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request
from werkzeug.wrappers import Response as WerkzeugResponse

from service import iris
from service.build import coverage
from service.store import Store
from service.web import caching, conneg, context, errors, urls
from service.web.pages import memento, paging, quality, tables
from service.web.pages.args import MAX_PAGE, day_arg, page_arg, whole_number
from service.web.pages.coverage import LIST_PAGE, coverage_triples, list_page, to_json
from service.web.pages.document import incoming_pages, standalone_triples
from service.web.pages.entity import EntityView, document_triples, entity_view, exists
from service.web.pages.headers import day_for, list_links, paging_links
from service.web.pages.lineage import lay_out
from service.web.pages.listings import instances, sources_page
from service.web.pages.rdf import compact_jsonld, embeddable_jsonld, serialize
from service.web.pages.search import MAX_LIMIT, PER_PAGE, SearchView, hit_json, search_view
from service.web.pages.state import pages_state
from service.web.pages.timeline import timeline

blueprint = Blueprint("pages", __name__)
# The URL helpers templates call, registered by create_app.
TEMPLATE_GLOBALS: tuple[str, ...] = ("href", "doc_href", "class_href", "search_href", "home_href")
TEMPLATE_GLOBALS += ("query_with", "curie", "outbound_kind", "csv_href")


def _store() -> Store:
    return context.state().store


def _base() -> str:
    return context.state().settings.canonical_base


# --- request parsing ----------------------------------------------------------------------------


def chosen_format(fmt: urls.DocFormat | None) -> urls.DocFormat:
    """The explicit format, or the one the Accept header prefers; 406 when it accepts none of them."""
    if fmt is not None:
        return fmt
    offers = [f.media_type for f in urls.DOC_FORMATS] + list(urls.MEDIA_ALIASES)
    media_type = conneg.negotiate(request.headers.get("Accept"), offers)
    if media_type is None:
        abort(406, "Available: " + ", ".join(f.media_type for f in urls.DOC_FORMATS))
    name = urls.MEDIA_ALIASES.get(media_type)
    return (
        urls.FORMAT_BY_NAME[name] if name else next(f for f in urls.DOC_FORMATS if f.media_type == media_type)
    )


def _alternates(link_of: dict[str, str]) -> dict[str, str]:
    links = [f'<{link_of[f.name]}>; rel="alternate"; type="{f.media_type}"' for f in urls.DOC_FORMATS]
    return {"Link": ", ".join(links), "Vary": "Accept"}


def rdf_response(text: str | bytes, fmt: urls.DocFormat, headers: dict[str, str]) -> Response:
    charset = "; charset=utf-8" if fmt.name in ("turtle", "ntriples", "rdfxml") else ""
    response = Response(text, content_type=fmt.media_type + charset)
    response.headers.update(headers)
    return response


# --- /id and /doc -------------------------------------------------------------------------------


def _known_iri(path: str) -> str:
    try:
        iri = urls.iri_for_path(path, _base())
    except urls.MalformedPathError:
        abort(400, f"/id/{path} cannot name anything: paths are letters, digits, '-' and '_' between '/'")
    if not exists(_store(), iri):
        raise UnknownThingError(iri, path)
    return iri


class UnknownThingError(Exception):
    def __init__(self, iri: str, path: str) -> None:
        super().__init__(iri)
        self.iri, self.path = iri, path


@blueprint.errorhandler(UnknownThingError)
def unknown_thing(exc: UnknownThingError) -> tuple[str, int]:
    words = exc.path.rsplit("/", 1)[-1].replace("-", " ")
    suggestions = pages_state().search.search(words, limit=10).hits
    return render_template("not_found.html", iri=exc.iri, words=words, suggestions=suggestions), 404


@blueprint.get("/id/<path:path>")
def thing(path: str) -> WerkzeugResponse:
    """303 See Other to the document about the thing, in the format the Accept header prefers; with
    Accept-Datetime, the Memento TimeGate: 302 Found to the document as of the day in force then."""
    iri = _known_iri(path)
    when = _accept_datetime()
    fmt = chosen_format(None)
    target = None if fmt.name == "html" else fmt
    if when is None:
        response = redirect(urls.doc_url(path, target), code=303)
        response.headers["Link"] = memento.original_links(urls.id_url(path), urls.timemap_url(path))
    else:
        days = memento.change_days(_store(), iri)
        day = memento.memento_for(days, when)
        if day is None:
            abort(404, f"no dated state of /id/{path}: no source dates anything we say about it")
        response = redirect(urls.memento_url(path, target, day), code=302)
        response.headers["Link"] = memento.timegate_links(
            urls.id_url(path), urls.timemap_url(path), days, day, lambda d: urls.memento_url(path, target, d)
        )
    response.headers["Vary"] = "Accept, Accept-Datetime"
    return response


def _accept_datetime() -> dt.datetime | None:
    """The request's Accept-Datetime (RFC 7089); 400 when present but not an HTTP-date."""
    text = request.headers.get("Accept-Datetime")
    if text is None:
        return None
    when = memento.parse_http_date(text)
    if when is None:
        abort(
            400, f"Accept-Datetime must be an HTTP-date such as 'Sun, 01 Oct 2006 00:00:00 GMT', not {text!r}"
        )
    return when


@blueprint.get("/timemap/link/<path:path>")
def timemap(path: str) -> Response:
    """The Memento TimeMap of the thing: its Mementos, one a day on which what we say about it changes."""
    iri = _known_iri(path)
    headers = caching.validators(request.host_url, request.script_root, iri, "timemap")
    del headers["Vary"]
    if caching.not_modified(request, headers):
        return caching.not_modified_response(headers)
    body = memento.timemap(
        urls.id_url(path), urls.timemap_url(path), memento.change_days(_store(), iri),
        lambda day: urls.memento_url(path, None, day),
    )  # fmt: skip
    return Response(body, content_type=memento.LINK_FORMAT, headers=headers)


@blueprint.get("/doc/<path:path>")
def document(path: str) -> Response | str:
    stem, explicit = urls.split_format(path)
    iri = _known_iri(stem)
    if request.args.get("format") == "csv":
        return _entity_csv(iri)
    fmt = chosen_format(explicit)
    at = day_for(fmt.name)
    members_page, triples_page = page_arg("members_page"), page_arg("page")
    dated = {"at": at.isoformat() if at else None}  # a Memento's variants are Mementos of the same day
    headers = _alternates(
        {f.name: urls.doc_url(stem, f if f.name != "html" else None, **dated) for f in urls.DOC_FORMATS}
    )
    if explicit is None:
        headers["Content-Location"] = urls.doc_url(stem, fmt if fmt.name != "html" else None, **dated)
    variant = (request.host_url, request.script_root, iri, fmt.name, at, members_page, triples_page)
    headers |= caching.validators(*variant, daily=fmt.name == "html")
    if caching.not_modified(request, headers):
        return caching.not_modified_response(headers)
    headers["Link"] += paging_links(stem, explicit, triples_page, incoming_pages(_store(), iri))
    if at is not None:  # a Memento: the document as of that day
        headers["Memento-Datetime"] = memento.http_date(at)
        headers["Link"] += ", " + memento.original_links(urls.id_url(stem), urls.timemap_url(stem))
    key = (*variant, dt.date.today())
    body = pages_state().documents.get_or_make(
        key, lambda: _document_body(iri, stem, fmt.name, at, members_page, triples_page)
    )
    if fmt.name != "html":
        return rdf_response(body, fmt, headers)
    return Response(body, mimetype="text/html", headers=headers)


def _document_body(
    iri: str, stem: str, fmt: str, at: dt.date | None, members_page: int, triples_page: int
) -> bytes:
    state = pages_state()
    view = entity_view(
        _store(), state.catalogue, state.vocabulary, iri, at, members_page, triples_page, report=state.report
    )
    if fmt == "html":
        return render_entity(view, at).encode("utf-8")
    triples = standalone_triples(_store(), view, _base(), stem)
    if fmt == "jsonld":
        return compact_jsonld(triples, urls.context_url()).encode("utf-8")
    return serialize(triples, fmt).encode("utf-8")


def _entity_csv(iri: str) -> Response:
    state = pages_state()
    at, members_page, triples_page = day_for("csv"), page_arg("members_page"), page_arg("page")
    view = entity_view(
        _store(), state.catalogue, state.vocabulary, iri, at, members_page, triples_page, report=state.report
    )
    return csv_response(tables.entity_table(view, request.args.get("table", "")))


def csv_response(table: tables.Table | None) -> Response:
    """A table as text/csv (RFC 4180, with its header row); 404 naming none of the page's tables."""
    if table is None:
        abort(404, "no such table on this page: see the CSV link under each table")
    return Response(tables.to_csv(table), content_type="text/csv; charset=utf-8; header=present")


def render_entity(view: EntityView, at: dt.date | None) -> str:
    chart = timeline(view.iri, view.relations, view.founded, view.dissolved, dt.date.today(), at)
    about = paging.page_of(view.statements, view.incoming.number, paging.STATEMENTS_PER_PAGE)
    shown = paging.shown_triples(document_triples(view), view.iri, about.items)
    return render_template(
        "entity.html",
        view=view,
        at=at,
        chart=chart,
        lineage=lay_out(view.lineage, dt.date.today()),
        about=about,
        jsonld=embeddable_jsonld([t for t in shown if not view.curators(t.predicate.value, t.object)]),
        formats=urls.DOC_FORMATS,
    )


# --- the ontology -------------------------------------------------------------------------------


@blueprint.get("/def", defaults={"ext": ""})
@blueprint.get("/def.<ext>")
def ontology(ext: str) -> Response | str:
    explicit = urls.FORMAT_BY_EXTENSION.get(f".{ext}") if ext else None
    if ext and explicit is None:
        abort(404)
    fmt = chosen_format(explicit)
    headers = _alternates({f.name: urls.ontology_href(f) for f in urls.DOC_FORMATS})
    if fmt.name != "html":
        result = _store().query("CONSTRUCT WHERE { ?s ?p ?o }", default_graphs=[iris.graph("ontology")])
        response = Response(result.serialize(fmt.name), mimetype=fmt.media_type)
        response.headers.update(headers)
        return response
    state = pages_state()
    usage = state.overview_of(_store()).usage  # the build's, counted once
    html = render_template("ontology.html", vocabulary=state.vocabulary, usage=usage)
    return Response(html, mimetype="text/html", headers=headers)


# --- shapes and the validation report -------------------------------------------------------------


def _quality_format(ext: str, offered: tuple[str, ...]) -> str:
    fmt = quality.quality_format(ext, request.headers.get("Accept"), offered)
    if fmt is None and ext:
        abort(404)
    if fmt is None:
        abort(406, quality.available(offered))
    return fmt


@blueprint.get("/shapes", defaults={"ext": ""})
@blueprint.get("/shapes.<ext>")
def shapes(ext: str) -> Response:
    fmt = _quality_format(ext, ("html", "turtle"))
    state = pages_state()
    with state.lock:
        if state.shapes is None:
            state.shapes = quality.shapes_view(context.state().settings.shapes_dir)
    headers = quality.quality_headers("pages.shapes", ("turtle",))
    if fmt == "turtle":
        return Response(state.shapes.turtle, content_type=quality.CONTENT_TYPES[fmt], headers=headers)
    return Response(render_template("shapes.html", view=state.shapes), mimetype="text/html", headers=headers)


@blueprint.get("/validation", defaults={"ext": ""})
@blueprint.get("/validation.<ext>")
def validation_report(ext: str) -> Response:
    fmt = _quality_format(ext, ("html", "json", "turtle"))
    state = pages_state()
    report = state.report
    headers = quality.quality_headers("pages.validation_report", ("json", "turtle"))
    if fmt == "html":
        view = quality.validation_view(report, state.catalogue.label) if report is not None else None
        return Response(render_template("validation.html", view=view), mimetype="text/html", headers=headers)
    body = None if report is None else report.json_text if fmt == "json" else report.turtle()
    if body is None:  # answered here, not by abort(), to keep Vary: Accept
        return errors.error_response(
            404, "Not Found", "no validation report is saved beside this store", headers
        )
    return Response(body, content_type=quality.CONTENT_TYPES[fmt], headers=headers)


# --- search, listings, about ----------------------------------------------------------------------


def _search(per_page: int) -> SearchView:
    """The search asked for: q, kind (a CURIE or an IRI; one the data lacks finds nothing), alive
    (YYYY-MM-DD; 400 if it is not a date) and page (400 if it is not a whole number)."""
    text = request.args.get("kind", "").strip()
    kind = (urls.expand_curie(text) or text) if text else None
    state = pages_state()
    q = request.args.get("q", "").strip()[:200]
    return search_view(state.search, state.vocabulary, q, kind, day_arg("alive"), page_arg(), per_page)


def _search_links(view: SearchView, href: Callable[..., str]) -> dict[str, str]:
    """RFC 8288 Link header of the next and previous pages (the same filters, another page)."""
    args = {name: request.args.get(name) for name in ("kind", "alive", "limit")}
    pages = [("prev", view.previous_page), ("next", view.next_page)]
    links = [f'<{href(view.q, **args, page=n)}>; rel="{rel}"' for rel, n in pages if n]
    return {"Link": ", ".join(links)} if links else {}


def _per_page() -> int:
    """`limit`, 1-50; anything else means the default (20), as /search.json has always read it."""
    return min(whole_number(request.args.get("limit", ""), MAX_PAGE) or PER_PAGE, MAX_LIMIT)


@blueprint.get("/search")
def search() -> Response:
    view = _search(_per_page())
    headers = _search_links(view, urls.search_href)
    html = render_template("search.html", view=view, q=view.q, vocabulary=pages_state().vocabulary)
    return Response(html, mimetype="text/html", headers=headers)


@blueprint.get("/search.json")
def search_json() -> Response:
    view = _search(_per_page())
    vocabulary = pages_state().vocabulary
    response = jsonify([hit_json(h, vocabulary, urls.href(h.entry.iri)) for h in view.hits])
    response.headers.update(_search_links(view, urls.search_json_href))
    return response


@blueprint.get("/class/<name>")
def class_page(name: str) -> Response | str:
    class_iri = urls.expand_curie(name)
    if class_iri is None:
        abort(400, f"{name!r} is not a class name such as nhs:PrimaryCareTrust or org:Organization")
    state = pages_state()
    at = day_for("html")
    alive = state.alive_on(_store(), class_iri, at) if at is not None else None
    listing = instances(state.class_index(_store()), state.catalogue, class_iri, at, page_arg(), alive)
    if listing.total == 0 and class_iri not in state.vocabulary.terms:
        abort(404, f"no class {urls.curie(class_iri)} in the data or the ontology")
    term = state.vocabulary.terms.get(class_iri)
    if request.args.get("format") == "csv":
        return csv_response(tables.listing_table(listing, request.args.get("table", "")))
    return render_template("class.html", listing=listing, term=term, at=at, name=name)


@blueprint.get("/coverage", defaults={"ext": ""})
@blueprint.get("/coverage.<ext>")
def coverage_page(ext: str) -> Response:
    """How complete the history is: one row per kind of body, then the stated gaps."""
    fmt = _quality_format(ext, ("html", "json", "turtle"))
    state = pages_state()
    view = state.coverage_on(_store(), dt.date.today())
    headers = quality.quality_headers("pages.coverage_page", ("json", "turtle"))
    if fmt == "html" and "list" in request.args:
        return _coverage_list(view, headers)
    # Kept per day: the table is the day's, and its page (1.4 MB over the real data) took a second to render.
    key = ("coverage", fmt, view.day, request.script_root, _base())
    body = state.documents.get_or_make(key, lambda: _coverage_body(view, fmt))
    content_type = {"json": "application/json", "turtle": quality.CONTENT_TYPES["turtle"]}
    return Response(body, content_type=content_type.get(fmt, "text/html; charset=utf-8"), headers=headers)


def _coverage_list(view: coverage.Coverage, headers: dict[str, str]) -> Response:
    """One page of one long list of /coverage (`?list=gaps&kind=name unknown&page=2`)."""
    section, kind = request.args.get("list", ""), request.args.get("kind", "")
    found = list_page(view, section, kind, page_arg())
    if found is None or found.page > found.pages:
        abort(404, f"/coverage has no page {page_arg()} of a list {section!r} of {kind!r}")
    stem = urls.page_href("pages.coverage_page") + "?" + urlencode({"list": section, "kind": kind})
    links = list_links(lambda n: stem + (f"&page={n}" if n > 1 else ""), found.page, found.pages)
    if links:
        headers = {**headers, "Link": headers["Link"] + ", " + links["Link"]}
    html = render_template("coverage_list.html", found=found)
    return Response(html, mimetype="text/html", headers=headers)


def _coverage_body(view: coverage.Coverage, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(to_json(view), indent=1).encode()
    if fmt == "turtle":
        return serialize(coverage_triples(view, _base() + "coverage"), "turtle").encode()
    html = render_template("coverage.html", view=view, columns=coverage.COLUMNS, shown=LIST_PAGE)
    return html.encode()


@blueprint.get("/about")
def about() -> Response:
    """What the dataset is, how to cite it, and its data files, a page of them at a time."""
    view = sources_page(pages_state().overview_of(_store()), page_arg())
    if view.page > view.pages:
        abort(404, f"the data files fill {view.pages} page(s); there is no page {view.page}")
    html = render_template("about.html", sources=view, kinds=view.kinds, app_state=context.state())
    about_href = urls.page_href("pages.about")
    links = list_links(lambda n: about_href + (f"?page={n}" if n > 1 else ""), view.page, view.pages)
    return Response(html, mimetype="text/html", headers=links)
