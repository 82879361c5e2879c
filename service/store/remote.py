"""The remote store: `Store` over the SPARQL 1.1 Protocol, to any server (Oxigraph server, Virtuoso, ...).

One pool of keep-alive HTTP connections per store (urllib3), with connect and read timeouts. Every query
names its dataset: the default graph is the union of OUR named graphs (those under `iris.GRAPH`, and
any the settings add), exactly as the embedded store's union default graph, so that a server's own
system graphs never join an answer; what a server needs beyond the protocol comes from its `Dialect`.
Values are bound with `bind_values`, as in the embedded store. Answers are parsed by pyoxigraph while they
stream in; an answer read to its end gives its connection back to the pool, one left half-read closes it.

Errors: a 400 is a QuerySyntaxError; no connection, a 5xx or a timeout a StoreUnavailableError (a timeout,
or a dialect's PartialAnswerError, the StoreTimeoutError kind of it): a partial answer never gets through.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from typing import BinaryIO

import pyoxigraph as ox
import urllib3
from urllib3.exceptions import HTTPError, ProtocolError, ReadTimeoutError

from service import __version__, iris
from service.store.dialect import STANDARD, Dialect, PartialAnswerError
from service.store.interface import QuerySyntaxError, Shortcuts, StoreTimeoutError, StoreUnavailableError
from service.store.oxigraph import bind_values
from service.store.results import OxigraphResult, QueryResult, to_node
from service.terms import IRI, Bindings, Triple

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 120.0  # the store's own queries (pages, catalogue); user queries have their time limit
PING_SECONDS = 5.0  # /healthz must answer before a load balancer's check gives up
POOL_SIZE = 16
BUFFER = 64 * 1024
ERROR_BYTES = 2000  # how much of an error answer is kept for the message
FORM = "application/x-www-form-urlencoded"
# What to accept, by the query's form: a server may answer a CONSTRUCT in the first type it is offered
# even when that type is for solutions (Virtuoso: a 500 in the middle of a JSON result), so each form is
# offered only its own types; a query whose form is not found offers both, and gets its syntax error.
SOLUTIONS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
ACCEPT = f"{SOLUTIONS_ACCEPT}, application/n-triples;q=0.8, text/turtle;q=0.7"
# The prologue (BASE, PREFIX, comments: `#` within an IRI is not one), then the form's keyword.
_FORM = re.compile(
    r"(?:\s+|#[^\n]*(?:\n|$)|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)
SOLUTION_MEDIA: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_MEDIA: dict[str, ox.RdfFormat] = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # N-Triples before RDF 1.1 gave it a media type of its own
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
# A graph no store holds: the default graph of a dataset with no graph at all, since a request that
# names no graph gets the server's own default graph (Virtuoso's holds its system graphs).
NO_GRAPH = "urn:x-nhskg:no-graph"
DESCRIBE = """SELECT DISTINCT ?incoming ?p ?other WHERE {
  { GRAPH ?g { ?iri ?p ?other } BIND (false AS ?incoming) }
  UNION
  { GRAPH ?g { ?other ?p ?iri } BIND (true AS ?incoming) }
}"""
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def accept_for(sparql: str) -> str:
    """The Accept header for a query: the media types of the answer its form gives."""
    form = _FORM.match(sparql)
    if form is None:
        return ACCEPT
    return GRAPH_ACCEPT if form.group(1).upper() in ("CONSTRUCT", "DESCRIBE") else SOLUTIONS_ACCEPT


def _let_go(response: urllib3.BaseHTTPResponse) -> None:
    """Close a response's connection (its answer is not read to the end) and give the slot back."""
    response.close()
    response.release_conn()


def _timed_out(exc: BaseException) -> bool:
    """Whether an error met while parsing came from our deadline (pyoxigraph wraps the reader's error)."""
    causes = (exc.__cause__, exc.__context__)
    return any(isinstance(c, StoreTimeoutError | ReadTimeoutError | TimeoutError) for c in causes)


class _Body(io.RawIOBase):
    """A response's body for pyoxigraph's parsers: read within the deadline, if there is one (each read may
    wait only for the time left, and none starts after it), and given back to the pool at its end."""

    def __init__(self, response: urllib3.BaseHTTPResponse, deadline: float | None) -> None:
        self._response = response
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._deadline is not None:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise StoreTimeoutError("the SPARQL server's answer did not end before the time limit")
            sock = getattr(self._response.connection, "sock", None)
            if sock is not None:
                sock.settimeout(left)
        n = self._response.readinto(buffer)
        if n == 0:
            self._response.release_conn()
        return n


