"""The embedded store on pyoxigraph: built in memory by the build, saved to disk, opened for reading.

Requests bind values with `bind_values`, never by splicing text into a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from service.store.interface import QuerySyntaxError, RdfSyntaxError, Shortcuts, StoreUnavailableError
from service.store.results import OxigraphResult, QueryResult, to_node, to_triple
from service.terms import Bindings, Triple

# An N-Triples line with a blank node: as subject, or as object (a literal never ends in `> _:x .`).
_BLANK_NODE_LINE = re.compile(rb"^_:|> _:\S+ \.$")
# The RDF files the build loads, by extension.
RDF_FILE_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}

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
        clauses.append(f"VALUES ?{name} {{ {' '.join(str(to_node(t)) for t in terms)} }}")
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


def _sort_key(triple: ox.Triple) -> tuple[str, str, str]:
    return str(triple.subject), str(triple.predicate), str(triple.object)


class OxigraphStore(Shortcuts):
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
            ox.Quad(to_node(t.subject), to_node(t.predicate), to_node(t.object), g)  # type: ignore[arg-type]
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
            raw = self._evaluate(sparql, bindings)
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

    def save_graph(self, graph: str, path: Path, prefixes: Mapping[str, str]) -> None:
        """One named graph as Turtle into `path` (the build's dump of each graph), its triples sorted: the
        store's own order depends on how it was loaded, and the same quads must give the same file."""
        quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        triples = sorted((ox.Triple(q.subject, q.predicate, q.object) for q in quads), key=_sort_key)
        ox.serialize(triples, str(path), ox.RdfFormat.TURTLE, prefixes=dict(prefixes))

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
        return OxigraphResult(self._evaluate(sparql, bindings, options))

    def _evaluate(
        self, sparql: str, bindings: Bindings | None, options: dict[str, object] | None = None
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """pyoxigraph's own answer (over the union of the named graphs, unless `options` say otherwise)."""
        if bindings:
            sparql = bind_values(sparql, bindings)
        try:
            options = options or {"use_default_graph_as_union": True}
            return self._store.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreUnavailableError(str(exc)) from exc

    def describe(self, iri: str) -> list[Triple]:
        """Every triple about the IRI, in any named graph: outgoing first, then incoming."""
        node = ox.NamedNode(iri)
        seen: set[Triple] = set()
        out: list[Triple] = []
        outgoing = self._store.quads_for_pattern(node, None, None)
        incoming = self._store.quads_for_pattern(None, None, node)
        for quad in [*outgoing, *incoming]:
            t = to_triple(ox.Triple(quad.subject, quad.predicate, quad.object))
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
