"""Reading a SHACL shapes graph into the small model that `compiler` turns into SPARQL.

We support the subset of SHACL our shapes use (see docs/data-quality.md). Anything else in the `sh:`
namespace on a shape is an error at load time, never a constraint that silently passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from service import iris
from service.store import OxigraphStore, RdfSyntaxError

SH = Namespace("http://www.w3.org/ns/shacl#")

TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
COMPONENTS = (
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "pattern",
    "in",
    "hasValue",
    "languageIn",
    "uniqueLang",
    "sparql",
)
# Parameters read together with a component, and annotations that never constrain anything.
COMPANIONS = ("flags",)
ANNOTATIONS = ("name", "description", "message", "severity", "order", "group", "defaultValue")
STRUCTURE = ("path", "property", "deactivated", "declare", "prefixes", "prefix", "namespace")
KNOWN = set(TARGETS + COMPONENTS + COMPANIONS + ANNOTATIONS + STRUCTURE)
SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}


class ShapesError(ValueError):
    """A shapes file cannot be used; the message starts with `file:line:column`."""


@dataclass(frozen=True)
class Target:
    kind: str  # one of TARGETS
    term: Node


@dataclass(frozen=True)
class Constraint:
    component: str  # one of COMPONENTS
    value: Node | tuple[Node, ...]  # the parameter; a tuple for sh:in and sh:languageIn
    flags: str = ""  # sh:flags of sh:pattern
    select: str = ""  # the SELECT of sh:sparql
    prefixes: str = ""  # its PREFIX declarations, from sh:prefixes
    message: str = ""  # the sh:message of a sh:sparql constraint


@dataclass(frozen=True)
class PathSpec:
    predicate: URIRef
    inverse: bool = False

    def sparql(self) -> str:
        return ("^" if self.inverse else "") + self.predicate.n3()


@dataclass(frozen=True)
class Shape:
    node: Node
    name: str
    description: str
    message: str
    severity: URIRef
    targets: tuple[Target, ...]
    path: PathSpec | None
    constraints: tuple[Constraint, ...]
    location: str


def load_shapes(shapes_dir: Path) -> list[Shape]:
    """Every active shape in shapes_dir/*.ttl, or a ShapesError naming file:line:column."""
    files = sorted(Path(shapes_dir).glob("*.ttl"))
    if not files:
        raise ShapesError(f"{shapes_dir}: no shapes files (*.ttl)")
    graph = Graph()
    texts: dict[Path, str] = {}
    for path in files:
        _check_syntax(path)
        texts[path] = path.read_text(encoding="utf-8")
        graph.parse(data=texts[path], format="turtle", publicID=path.resolve().as_uri())
    reader = _Reader(graph, texts)
    return [reader.shape(node) for node in reader.shape_nodes()]


def _check_syntax(path: Path) -> None:
    # The store's parser reports line and column; rdflib's reports a line at best.
    try:
        OxigraphStore.in_memory().load_file(path, iris.graph("shapes"))
    except RdfSyntaxError as exc:
        raise ShapesError(str(exc)) from exc


class _Reader:
    def __init__(self, graph: Graph, texts: dict[Path, str]) -> None:
        self.g = graph
        self.texts = texts
        self.parents: dict[Node, list[Node]] = {}
        for parent, prop in graph.subject_objects(SH.property):
            self.parents.setdefault(prop, []).append(parent)

    def shape_nodes(self) -> Iterator[Node]:
        nodes = {s for t in SHAPE_TYPES for s in self.g.subjects(RDF.type, t)}
        nodes |= set(self.parents)
        nodes |= {s for t in TARGETS for s in self.g.subjects(SH[t], None)}
        for node in sorted(nodes, key=str):
            if self._literal(node, "deactivated") != "true":
                yield node

    def shape(self, node: Node) -> Shape:
        self._reject_unknown(node)
        path = self._path(node)
        constraints = tuple(c for name in COMPONENTS for c in self._constraints(node, name))
        if path is None and any(c.component in ("minCount", "maxCount", "uniqueLang") for c in constraints):
            raise self._error(node, "sh:minCount, sh:maxCount and sh:uniqueLang need a sh:path")
        if path is not None and any(c.component == "sparql" for c in constraints):
            raise self._error(node, "sh:sparql is supported on node shapes only")
        return Shape(
            node=node,
            name=self._literal(node, "name") or str(node),
            description=self._literal(node, "description"),
            message=self._literal(node, "message"),
            severity=URIRef(str(self.g.value(node, SH.severity) or SH.Violation)),
            targets=tuple(self._targets(node, set())),
            path=path,
            constraints=constraints,
            location=self.locate(node),
        )

    def _reject_unknown(self, node: Node) -> None:
        for prop in set(self.g.predicates(node, None)):
            if str(prop).startswith(str(SH)) and str(prop)[len(str(SH)) :] not in KNOWN:
                raise self._error(node, f"unsupported SHACL term {prop.n3()} (see docs/data-quality.md)")

    def _targets(self, node: Node, seen: set[Node]) -> Iterator[Target]:
        seen.add(node)
        for kind in TARGETS:
            for term in self.g.objects(node, SH[kind]):
                yield Target(kind, term)
        for parent in self.parents.get(node, []):
            if parent not in seen:
                yield from self._targets(parent, seen)

    def _path(self, node: Node) -> PathSpec | None:
        path = self.g.value(node, SH.path)
        if path is None:
            return None
        if isinstance(path, URIRef):
            return PathSpec(path)
        inverse = self.g.value(path, SH.inversePath)
        if isinstance(inverse, URIRef) and len(set(self.g.predicate_objects(path))) == 1:
            return PathSpec(inverse, inverse=True)
        raise self._error(node, "only a predicate or sh:inversePath of a predicate is supported as sh:path")

    def _constraints(self, node: Node, name: str) -> Iterator[Constraint]:
        for value in self.g.objects(node, SH[name]):
            if name in ("in", "languageIn"):
                yield Constraint(name, tuple(Collection(self.g, value)))
            elif name == "pattern":
                yield Constraint(name, value, flags=self._literal(node, "flags"))
            elif name == "sparql":
                yield self._sparql(node, value)
            elif name in ("minCount", "maxCount") and not _is_integer(value):
                raise self._error(node, f"sh:{name} must be an integer, not {value.n3()}")
            else:
                yield Constraint(name, value)

    def _sparql(self, shape: Node, node: Node) -> Constraint:
        for prop in set(self.g.predicates(node, None)):
            if str(prop).startswith(str(SH)) and prop not in (
                SH.select,
                SH.message,
                SH.prefixes,
                SH.deactivated,
            ):
                raise self._error(shape, f"unsupported term {prop.n3()} in a sh:sparql constraint")
        select = self.g.value(node, SH.select)
        if not isinstance(select, Literal):
            raise self._error(shape, "a sh:sparql constraint needs a sh:select")
        prefixes = "".join(
            f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>\n"
            for p in self.g.objects(node, SH.prefixes)
            for d in self.g.objects(p, SH.declare)
        )
        message = self._literal(node, "message")
        return Constraint("sparql", node, select=str(select), prefixes=prefixes, message=message)

    def _literal(self, node: Node, name: str) -> str:
        values = [v for v in self.g.objects(node, SH[name]) if isinstance(v, Literal)]
        english = [v for v in values if v.language in (None, "en")]
        return str(sorted(english or values)[0]) if values else ""

    def locate(self, node: Node) -> str:
        """file:line:column of the first mention of the node, as well as a text search can tell."""
        if isinstance(node, BNode):
            return f"{', '.join(str(p) for p in self.texts)}: blank node shape"
        local = re.split(r"[#/:]", str(node))[-1]
        for path, text in self.texts.items():
            for number, line in enumerate(text.splitlines(), start=1):
                match = re.search(rf"(?<![\w-]){re.escape(local)}(?![\w-])", line)
                if match and not line.lstrip().startswith("#"):
                    return f"{path}:{number}:{match.start() + 1}"
        return str(node)

    def _error(self, node: Node, message: str) -> ShapesError:
        return ShapesError(f"{self.locate(node)}: shape {node.n3()}: {message}")


def _is_integer(value: Node) -> bool:
    return isinstance(value, Literal) and isinstance(value.toPython(), int)