class RemoteStore(Shortcuts):
    """A SPARQL 1.1 Protocol endpoint (its query URL) as a `Store`. `graphs` are named graphs outside
    `iris.GRAPH` that belong to the dataset too (the W3C test graphs, say). A store made by `limited`
    shares the pool and gives each query a time limit: passed to the server through the dialect, and
    kept here while the answer is read (at the limit, the connection is closed: StoreTimeoutError)."""

    def __init__(
        self,
        endpoint: str,
        dialect: Dialect = STANDARD,
        *,
        graphs: Sequence[str] = (),
        pool_size: int = POOL_SIZE,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {endpoint!r}")
        self.endpoint = endpoint
        self.dialect = dialect
        self.time_limit: float | None = None
        self._target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        self._extra = frozenset(graphs)
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        # Never blocks: a query beyond `pool_size` opens a connection of its own, closed after use.
        self._pool = urllib3.connection_from_url(
            endpoint,
            maxsize=pool_size,
            block=False,
            retries=False,
            headers={"User-Agent": f"nhskg/{__version__}"},
        )
        # Our named graphs once known, and whether they are every graph on the server: shared with `limited`.
        self._ours: list[tuple[list[str], bool]] = []
        self._lock = threading.Lock()

    def limited(self, seconds: float) -> RemoteStore:
        """This store, each of whose queries must be answered whole within `seconds`."""
        view = copy.copy(self)
        view.time_limit = seconds
        return view

    def close(self) -> None:
        self._pool.close()

    # --- the protocol ---------------------------------------------------------------------------

    def _post(self, form: list[tuple[str, str]], deadline: float | None) -> urllib3.BaseHTTPResponse:
        """The server's response to one query (its body still to read). A connection the server closed
        while it sat in the pool fails at once: the query is sent once more, as it only reads."""
        timeout = urllib3.Timeout(connect=self._connect_timeout, read=self._read_timeout)
        if deadline is not None:
            left = max(0.001, deadline - time.monotonic())
            timeout = urllib3.Timeout(connect=min(left, self._connect_timeout), read=left)
        body = urllib.parse.urlencode(form)
        headers = {"Accept": accept_for(dict(form)["query"]), "Content-Type": FORM}
        for attempt in (1, 2):
            try:
                return self._pool.urlopen(
                    "POST", self._target, body=body, headers=headers, timeout=timeout, preload_content=False
                )
            except ProtocolError as exc:
                if attempt == 2:
                    raise StoreUnavailableError(
                        f"the SPARQL server at {self.endpoint} failed: {exc}"
                    ) from exc
            except ReadTimeoutError as exc:
                raise StoreTimeoutError(
                    f"the SPARQL server at {self.endpoint} did not answer in time"
                ) from exc
            except HTTPError as exc:
                raise StoreUnavailableError(
                    f"cannot reach the SPARQL server at {self.endpoint}: {exc}"
                ) from exc
        raise AssertionError("unreachable")

    def _checked(self, response: urllib3.BaseHTTPResponse) -> None:
        """Nothing, for a whole answer; else the error it carries (its connection closed)."""
        hidden = self.dialect.answer_error(response.status, response.headers)
        if hidden is None and response.status == 200:
            return
        text = "" if hidden else response.read(ERROR_BYTES, decode_content=True).decode("utf-8", "replace")
        _let_go(response)
        if isinstance(hidden, PartialAnswerError):
            raise StoreTimeoutError(f"the SPARQL server stopped at its own time limit: {hidden}") from hidden
        if hidden is not None:
            raise StoreUnavailableError(f"the SPARQL server's answer is not whole: {hidden}") from hidden
        if response.status == 400:
            raise QuerySyntaxError(text.strip() or "the SPARQL server rejected the query")
        raise StoreUnavailableError(
            f"the SPARQL server at {self.endpoint} answered {response.status}: {text}"
        )

    @contextlib.contextmanager
    def _reading(self, response: urllib3.BaseHTTPResponse, to_the_end: bool = True) -> Iterator[None]:
        """Reading an answer: a failure is the store's error and closes the connection; an answer read
        `to_the_end` gives it back to the pool."""
        try:
            yield
        except (StoreUnavailableError, GeneratorExit):
            _let_go(response)
            raise
        except (SyntaxError, OSError, HTTPError, ValueError) as exc:
            _let_go(response)
            if isinstance(exc, ReadTimeoutError | TimeoutError) or _timed_out(exc):
                raise StoreTimeoutError(
                    "the SPARQL server's answer did not end before the time limit"
                ) from exc
            raise StoreUnavailableError(f"the SPARQL server's answer broke off: {exc}") from exc
        if to_the_end:
            response.drain_conn()
            response.release_conn()

    def _answer(self, response: urllib3.BaseHTTPResponse, deadline: float | None) -> QueryResult:
        media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        stream: BinaryIO = io.BufferedReader(_Body(response, deadline), BUFFER)

        def reading() -> contextlib.AbstractContextManager[None]:
            return self._reading(response)

        if media in SOLUTION_MEDIA:
            with self._reading(response, to_the_end=False):
                raw = ox.parse_query_results(self.dialect.solutions(media, stream), SOLUTION_MEDIA[media])
            if isinstance(raw, ox.QueryBoolean):
                with reading():  # read whole already: the connection goes back to the pool
                    return OxigraphResult(raw)
            return OxigraphResult(raw, reading, lambda: _let_go(response))
        if media in GRAPH_MEDIA:
            with self._reading(response, to_the_end=False):
                parser = ox.parse(stream, GRAPH_MEDIA[media])
            return OxigraphResult((quad.triple for quad in parser), reading, lambda: _let_go(response))
        _let_go(response)
        raise StoreUnavailableError(f"the SPARQL server answered in an unexpected format: {media!r}")

    # --- the dataset ----------------------------------------------------------------------------

    def graphs(self) -> list[str]:
        """Our named graphs on the server (those under `iris.GRAPH`, and `graphs`), sorted; asked once."""
        return list(self._known()[0])

    def _known(self) -> tuple[list[str], bool]:
        with self._lock:
            if not self._ours:
                names = self._ask(self.dialect.named_graphs_query, [], None).rows()
                found = [row["g"].value for row in names if isinstance(row.get("g"), IRI)]
                ours = sorted(g for g in found if g.startswith(iris.GRAPH) or g in self._extra)
                self._ours.append((ours, bool(ours) and len(ours) == len(found)))
            return self._ours[0]

    def dataset_params(
        self, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> list[tuple[str, str]]:
        """The protocol's dataset parameters: always both parts, as naming one part leaves the other empty;
        or the server's own union of its graphs, where the dialect offers it and every graph is ours."""
        for g in (*(default_graphs or ()), *(named_graphs or ())):
            to_node(IRI(g))  # an invalid IRI raises ValueError, as in the embedded store
        union = self.dialect.union_params()
        if default_graphs is None and named_graphs is None and union is not None and self._known()[1]:
            return [*union, *self.dialect.query_params([], self.time_limit)]
        ours = self.graphs() if default_graphs is None or named_graphs is None else []
        default = list(ours if default_graphs is None else default_graphs)
        named = list(ours if named_graphs is None else named_graphs)
        if not default and not named:
            default = [NO_GRAPH]
        params = self.dialect.query_params(default, self.time_limit)
        return params + [("named-graph-uri", g) for g in named]

    def _ask(self, sparql: str, params: list[tuple[str, str]], deadline: float | None) -> QueryResult:
        response = self._post([("query", sparql), *params], deadline)
        self._checked(response)
        return self._answer(response, deadline)

    # --- the Store interface --------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Bindings | None = None,
    ) -> QueryResult:
        deadline = time.monotonic() + self.time_limit if self.time_limit is not None else None
        if bindings:
            sparql = bind_values(sparql, bindings)
        return self._ask(sparql, self.dataset_params(default_graphs, named_graphs), deadline)

    def describe(self, iri: str) -> list[Triple]:
        """Every triple about the IRI, in any of our named graphs: outgoing first, then incoming."""
        node = IRI(iri)
        rows = self.select(DESCRIBE, {"iri": node})
        out = [Triple(node, r["p"], r["other"]) for r in rows if r["incoming"].value == "false"]  # type: ignore[arg-type]
        seen = set(out)
        for r in rows:
            t = Triple(r["other"], r["p"], node)  # type: ignore[arg-type]
            if r["incoming"].value == "true" and t not in seen:
                seen.add(t)
                out.append(t)
        return out

    def triple_counts(self) -> dict[str, int]:
        return {row["g"].value: int(row["n"].value) for row in self.select(COUNTS)}

    def ping(self) -> bool:
        """Whether the server answers a query over our dataset within PING_SECONDS."""
        try:
            return self.limited(PING_SECONDS).query("ASK { ?s ?p ?o }").kind == "ask"
        except StoreUnavailableError:
            return False

    def status(self) -> Mapping[str, object]:
        """What /healthz says about the backend besides whether it answers."""
        return {"backend": self.endpoint, "dialect": self.dialect.name}
