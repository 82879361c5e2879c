"""The SPARQL 1.1 Protocol endpoint (query operation only): parse the request -> run -> serialise.

GET /sparql?query=...              a query
POST /sparql (form: query=...)     a query
POST /sparql (application/sparql-query)
GET /sparql without a query        the service description (Turtle, JSON-LD, ...) or the query editor (HTML)
any update                         403: this endpoint is read-only

The row cap is announced on every result in `X-SPARQL-Max-Rows`, and `X-SPARQL-Truncated: true` or `false`
says whether it cut this one (SPARQL JSON and XML also say so in their head: service/query/writers.py).
The result format is `output=` (Fuseki's name), else `format=` (Virtuoso's), else the Accept header. User
queries run through the governor (timeout, concurrency, row cap).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Request, Response, render_template, request

from service import iris
from service.query import result_cache
from service.query.engine import Engine
from service.query.job import (
    BusyError,
    EngineUnavailableError,
    InternalQueryError,
    MalformedQueryError,
    QueryError,
    QueryJob,
    QueryTimeoutError,
    RefusedQueryError,
    UnacceptableFormatError,
)
from service.query.remote import RemoteRunner
from service.query.result_cache import KeptAnswer, ResultCache
from service.query.runner import Governor, InProcessRunner, QueryRunner
from service.store import RemoteStore
from service.web import conneg, context, errors, examples, service_description, urls
from service.web.answers import AnswerBody
from service.web.caching import CORS, not_modified, validators

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
DESCRIPTION_TYPES = ["text/turtle", "text/html", *list(conneg.GRAPH_MEDIA_TYPES)[1:4]]

blueprint = Blueprint("sparql", __name__)


class ProtocolError(Exception):
    """A request the protocol rejects: carries the response to send."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass
class SparqlState:
    governor: QueryRunner
    results: ResultCache | None  # None: answers are not kept
    graph_counts: dict[str, int]  # triples per named graph, for the service description and the editor


@dataclass(frozen=True)
class Operation:
    """A parsed protocol request: the query text (None: none given) and the protocol's dataset."""

    query: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)


# --- tiny named error constructors --------------------------------------------------------------------


def bad_request(message: str) -> ProtocolError:
    return ProtocolError(errors.error_response(400, "Bad Request", message, CORS))


def unsupported_media_type(message: str) -> ProtocolError:
    return ProtocolError(errors.error_response(415, "Unsupported Media Type", message, CORS))


def not_acceptable(message: str) -> ProtocolError:
    return ProtocolError(errors.error_response(406, "Not Acceptable", message, {**CORS, "Vary": "Accept"}))


def read_only() -> ProtocolError:
    message = "this endpoint is read-only: SPARQL Update is not accepted, and nothing was changed"
    return ProtocolError(errors.error_response(403, "Forbidden", message, CORS))


def unavailable(message: str, retry_after: int | None) -> ProtocolError:
    headers = {**CORS, **({"Retry-After": str(retry_after)} if retry_after else {})}
    return ProtocolError(errors.error_response(503, "Service Unavailable", message, headers))


def internal_error(message: str) -> ProtocolError:
    return ProtocolError(errors.error_response(500, "Internal Server Error", message, CORS))


# What went wrong with a query -> its HTTP response: the one place where query errors meet statuses.
QUERY_ERROR_RESPONSES: dict[type[QueryError], Callable[[str], ProtocolError]] = {
    MalformedQueryError: bad_request,
    RefusedQueryError: bad_request,
    UnacceptableFormatError: not_acceptable,
    BusyError: lambda message: unavailable(message, retry_after=2),
    QueryTimeoutError: lambda message: unavailable(message, retry_after=None),
    EngineUnavailableError: lambda message: unavailable(message, retry_after=None),
    InternalQueryError: internal_error,
}


def failed(exc: QueryError) -> ProtocolError:
    """The response for a query that failed: the table's entry for its class or nearest base class."""
    for cls in type(exc).__mro__:
        if cls in QUERY_ERROR_RESPONSES:
            return QUERY_ERROR_RESPONSES[cls](exc.message)
    return internal_error(exc.message)


# --- parsing the request ------------------------------------------------------------------------------


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise bad_request(f"give one {name} parameter, not {len(values)}")
    return values[0] if values else None


