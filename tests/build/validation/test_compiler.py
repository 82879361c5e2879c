"""SHACL constraints compiled to SPARQL (service/build/validation/compiler.py), each query run on a small
graph: the focus nodes it finds must be exactly those that break the constraint."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from service.build.validation.compiler import (
    CompiledConstraint,
    check_this_is_bound,
    compile_constraint,
    compile_shape,
)
from service.build.validation.shapes import SH, Constraint, PathSpec, Shape, ShapesError, Target
from service.store import OxigraphStore

EX = "urn:ex:"
XSD = "http://www.w3.org/2001/XMLSchema#"
DATA = f"""
PREFIX ex: <{EX}>
PREFIX xsd: <{XSD}>
INSERT DATA {{ GRAPH <urn:g> {{
  ex:a a ex:C ; ex:p "x" ; ex:d "2020-01-01"^^xsd:date ; ex:q ex:typed ; ex:l "one"@en .
  ex:b a ex:C ; ex:d "2020-13-45"^^xsd:date ; ex:q ex:untyped ; ex:l "un"@fr .
  ex:c a ex:C ; ex:p "x", "y" ; ex:d "2020-01-01" ; ex:q ex:typed ; ex:l "one"@en, "two"@EN .
  ex:typed a ex:D .
}} }}
"""
IN_C = (Target("targetClass", URIRef(EX + "C")),)


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def shape(constraint: Constraint, path: str | None = "p", targets: tuple[Target, ...] = IN_C) -> Shape:
    return Shape(
        node=ex("S"),
        name="S",
        description="",
        message="",
        severity=SH.Violation,
        targets=targets,
        path=PathSpec(ex(path)) if path else None,
        constraints=(constraint,),
        location="test",
    )


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    s = OxigraphStore.in_memory()
    s.update(DATA)
    return s


def focus_nodes(store: OxigraphStore, s: Shape) -> list[str]:
    """The local names of the focus nodes the constraint's query reports, in order, duplicates kept."""
    query = compile_constraint(s, s.constraints[0])
    return sorted(row["this"].value.removeprefix(EX) for row in store.select(query))


@pytest.mark.parametrize(
    ("constraint", "path", "violators"),
    [
        (Constraint("minCount", Literal(1)), "p", ["b"]),
        (Constraint("minCount", Literal(2)), "p", ["a", "b"]),
        (Constraint("maxCount", Literal(1)), "p", ["c"]),
        (Constraint("datatype", URIRef(XSD + "date")), "d", ["b", "c"]),  # ill-formed, then a plain string
        (Constraint("pattern", Literal("^X"), flags="i"), "p", ["c"]),
        (Constraint("pattern", Literal("^X")), "p", ["a", "c", "c"]),  # one row per value that fails
        (Constraint("in", (Literal("x"),)), "p", ["c"]),
        (Constraint("in", ()), "p", ["a", "c", "c"]),
        (Constraint("hasValue", Literal("y")), "p", ["a", "b"]),
        (Constraint("languageIn", (Literal("en"),)), "l", ["b"]),
        (Constraint("uniqueLang", Literal(True)), "l", ["c"]),
        (Constraint("uniqueLang", Literal(False)), "l", []),
        (Constraint("class", ex("D")), "q", ["b"]),
        (Constraint("nodeKind", SH.IRI), "q", []),
        (Constraint("nodeKind", SH.Literal), "q", ["a", "b", "c"]),
        (Constraint("nodeKind", SH.BlankNodeOrIRI), "p", ["a", "c", "c"]),
    ],
    ids=lambda v: v.component if isinstance(v, Constraint) else None,
)
def test_each_component_finds_exactly_the_nodes_that_break_it(
    store: OxigraphStore, constraint: Constraint, path: str, violators: list[str]
) -> None:
    assert focus_nodes(store, shape(constraint, path)) == violators


def test_a_node_shape_tests_the_focus_node_itself(store: OxigraphStore) -> None:
    only_a = (Target("targetNode", ex("a")),)
    assert focus_nodes(store, shape(Constraint("hasValue", ex("b")), None, only_a)) == ["a"]
    assert focus_nodes(store, shape(Constraint("hasValue", ex("a")), None, only_a)) == []
    assert focus_nodes(store, shape(Constraint("class", ex("C")), None, only_a)) == []


def test_several_targets_give_each_focus_node_once(store: OxigraphStore) -> None:
    targets = (
        Target("targetSubjectsOf", ex("p")),
        Target("targetObjectsOf", ex("q")),
        Target("targetNode", ex("a")),
    )
    # Nobody has ex:none, so every focus node breaks minCount 1: the rows are exactly the targets.
    assert focus_nodes(store, shape(Constraint("minCount", Literal(1)), "none", targets)) == [
        "a",
        "c",
        "typed",
        "untyped",
    ]


