"""The one store interface, and its embedded implementation on pyoxigraph.

Nothing outside this module imports pyoxigraph. Callers see plain term objects (`IRI`, `Literal`,
`BNode`), rows as dicts, and query results that serialise themselves into the standard formats by name.
A second implementation over a remote SPARQL 1.1 endpoint can implement `Store` without touching callers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Literal as Kind
from typing import Protocol

import pyoxigraph as ox

from service.terms import IRI, Bindings, BNode, Literal, Row, Term, Triple

# An N-Triples line with a blank node: as subject, or as object (a literal never ends in `> _:x .`).
_BLANK_NODE_LINE = re.compile(rb"^_:|> _:\S+ \.$")
_SEEN_TERMS = 4096  # how many converted terms a result keeps for reuse (dates, classes, datatypes recur)


class QuerySyntaxError(ValueError):
    """The query is not SPARQL 1.1; the message carries the parser's position."""


class RdfSyntaxError(ValueError):
    """An RDF file does not parse; `location` is `file:line:column`."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


class StoreUnavailableError(RuntimeError):
    """The store cannot be read (missing or damaged folder, I/O error)."""


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
RDF_FILE_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def _term(node: object) -> Term:
    if isinstance(node, ox.NamedNode):
        return IRI(node.value)
    if isinstance(node, ox.Literal):
        return Literal(node.value, node.datatype.value, node.language)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    raise TypeError(f"unsupported term {node!r}")


def _node(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, IRI):
        return ox.NamedNode(term.value)
    if isinstance(term, BNode):
        return ox.BlankNode(term.id)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))


def _triple(t: ox.Triple) -> Triple:
    return Triple(_term(t.subject), IRI(t.predicate.value), _term(t.object))  # type: ignore[arg-type]


# Graph formats whose documents can be concatenated: a result is written a batch at a time, so it streams.
BATCHED_GRAPH_FORMATS = ("ntriples", "nquads", "turtle", "trig")
BATCH = 4096


class WrittenTriples:
    """A graph result in a batched format, at most `limit` triples: iterate for its bytes, then read
    `count` and `truncated`. TriG and N-Quads carry the triples in the default graph."""

    def __init__(self, raw: ox.QueryTriples, fmt: ox.RdfFormat, limit: int, prefixes: dict[str, str]) -> None:
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


class QueryResult:
    """The outcome of one query: SELECT rows, an ASK boolean or a graph, serialisable by format name."""

    def __init__(self, raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> None:
        self._raw = raw
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

    def rows(self) -> Iterator[Row]:
        if not isinstance(self._raw, ox.QuerySolutions):
            raise TypeError(f"a {self.kind} result has no rows")
        names = self.variables
        seen: dict[object, Term] = {}  # a term met before in this result is not converted again
        for solution in self._raw:
            row: Row = {}
            for name, value in zip(names, solution, strict=True):
                if value is not None:
                    term = seen.get(value)
                    if term is None:
                        if len(seen) >= _SEEN_TERMS:
                            seen.clear()
                        term = seen[value] = _term(value)
                    row[name] = term
            yield row

    def triples(self) -> Iterator[Triple]:
        if not isinstance(self._raw, ox.QueryTriples):
            raise TypeError(f"a {self.kind} result has no triples")
        for t in self._raw:
            yield _triple(t)

    def written_triples(self, fmt: str, limit: int, prefixes: Mapping[str, str]) -> WrittenTriples | None:
        """The triples written by pyoxigraph itself (many times faster than our writers), when it writes
        `fmt` in a form that can be cut into batches; None for other formats."""
        if not isinstance(self._raw, ox.QueryTriples):
            raise TypeError(f"a {self.kind} result has no triples")
        if fmt not in BATCHED_GRAPH_FORMATS:
            return None
        return WrittenTriples(self._raw, GRAPH_FORMATS[fmt], limit, dict(prefixes))

    def serialize(self, fmt: str) -> bytes:
        """The whole result in a format named in SOLUTION_FORMATS or GRAPH_FORMATS."""
        out = io.BytesIO()
        if isinstance(self._raw, ox.QueryTriples):
            self._raw.serialize(out, GRAPH_FORMATS[fmt])
        else:
            self._raw.serialize(out, SOLUTION_FORMATS[fmt])
        return out.getvalue()


class Store(Protocol):
    """What the service needs of a store. Reads only: building is `OxigraphStore`'s own business.

    `bindings` give variables fixed values before evaluation, so a value from a request is never spliced
    into query text: each value is checked and written as an RDF term by pyoxigraph itself, in an inline
    VALUES block at the start of the query's WHERE group. An invalid IRI in a binding raises ValueError.
    """

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Bindings | None = None,
    ) -> QueryResult: ...

    def select(self, sparql: str, bindings: Bindings | None = None) -> list[Row]: ...

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, sparql: str, bindings: Bindings | None = None) -> list[Triple]: ...

    def describe(self, iri: str) -> list[Triple]: ...

    def graphs(self) -> list[str]: ...

    def triple_counts(self) -> dict[str, int]: ...

    def ping(self) -> bool: ...


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORM = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


def bind_values(sparql: str, bindings: Bindings) -> str:
    """The query with `VALUES ?name { term }` first in its outermost WHERE group.

    pyoxigraph's own substitutions (SEP-0007) join the values after evaluating the whole pattern, which
    made a page's queries scan the store (1,250 ms against 2.6 ms for the same query with VALUES first).
    Terms are serialised by pyoxigraph from checked term objects, so no text from a request reaches the
    query unescaped. Our named queries keep `WHERE {` out of their comments.
    """
    clauses = []
    for name, term in bindings.items():
        if not _VARIABLE.match(name):
            raise ValueError(f"not a variable name: {name!r}")
        terms = term if isinstance(term, tuple) else (term,)
        clauses.append(f"VALUES ?{name} {{ {' '.join(str(_node(t)) for t in terms)} }}")
    start = _group_start(sparql)
    return f"{sparql[:start]}\n  {' '.join(clauses)}\n{sparql[start:]}"


def _outside_comment(sparql: str, position: int) -> bool:
    line_start = sparql.rfind("\n", 0, position) + 1
    return "#" not in sparql[line_start:position]


def _group_start(sparql: str) -> int:
    """Where the outermost WHERE group's contents begin (`WHERE` may be left out of SELECT and ASK)."""
    for match in _WHERE.finditer(sparql):
        if _outside_comment(sparql, match.start()):
            return match.end()
    form = _FORM.search(sparql)
    if form and form.group(1).upper() in ("SELECT", "ASK"):
        brace = sparql.find("{", form.end())
        if brace >= 0:
            return brace + 1
    raise ValueError("a query with bindings needs a WHERE clause")