def _utf8_body(req: Request) -> str:
    charset = req.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise unsupported_media_type(f"the request body must be UTF-8, not {charset}")
    try:
        return req.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request(f"the request body is not valid UTF-8: {exc}") from exc


def parse_operation(req: Request) -> Operation:
    """The protocol operation a request carries, or a ProtocolError saying what is wrong with it."""
    args = req.args
    form_graphs: tuple[list[str], list[str]] = ([], [])
    if req.method == "GET":
        if "update" in args:
            raise read_only()
        query = _one(args.getlist("query"), "query")
    elif req.mimetype == FORM:
        _utf8_body(req)
        if "update" in req.form or "update" in args:
            raise read_only()
        query = _one(args.getlist("query") + req.form.getlist("query"), "query")
        if query is None:
            raise bad_request("a form POST must carry a query parameter")
        form_graphs = (req.form.getlist("default-graph-uri"), req.form.getlist("named-graph-uri"))
    elif req.mimetype == QUERY:
        query = _utf8_body(req)
        if "query" in args:
            raise bad_request("give the query either in the body or in the URL, not both")
    elif req.mimetype == UPDATE:
        raise read_only()
    else:
        given = req.mimetype or "none"
        raise unsupported_media_type(f"POST a query as {FORM} or {QUERY}; the media type was {given}")
    return Operation(
        query,
        tuple(args.getlist("default-graph-uri") + form_graphs[0]),
        tuple(args.getlist("named-graph-uri") + form_graphs[1]),
    )


# The parameters that name the result format, strongest first, as Fuseki reads them (`output`, then
# `format`, then `results`; Virtuoso reads `format`); any of them outweighs the Accept header.
FORMAT_PARAMETERS = ("output", "format", "results")


def result_formats(req: Request) -> tuple[str | None, str | None]:
    """The (SELECT/ASK, CONSTRUCT/DESCRIBE) format names: a format parameter first, else Accept."""
    accept = req.headers.get("Accept")
    solution, graph = conneg.solution_format(accept), conneg.graph_format(accept)
    given = req.values if req.mimetype == FORM else req.args
    parameter = next((p for p in FORMAT_PARAMETERS if given.get(p)), None)
    if parameter is not None:
        wanted = given[parameter]
        override = conneg.format_override(wanted)
        if override is None:
            names = ", ".join(sorted(conneg.FORMAT_NAMES))
            raise bad_request(f"unknown {parameter} {wanted!r}: use a media type or one of {names}")
        solution, graph = override[0] or solution, override[1] or graph
    if solution is None and graph is None:
        offered = ", ".join([*conneg.SOLUTION_MEDIA_TYPES, *conneg.GRAPH_MEDIA_TYPES])
        raise not_acceptable(f"none of the formats asked for is offered; this endpoint offers {offered}")
    return solution, graph


# --- the endpoint -------------------------------------------------------------------------------------


def sparql_state() -> SparqlState:
    return context.part(SparqlState)


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    try:
        operation = parse_operation(request)
        if operation.query is None:
            return describe_service()
        return run_query(operation)
    except ProtocolError as exc:
        return exc.response


def run_query(operation: Operation) -> Response:
    assert operation.query is not None  # noqa: S101 - run_query is only called with a query
    job = _job(operation)
    headers = {"X-SPARQL-Max-Rows": str(job.max_rows)}
    if request.method == "GET":
        headers |= validators(job)
        if not_modified(request, headers):
            return Response(status=304, headers=headers)
    started = time.perf_counter()
    cache = sparql_state().results
    wanted = result_cache.directives(request.headers.get("Cache-Control"), request.headers.get("Pragma"))
    kept = cache.lookup(job) if cache is not None and wanted.reuse else None
    if kept is not None:
        return _kept(kept, headers, job.sparql, started)
    if cache is not None:
        headers["Cache-Status"] = result_cache.MISS if wanted.reuse else result_cache.BYPASS
    try:
        answer = sparql_state().governor.run(job)
        body = AnswerBody(answer, job, started, cache if wanted.store else None, context.state().metrics)
        body.start()  # a failure before the first byte still gets its own status, not a broken 200
    except QueryError as exc:
        seconds = time.perf_counter() - started
        context.state().metrics.observe_query(job.sparql, seconds, None, exc.outcome)
        raise failed(exc) from exc
    headers["X-SPARQL-Truncated"] = "true" if answer.head.truncated else "false"
    return Response(body, status=200, content_type=_content_type(answer.head.format), headers=headers)