def test_a_sparql_constraint_is_joined_with_the_targets(store: OxigraphStore) -> None:
    select = 'SELECT $this ?value WHERE { $this ex:p ?value FILTER(?value = "y") }'
    constraint = Constraint("sparql", ex("rule"), select=select, prefixes=f"PREFIX ex: <{EX}>\n")
    assert focus_nodes(store, shape(constraint, None)) == ["c"]
    elsewhere = (Target("targetNode", ex("a")),)
    assert focus_nodes(store, shape(constraint, None, elsewhere)) == []


def test_compiled_constraints_name_their_component() -> None:
    compiled = compile_shape(shape(Constraint("minCount", Literal(1))))
    assert [c.component for c in compiled] == [SH.MinCountConstraintComponent]
    sparql = CompiledConstraint(shape(Constraint("sparql", ex("r"))), Constraint("sparql", ex("r")), "")
    assert sparql.component == SH.SPARQLConstraintComponent
    assert compile_shape(shape(Constraint("minCount", Literal(1)), targets=())) == []


def test_a_list_where_one_term_is_wanted_is_an_error() -> None:
    with pytest.raises(ShapesError, match="a list is not allowed"):
        compile_constraint(
            shape(Constraint("hasValue", (Literal("x"),))), Constraint("hasValue", (Literal("x"),))
        )


@pytest.mark.parametrize(
    ("select", "accepted"),
    [
        ("SELECT $this WHERE { $this ex:p ?v }", True),
        ("SELECT $this (COUNT(?v) AS ?n) WHERE { $this ex:p ?v } GROUP BY $this", True),
        ("SELECT $this WHERE { $this ex:p ?v OPTIONAL { $this ex:q ?w } FILTER(!BOUND(?w)) }", True),
        ("SELECT $this WHERE { { $this ex:p ?v } UNION { $this ex:q ?v } }", True),
        ("SELECT ?v WHERE { $this ex:p ?v }", False),  # $this not projected
        ("SELECT $this WHERE { OPTIONAL { $this ex:p ?v } }", False),  # bound only inside OPTIONAL
        ("SELECT $this WHERE { { SELECT $this WHERE { $this ex:p ?v } } }", False),  # only in a sub-select
        ("SELECT $this WHERE { { $this ex:p ?v } UNION { ?v ex:q ?w } }", False),  # one branch leaves it free
        ("SELECT $this WHERE { $this ex:p ?v MINUS { $this ex:q ?v } }", False),
        ("SELECT $this WHERE { VALUES $this { ex:a } $this ex:p ?v }", False),
        ("SELECT $this (COUNT(?v) AS ?n) WHERE { $this ex:p ?v } GROUP BY ?v", False),
        ("SELECT $this WHERE { $this ex:p }", False),  # does not parse
    ],
)
def test_only_a_select_that_binds_this_at_its_top_level_is_accepted(select: str, accepted: bool) -> None:
    constraint = Constraint("sparql", ex("r"), select=select, prefixes=f"PREFIX ex: <{EX}>\n")
    if accepted:
        check_this_is_bound(shape(constraint, None), constraint)
    else:
        with pytest.raises(ShapesError, match="shape <urn:ex:S>: sh:select"):
            check_this_is_bound(shape(constraint, None), constraint)


VALUES = st.sampled_from(["x", "y", "z", "w"])


@settings(max_examples=40, deadline=None)
@given(
    allowed=st.lists(VALUES, unique=True, max_size=4),
    data=st.dictionaries(st.sampled_from("abcde"), st.lists(VALUES, unique=True, max_size=3), max_size=5),
)
def test_sh_in_reports_a_node_once_for_each_value_outside_the_list(
    allowed: list[str], data: dict[str, list[str]]
) -> None:
    s = OxigraphStore.in_memory()
    triples = " ".join(
        f"ex:{n} a ex:C . {' '.join(f'ex:{n} ex:p {v!r} .' for v in vs)}" for n, vs in data.items()
    )
    s.update(f"PREFIX ex: <{EX}> INSERT DATA {{ GRAPH <urn:g> {{ {triples} }} }}")
    constraint = Constraint("in", tuple(Literal(v) for v in allowed))
    expected = sorted(n for n, vs in data.items() for v in vs if v not in allowed)
    assert focus_nodes(s, shape(constraint)) == expected