class OxigraphStore:
    """The embedded store. Queries see the union of the named graphs as their default graph."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        return cls(ox.Store())

    @classmethod
    def create(cls, path: Path) -> OxigraphStore:
        """A new writable on-disk store (used by the build only)."""
        return cls(ox.Store(str(path)))

    @classmethod
    def from_dump(cls, path: Path) -> OxigraphStore:
        """A new in-memory store holding every quad of an N-Quads file that `save_to` wrote."""
        store = ox.Store()
        try:
            store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as exc:
            raise StoreUnavailableError(f"cannot load the store dump {path}: {exc}") from exc
        return cls(store)

    @classmethod
    def open_read_only(cls, path: Path) -> OxigraphStore:
        if not path.is_dir():
            raise StoreUnavailableError(f"no store at {path}")
        try:
            return cls(ox.Store.read_only(str(path)))
        except OSError as exc:
            raise StoreUnavailableError(f"cannot open the store at {path}: {exc}") from exc

    # --- writing (build time) -------------------------------------------------------------------

    def load_file(self, path: Path, graph: str) -> None:
        """Parse an RDF file into a named graph; a syntax error names `file:line:column`."""
        fmt = RDF_FILE_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise RdfSyntaxError(str(path), f"unknown RDF file extension {path.suffix!r}")
        target = ox.DefaultGraph() if fmt.supports_datasets else ox.NamedNode(graph)
        try:
            self._store.bulk_load(path=str(path), format=fmt, to_graph=target)
        except SyntaxError as exc:
            line = exc.lineno or 0
            column = exc.offset or 0
            message = str(exc.msg).split(": ", 1)[-1]
            raise RdfSyntaxError(f"{path}:{line}:{column}", message) from exc

    def add_triples(self, triples: Iterable[Triple], graph: str) -> int:
        g = ox.NamedNode(graph)
        quads = [
            ox.Quad(_node(t.subject), _node(t.predicate), _node(t.object), g)  # type: ignore[arg-type]
            for t in triples
        ]
        self._store.bulk_extend(quads)
        return len(quads)

    def add_construct(self, sparql: str, graphs: Sequence[str], bindings: Bindings | None = None) -> int:
        """Add the triples of a CONSTRUCT query to each of `graphs`; return how many distinct triples it made.

        The triples stay inside pyoxigraph (serialised to N-Triples and bulk-loaded; no `Triple` objects are
        made), which keeps the build's materialisation of several hundred thousand triples fast. A result
        with blank nodes goes through term objects instead, so that their identity is kept. A triple already
        in a graph stays there once (a graph is a set) but is still counted: a query that must count only
        new triples filters out the existing ones itself (FILTER NOT EXISTS).
        """
        result = self.query(sparql, bindings=bindings)
        if result.kind != "graph":
            raise TypeError("add_construct needs a CONSTRUCT query")
        lines = {line for line in result.serialize("ntriples").splitlines() if line}
        if any(_BLANK_NODE_LINE.search(line) for line in lines):
            raw = self.query(sparql, bindings=bindings)._raw
            assert isinstance(raw, ox.QueryTriples)  # noqa: S101 (checked above)
            triples = set(raw)
            for graph in graphs:
                g = ox.NamedNode(graph)
                self._store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object, g) for t in triples])
            return len(triples)
        if lines:
            data = b"\n".join(lines) + b"\n"
            for graph in graphs:
                self._store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
        return len(lines)

    def save_to(self, path: Path, dump: Path) -> None:
        """Write every quad into a new on-disk store at `path`, and as N-Quads to `dump` (the build computes
        in memory, where queries run several times faster than on RocksDB, and persists once at the end;
        the query engine loads the dump back into memory)."""
        self._store.dump(str(dump), ox.RdfFormat.N_QUADS)
        disk = ox.Store(str(path))
        disk.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        disk.flush()
        disk.optimize()

    def update(self, sparql: str) -> None:
        self._store.update(sparql)

    def flush(self) -> None:
        self._store.flush()
        self._store.optimize()

    # --- reading ------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Bindings | None = None,
    ) -> QueryResult:
        options: dict[str, object] = {}
        if default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if bindings:
            sparql = bind_values(sparql, bindings)
        try:
            raw = self._store.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreUnavailableError(str(exc)) from exc
        return QueryResult(raw)

    def select(self, sparql: str, bindings: Bindings | None = None) -> list[Row]:
        return list(self.query(sparql, bindings=bindings).rows())

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        return self.query(sparql, bindings=bindings).boolean

    def construct(self, sparql: str, bindings: Bindings | None = None) -> list[Triple]:
        return list(self.query(sparql, bindings=bindings).triples())

    def describe(self, iri: str) -> list[Triple]:
        """Every triple about the IRI, in any named graph: outgoing first, then incoming."""
        node = ox.NamedNode(iri)
        seen: set[Triple] = set()
        out: list[Triple] = []
        outgoing = self._store.quads_for_pattern(node, None, None)
        incoming = self._store.quads_for_pattern(None, None, node)
        for quad in [*outgoing, *incoming]:
            t = _triple(ox.Triple(quad.subject, quad.predicate, quad.object))
            if t not in seen:
                seen.add(t)
                out.append(t)
        return out

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_counts(self) -> dict[str, int]:
        rows = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows()
        return {row["g"].value: int(row["n"].value) for row in rows}

    def ping(self) -> bool:
        try:
            return self.query("ASK { ?s ?p ?o }").kind == "ask"
        except (StoreUnavailableError, OSError):
            return False

    def __len__(self) -> int:
        return len(self._store)
