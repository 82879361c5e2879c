"""What differs between SPARQL 1.1 servers behind the same protocol: one `Dialect` per kind of backend.

The remote store (service/store/remote.py) speaks the SPARQL 1.1 Protocol to any server; a dialect adds
what that server needs beyond the standard, and reads what it says outside it:

- the query parameters of one request: the default graph (our named graphs, so that a server's own system
  graphs never join the answer) and the server's own per-query timeout, in the unit it expects;
- the error an answer hides in its headers: a server that times out may answer 200 with partial results,
  which must never reach a user as if complete.

`STANDARD` is the protocol alone (Fuseki, QLever, GraphDB); `OXIGRAPH` adds Oxigraph server's own union of
its graphs (`union_params`); `VIRTUOSO` is Virtuoso Open
Source 7 (measured on Debian's 7.2.5). Dialects are chosen by name (`--backend-dialect`). Engine bugs that
no parameter can avoid are listed in docs/backends.md.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from service import iris

# The named graphs of a server's dataset. SPARQL matches an empty pattern once in every named graph; Virtuoso
# matches it in none, so it is asked for the graphs that hold a triple (an empty graph is no graph to it).
NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
NAMED_GRAPHS_WITH_TRIPLES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class PartialAnswerError(RuntimeError):
    """The backend answered, but only part of the answer (it stopped at its own time limit)."""


class Dialect(Protocol):
    @property
    def name(self) -> str:
        """What `--backend-dialect` calls it."""
        ...

    @property
    def named_graphs_query(self) -> str:
        """A SELECT of `?g`, each named graph on the server."""
        ...

    def query_params(self, default_graphs: Sequence[str], timeout: float | None) -> list[tuple[str, str]]:
        """Parameters to send with one query besides `query` itself: `default_graphs` are the graphs whose
        union is the query's default graph (empty: the server's own default), `timeout` in seconds."""
        ...

    def answer_error(self, status: int, headers: Mapping[str, str]) -> Exception | None:
        """The error an answer carries outside its status code (None: the answer is whole)."""
        ...

    def union_params(self) -> list[tuple[str, str]] | None:
        """Parameters that make the default graph the union of every named graph on the server, where the
        server has its own (faster than naming each graph); None where it has not."""
        ...

    def solutions(self, media: str, body: BinaryIO) -> BinaryIO:
        """The body of a SELECT or ASK answer in `media`, as a standard parser can read it."""
        ...


@dataclass(frozen=True)
class StandardDialect:
    """The SPARQL 1.1 Protocol: `default-graph-uri` per graph; no per-query timeout (the server's own)."""

    name: str = "standard"
    named_graphs_query: str = NAMED_GRAPHS

    def query_params(self, default_graphs: Sequence[str], timeout: float | None) -> list[tuple[str, str]]:
        return [("default-graph-uri", g) for g in default_graphs]

    def answer_error(self, status: int, headers: Mapping[str, str]) -> Exception | None:
        return None

    def union_params(self) -> list[tuple[str, str]] | None:
        return None

    def solutions(self, media: str, body: BinaryIO) -> BinaryIO:
        return body


def our_graphs(graphs: Iterable[str]) -> list[str]:
    """The graphs of ours among a server's named graphs (those under `iris.GRAPH`), sorted: the default graph
    to send to a server whose own default holds graphs of its own (Virtuoso's system graphs)."""
    return sorted(g for g in graphs if g.startswith(iris.GRAPH))


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by its name in any case (HTTP header names are case-insensitive; a plain dict is not)."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


@dataclass(frozen=True)
class VirtuosoDialect:
    """Virtuoso Open Source 7: its default graph holds its own system graphs besides ours, so each of our
    graphs is named with `default-graph-uri`; its `timeout` parameter is in milliseconds; and at that
    timeout it answers 200 with the rows found so far ("anytime" queries), saying so only in the header
    `X-SQL-State: S1TAT`; and it cuts any answer at its ResultSetMaxRows (10,000 in its sample virtuoso.ini),
    saying so only in `X-SPARQL-MaxRows`. Both headers become `PartialAnswerError`. `GRAPH ?g { }` matches
    no graph on it, so its graphs are those holding a triple."""

    name: str = "virtuoso"
    named_graphs_query: str = NAMED_GRAPHS_WITH_TRIPLES
    partial_state: str = "S1TAT"

    def query_params(self, default_graphs: Sequence[str], timeout: float | None) -> list[tuple[str, str]]:
        params = [("default-graph-uri", g) for g in default_graphs]
        if timeout is not None:
            # At least 1 ms: Virtuoso reads 0 as "no limit".
            params.append(("timeout", str(max(1, math.ceil(timeout * 1000)))))
        return params

    def answer_error(self, status: int, headers: Mapping[str, str]) -> Exception | None:
        if _header(headers, "X-SQL-State") == self.partial_state:
            message = _header(headers, "X-SQL-Message") or "query interrupted by its timeout"
            return PartialAnswerError(f"Virtuoso returned a partial answer: {message.split('  ')[0].strip()}")
        cap = _header(headers, "X-SPARQL-MaxRows")
        if cap is not None:  # sent when the rows reached the cap: maybe exactly that many, maybe cut
            return PartialAnswerError(
                f"Virtuoso stopped at its ResultSetMaxRows ({cap} rows): raise it in virtuoso.ini [SPARQL]"
            )
        return None

    def union_params(self) -> list[tuple[str, str]] | None:
        return None  # its own default graph is every graph, its system graphs included

    def solutions(self, media: str, body: BinaryIO) -> BinaryIO:
        """Its JSON results name a blank node `nodeID://b10001`, which is no blank node label (the
        parser refuses the whole answer): the prefix is dropped, `b10001`, one label for one node."""
        if media not in ("application/sparql-results+json", "application/json"):
            return body
        return io.BufferedReader(_VirtuosoBlankNodes(body))


class _VirtuosoBlankNodes(io.RawIOBase):
    """Virtuoso's JSON results with `"type": "bnode", "value": "nodeID://` read as `... "value": "`. Text
    is passed on up to its last `}`: a label's prefix holds none, so none is cut in two."""

    LABEL = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')

    def __init__(self, body: BinaryIO) -> None:
        self._body = body
        self._held = b""
        self._ready = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._ready:
            chunk = self._body.read(len(buffer))
            text = self._held + chunk
            cut = len(text) if not chunk else text.rfind(b"}") + 1
            self._ready, self._held = self.LABEL.sub(rb"\1", text[:cut]), text[cut:]
            if not chunk:
                break
        n = min(len(buffer), len(self._ready))
        buffer[:n] = self._ready[:n]
        self._ready = self._ready[n:]
        return n


@dataclass(frozen=True)
class OxigraphDialect(StandardDialect):
    """Oxigraph server: the protocol, and its `union-default-graph` parameter. A default graph named graph
    by graph is evaluated as a union, graph by graph: with our 20 graphs, 10-25 times slower than the
    server's own union of every named graph (competency question 19: 26 s against 1 s). The remote store
    asks for that union, through `union_params`, only when every named graph on the server is ours."""

    name: str = "oxigraph"

    def union_params(self) -> list[tuple[str, str]]:
        """Parameters that make the default graph the union of every named graph on the server."""
        return [("union-default-graph", "true")]


STANDARD = StandardDialect()
OXIGRAPH = OxigraphDialect()
VIRTUOSO = VirtuosoDialect()
DIALECTS: dict[str, Dialect] = {d.name: d for d in (STANDARD, OXIGRAPH, VIRTUOSO)}
