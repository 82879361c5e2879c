"""Compiling each SHACL constraint into one SPARQL SELECT that finds every violating focus node at once.

Every query projects `?this` (the focus node) and, where the constraint has one, `?value`. A shape's
targets become one sub-select of distinct `?this`, joined with the constraint's pattern.

Class membership (`sh:targetClass`, `sh:class`) is read from plain `rdf:type`: validation runs on a store
that has been materialised (service/reasoning.py), so every instance already carries its super-classes.
This is the same answer SHACL's `rdf:type/rdfs:subClassOf*` gives on a materialised graph, and far faster.

`sh:sparql` queries run once with `$this` free and are joined with the targets. That equals SHACL's
pre-binding of `$this` for each focus node when the query binds `$this` in a triple pattern of its
top-level group (not only inside OPTIONAL, MINUS, a sub-select, or a FILTER), which `check_this_is_bound`
verifies when the shapes are loaded; GROUP BY, where used, must group by `$this`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, Variable

from service.build.validation.shapes import SH, Constraint, Shape, ShapesError

THIS = Variable("this")
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
# Datatypes whose lexical forms SPARQL can check by a cast (an ill-formed literal fails sh:datatype).
CASTABLE = {XSD + t for t in ("date", "dateTime", "integer", "decimal", "boolean")}
NODE_KINDS = {
    "IRI": "isIRI(?value)",
    "Literal": "isLiteral(?value)",
    "BlankNode": "isBlank(?value)",
    "BlankNodeOrIRI": "(isBlank(?value) || isIRI(?value))",
    "BlankNodeOrLiteral": "(isBlank(?value) || isLiteral(?value))",
    "IRIOrLiteral": "(isIRI(?value) || isLiteral(?value))",
}


@dataclass(frozen=True)
class CompiledConstraint:
    shape: Shape
    constraint: Constraint
    query: str

    @property
    def component(self) -> URIRef:
        name = self.constraint.component
        return SH[("SPARQL" if name == "sparql" else name[0].upper() + name[1:]) + "ConstraintComponent"]


def compile_shape(shape: Shape) -> list[CompiledConstraint]:
    if not shape.targets:
        return []
    return [CompiledConstraint(shape, c, compile_constraint(shape, c)) for c in shape.constraints]


def compile_constraint(shape: Shape, c: Constraint) -> str:
    targets = _targets(shape)
    values = f"?this {shape.path.sparql()} ?value ." if shape.path else "BIND(?this AS ?value)"
    if c.component == "sparql":
        return _sparql(targets, c)
    if c.component in _COUNTS:
        return _COUNTS[c.component](targets, values, c)
    if c.component == "hasValue":
        if shape.path is None:
            return f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER(!sameTerm(?this, {_n3(c.value)})) }}"
        has = f"?this {shape.path.sparql()} {_n3(c.value)}"
        return f"SELECT DISTINCT ?this WHERE {{ {targets} MINUS {{ {has} }} }}"
    if c.component == "uniqueLang":
        return _unique_lang(targets, shape, c)
    if c.component == "class":  # an anti-join: much faster than FILTER NOT EXISTS on a large store
        typed = f"?value {TYPE} {_n3(c.value)}"
        return f"SELECT DISTINCT ?this ?value WHERE {{ {targets} {values} MINUS {{ {typed} }} }}"
    condition = _VALUE_TESTS[c.component](c)
    return f"SELECT DISTINCT ?this ?value WHERE {{ {targets} {values} FILTER(!({condition})) }}"


def _targets(shape: Shape) -> str:
    parts = []
    for t in sorted(shape.targets, key=lambda t: (t.kind, str(t.term))):
        term = _n3(t.term)
        parts.append(
            {
                "targetClass": f"?this {TYPE} {term} .",
                "targetNode": f"VALUES ?this {{ {term} }}",
                "targetSubjectsOf": f"?this {term} ?any_object .",
                "targetObjectsOf": f"?any_subject {term} ?this .",
            }[t.kind]
        )
    if len(parts) == 1 and shape.targets[0].kind in ("targetClass", "targetNode"):
        return parts[0]  # one class or one node: no duplicates to remove
    union = " UNION ".join(f"{{ {p} }}" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _min_count(targets: str, values: str, c: Constraint) -> str:
    n = int(str(c.value))
    if n == 1:
        return f"SELECT DISTINCT ?this WHERE {{ {targets} MINUS {{ {values} }} }}"
    return (
        f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ {values} }} }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})"
    )


def _max_count(targets: str, values: str, c: Constraint) -> str:
    n = int(str(c.value))
    return f"SELECT ?this WHERE {{ {targets} {values} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {n})"


_COUNTS: dict[str, Callable[[str, str, Constraint], str]] = {"minCount": _min_count, "maxCount": _max_count}


def _unique_lang(targets: str, shape: Shape, c: Constraint) -> str:
    if c.value != Literal(True):
        return "SELECT ?this WHERE { FILTER(false) }"
    assert shape.path is not None  # noqa: S101 (checked when the shapes were read)
    p = shape.path.sparql()
    return (
        f"SELECT DISTINCT ?this ?lang WHERE {{ {targets} ?this {p} ?a . ?this {p} ?b . "
        'FILTER(!sameTerm(?a, ?b) && lang(?a) != "" && LCASE(lang(?a)) = LCASE(lang(?b))) '
        "BIND(LCASE(lang(?a)) AS ?lang) }"
    )


def _datatype(c: Constraint) -> str:
    dt = str(c.value)
    test = f"isLiteral(?value) && datatype(?value) = <{dt}>"
    if dt in CASTABLE:
        # An ill-formed literal fails sh:datatype: its cast is an error, which COALESCE turns to false.
        test = f"COALESCE({test} && STRLEN(STR(<{dt}>(STR(?value)))) >= 0, false)"
    return test


def _pattern(c: Constraint) -> str:
    flags = f", {_string(c.flags)}" if c.flags else ""
    return f"!isBlank(?value) && REGEX(STR(?value), {_string(str(c.value))}{flags})"


def _in(c: Constraint) -> str:
    assert isinstance(c.value, tuple)  # noqa: S101 (read as a list)
    return " || ".join(f"sameTerm(?value, {_n3(v)})" for v in c.value) or "false"


def _language_in(c: Constraint) -> str:
    assert isinstance(c.value, tuple)  # noqa: S101 (read as a list)
    tests = " || ".join(f"langMatches(lang(?value), {_string(str(v))})" for v in c.value) or "false"
    return f"isLiteral(?value) && ({tests})"


_VALUE_TESTS: dict[str, Callable[[Constraint], str]] = {
    "datatype": _datatype,
    "nodeKind": lambda c: NODE_KINDS[str(c.value)[len(str(SH)) :]],
    "pattern": _pattern,
    "in": _in,
    "languageIn": _language_in,
}


def _sparql(targets: str, c: Constraint) -> str:
    # The prefixes stay at the top; the constraint's own SELECT becomes a sub-select.
    return f"{c.prefixes}SELECT DISTINCT * WHERE {{ {targets} {{ {c.select} }} }}"


def check_this_is_bound(shape: Shape, c: Constraint) -> None:
    """Raise unless the SELECT binds $this where pre-binding and a join agree (see the module doc)."""
    try:
        query = prepareQuery(c.prefixes + c.select)
    except Exception as exc:  # rdflib raises pyparsing's and its own errors alike
        raise ShapesError(
            f"{shape.location}: shape {shape.node.n3()}: sh:select does not parse: {exc}"
        ) from exc
    # SHACL forbids these where $this is pre-bound: their meaning would differ from a join.
    code = re.sub(r'"[^"]*"|#[^\n]*', "", c.select)
    forbidden = re.search(r"\b(MINUS|VALUES|SERVICE)\b", code, re.IGNORECASE)
    if forbidden:
        raise ShapesError(f"{shape.location}: shape {shape.node.n3()}: sh:select must not use {forbidden[1]}")
    algebra = query.algebra
    if THIS not in (algebra.get("PV") or []):
        raise ShapesError(f"{shape.location}: shape {shape.node.n3()}: sh:select must project $this")
    if not _binds_this(algebra["p"]) or not _scoped(algebra["p"]):
        raise ShapesError(
            f"{shape.location}: shape {shape.node.n3()}: sh:select must bind $this in a triple pattern of "
            "its top-level group, and of every group that uses it in OPTIONAL, FILTER, EXISTS or a UNION "
            "branch (see service/build/validation/compiler.py)"
        )


def _binds_this(node: object) -> bool:
    """Whether every solution of the pattern binds $this from a triple pattern."""
    if not isinstance(node, CompValue):
        return False
    if node.name == "BGP":
        return any(THIS in triple for triple in node["triples"])
    if node.name == "Group":
        groups = node.get("expr") or []
        return all(v == THIS for v in groups) and _binds_this(node["p"])
    if node.name in ("LeftJoin", "Minus"):
        return _binds_this(node["p1"])
    if node.name == "Union":
        return _binds_this(node["p1"]) and _binds_this(node["p2"])
    if node.name == "Join":
        return _binds_this(node["p1"]) or _binds_this(node["p2"])
    # Filter, Extend, Project, Distinct, OrderBy, AggregateJoin...: the pattern is in "p". A sub-select
    # or VALUES (ToMultiSet) does not count: its $this is scoped apart.
    return node.name != "ToMultiSet" and _binds_this(node.get("p"))


def _scoped(node: object) -> bool:
    """Whether each group that mentions $this in a filter, an optional part or a union branch binds it."""
    if isinstance(node, list):
        return all(_scoped(item) for item in node)
    if not isinstance(node, CompValue):
        return True
    if node.name == "Filter" and _mentions(node["expr"]) and not _binds_this(node["p"]):
        return False
    if node.name in ("LeftJoin", "Minus") and _mentions(node["p2"]) and not _binds_this(node["p1"]):
        return False
    if node.name == "Union" and any(_mentions(b) and not _binds_this(b) for b in (node["p1"], node["p2"])):
        return False
    return all(_scoped(value) for value in node.values())


def _mentions(node: object) -> bool:
    if isinstance(node, Variable):
        return node == THIS
    if isinstance(node, CompValue | dict):
        return any(_mentions(v) for v in node.values())
    if isinstance(node, list | tuple | set):
        return any(_mentions(v) for v in node)
    return False


def _n3(term: Node | tuple[Node, ...]) -> str:
    if isinstance(term, tuple):
        raise ShapesError(f"a list is not allowed here: {term}")
    return str(term.n3())


def _string(text: str) -> str:
    return Literal(text).n3()
