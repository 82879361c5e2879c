"""Query results in the service's own terms: SELECT rows of plain terms, an ASK boolean, graph triples, and
each of the standard formats written by name (whole, or a batch at a time).

`QueryResult` is what every store returns; `OxigraphResult` is the one implementation, over pyoxigraph's
answers: those the embedded store computes, and those the remote store parses from a server's response
(with its own error translation, `errors`, and `close`, which lets go of a half-read response)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from itertools import islice
from typing import Literal as Kind
from typing import Protocol, TypeVar

import pyoxigraph as ox

from service.terms import IRI, BNode, Literal, Row, Term, Triple

Item = TypeVar("Item")
_SEEN_TERMS = 4096  # how many converted terms a result keeps for reuse (dates, classes, datatypes recur)

# Result formats by the names the HTTP layer negotiates.
SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def to_term(node: object) -> Term:
    """pyoxigraph's term as ours."""
    if isinstance(node, ox.NamedNode):
        return IRI(node.value)
    if isinstance(node, ox.Literal):
        return Literal(node.value, node.datatype.value, node.language)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    raise TypeError(f"unsupported term {node!r}")


def to_node(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Our term as pyoxigraph's, which checks it (an invalid IRI raises ValueError)."""
    if isinstance(term, IRI):
        return ox.NamedNode(term.value)
    if isinstance(term, BNode):
        return ox.BlankNode(term.id)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))


def to_triple(t: ox.Triple) -> Triple:
    return Triple(to_term(t.subject), IRI(t.predicate.value), to_term(t.object))  # type: ignore[arg-type]


# Graph formats whose documents can be concatenated: a result is written a batch at a time, so it streams.
BATCHED_GRAPH_FORMATS = ("ntriples", "nquads", "turtle", "trig")
BATCH = 4096


class WrittenTriples:
    """A graph result in a batched format, at most `limit` triples: iterate for its bytes, then read
    `count` and `truncated`. TriG and N-Quads carry the triples in the default graph."""

    def __init__(
        self, raw: Iterable[ox.Triple], fmt: ox.RdfFormat, limit: int, prefixes: dict[str, str]
    ) -> None:
        self._raw = raw
        self._format = fmt
        self._prefixes = prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        self.limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator[bytes]:
        triples: Iterator[ox.Triple] = iter(self._raw)
        quads = self._format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
        while self.count < self.limit:
            batch = list(islice(triples, min(BATCH, self.limit - self.count)))
            if not batch:
                return
            self.count += len(batch)
            if quads:
                written = ox.serialize(
                    [ox.Quad(t.subject, t.predicate, t.object) for t in batch], None, self._format
                )
            else:
                written = ox.serialize(batch, None, self._format, prefixes=self._prefixes)
            yield written or b""
        self.truncated = next(triples, None) is not None


class QueryResult(Protocol):
    """The outcome of one query: SELECT rows, an ASK boolean or a graph, serialisable by format name.
    Iterating rows or triples to the end releases what the answer holds; `close` does so for one left
    half-read (a no-op for an answer held in memory)."""

    @property
    def kind(self) -> Kind["select", "ask", "graph"]: ...

    @property
    def variables(self) -> list[str]: ...

    @property
    def boolean(self) -> bool: ...

    def rows(self) -> Iterator[Row]: ...

    def triples(self) -> Iterator[Triple]: ...

    def written_triples(self, fmt: str, limit: int, prefixes: Mapping[str, str]) -> WrittenTriples | None:
        """The triples written by pyoxigraph itself, when it writes `fmt` in batches; None otherwise."""
        ...

    def serialize(self, fmt: str) -> bytes:
        """The whole result in a format named in SOLUTION_FORMATS or GRAPH_FORMATS."""
        ...

    def close(self) -> None: ...


Raw = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterator[ox.Triple]


class OxigraphResult:
    """A `QueryResult` over pyoxigraph's answer: solutions, a boolean, or triples (pyoxigraph's own, or any
    iterator of them, such as a parsed response). `errors` wraps each step that reads the answer, to turn
    a reader's failure into the store interface's errors; `on_close` lets go of its source."""

    def __init__(
        self,
        raw: Raw,
        errors: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
        on_close: Callable[[], None] = lambda: None,
    ) -> None:
        self._raw = raw
        self._errors = errors
        self._on_close = on_close
        self.kind: Kind["select", "ask", "graph"]
        if isinstance(raw, ox.QuerySolutions):
            self.kind = "select"
        elif isinstance(raw, ox.QueryBoolean):
            self.kind = "ask"
        else:
            self.kind = "graph"

    @property
    def variables(self) -> list[str]:
        if isinstance(self._raw, ox.QuerySolutions):
            return [v.value for v in self._raw.variables]
        return []

    @property
    def boolean(self) -> bool:
        return bool(self._raw)

    def _read(self, items: Iterable[Item]) -> Iterator[Item]:
        with self._errors():
            yield from items

    def _graph(self) -> Iterable[ox.Triple]:
        if isinstance(self._raw, ox.QuerySolutions | ox.QueryBoolean):
            raise TypeError(f"a {self.kind} result has no triples")
        return self._raw

    def rows(self) -> Iterator[Row]:
        if not isinstance(self._raw, ox.QuerySolutions):
            raise TypeError(f"a {self.kind} result has no rows")
        names = self.variables
        seen: dict[object, Term] = {}  # a term met before in this result is not converted again
        for solution in self._read(self._raw):
            row: Row = {}
            for name, value in zip(names, solution, strict=True):
                if value is not None:
                    term = seen.get(value)
                    if term is None:
                        if len(seen) >= _SEEN_TERMS:
                            seen.clear()
                        term = seen[value] = to_term(value)
                    row[name] = term
            yield row

    def triples(self) -> Iterator[Triple]:
        for t in self._read(self._graph()):
            yield to_triple(t)

    def written_triples(self, fmt: str, limit: int, prefixes: Mapping[str, str]) -> WrittenTriples | None:
        """The triples written by pyoxigraph itself (many times faster than our writers), when it writes
        `fmt` in a form that can be cut into batches; None for other formats."""
        triples = self._graph()
        if fmt not in BATCHED_GRAPH_FORMATS:
            return None
        return WrittenTriples(self._read(triples), GRAPH_FORMATS[fmt], limit, dict(prefixes))

    def serialize(self, fmt: str) -> bytes:
        """The whole result in a format named in SOLUTION_FORMATS or GRAPH_FORMATS."""
        out = io.BytesIO()
        with self._errors():
            if isinstance(self._raw, ox.QuerySolutions | ox.QueryBoolean):
                self._raw.serialize(out, SOLUTION_FORMATS[fmt])
            elif isinstance(self._raw, ox.QueryTriples):
                self._raw.serialize(out, GRAPH_FORMATS[fmt])
            else:
                ox.serialize(self._raw, out, GRAPH_FORMATS[fmt])
        return out.getvalue()

    def close(self) -> None:
        self._on_close()