def _job(operation: Operation) -> QueryJob:
    assert operation.query is not None  # noqa: S101 - checked by the caller
    solution, graph = result_formats(request)
    settings = context.state().settings
    return QueryJob(
        operation.query,
        operation.default_graph_uris,
        operation.named_graph_uris,
        solution,
        graph,
        settings.max_result_rows,
        settings.service_allowlist,
        settings.canonical_base + "sparql",
    )


def _content_type(fmt: str) -> str:
    media_type = conneg.MEDIA_TYPE_OF[fmt]
    return media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")


def _kept(kept: KeptAnswer, headers: dict[str, str], sparql: str, started: float) -> Response:
    """A kept answer: the same bytes a fresh evaluation would send."""
    metrics = context.state().metrics
    metrics.observe_query(sparql, time.perf_counter() - started, kept.rows, "cached")
    truncated = "true" if kept.truncated else "false"
    headers = {**headers, "Cache-Status": result_cache.HIT, "X-SPARQL-Truncated": truncated}
    return Response(kept.body, status=200, content_type=_content_type(kept.format), headers=headers)


def describe_service() -> Response:
    """GET without a query: the service description, or the query editor for a browser."""
    chosen = conneg.negotiate(request.headers.get("Accept"), DESCRIPTION_TYPES)
    if chosen is None:
        raise not_acceptable("the service description is offered as " + ", ".join(DESCRIPTION_TYPES))
    headers = validators("service-description", chosen, request.base_url)
    if not_modified(request, headers):
        return Response(status=304, headers=headers)
    if chosen == "text/html":
        return Response(query_editor(), headers=headers, mimetype="text/html")
    fmt = conneg.GRAPH_MEDIA_TYPES[chosen]
    triples = service_description.describe(
        urls.sparql_endpoint_url(),
        context.state().settings,
        _graph_counts(),
        context.state().manifest,
        urls.void_url(),
    )
    body = b"".join(service_description.serialize(triples, fmt))
    content_type = chosen + ("; charset=utf-8" if chosen.startswith("text/") else "")
    return Response(body, headers=headers, content_type=content_type)


def _graph_counts() -> dict[str, int]:
    return sparql_state().graph_counts


def query_editor() -> str:
    found = examples.examples()
    return render_template(
        "sparql.html",
        endpoint=urls.sparql_endpoint_url(),
        prefixes=iris.PREFIXES,
        examples=found,
        themes=examples.themes(found),
        examples_json=[{"name": e.name, "tab": e.tab, "query": e.query} for e in found],
        graphs=_graph_counts(),
    )


# --- set-up -------------------------------------------------------------------------------------------


def make_sparql_state(app: Flask, app_state: context.AppState) -> SparqlState:
    """This process's query runner: over a remote store, the remote runner (its server runs the queries);
    else the governor over the server's query engine, or over an engine of its own for the built store
    (stopped with `app`); else (a store in hand, with no build an engine could open) the in-process
    runner, which has no timeout."""
    settings = app_state.settings
    kept = settings.result_cache_mb * 1024 * 1024
    results = ResultCache(kept) if kept else None
    if isinstance(app_state.store, RemoteStore):
        slots = settings.query_slots_per_worker
        remote = RemoteRunner(app_state.store, slots, settings.query_timeout, settings.query_queue_seconds)
        return SparqlState(remote, results, _graph_counts_of(app_state))
    engine = app_state.engine
    if engine is None and app_state.built is not None:
        own = Engine.for_settings(app_state.built, settings)
        weakref.finalize(app, own.stop)  # with the app, or at exit
        engine = own.folder
    if engine is not None:
        slots = settings.query_slots_per_worker
        governor: QueryRunner = Governor(engine, slots, settings.query_timeout, settings.query_queue_seconds)
        governor.warm_up()
    else:
        governor = InProcessRunner(
            app_state.store, settings.max_concurrent_queries, settings.query_queue_seconds
        )
    return SparqlState(governor, results, _graph_counts_of(app_state))


def _graph_counts_of(app_state: context.AppState) -> dict[str, int]:
    """Triples per named graph: from the build's manifest, else counted (an app made with a store in hand)."""
    graphs = app_state.manifest.get("graphs")
    if isinstance(graphs, dict) and graphs:
        return {str(k): int(v) for k, v in graphs.items()}
    return app_state.store.triple_counts()
