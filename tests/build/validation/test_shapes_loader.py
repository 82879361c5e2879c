"""The shapes *loader* (service/build/validation/shapes.py): Turtle read into Shape, Target, PathSpec and
Constraint, and every shape it must refuse. (test_shapes.py tests the project's shapes *data*.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDFS, Literal, URIRef

from service.build.validation.shapes import SH, Constraint, PathSpec, Shape, ShapesError, Target, load_shapes

MINI = Path(__file__).parents[2] / "data" / "mini" / "shapes"
ORG = "http://www.w3.org/ns/org#"
HEAD = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <urn:ex:> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)
EX = "urn:ex:"


def load(tmp_path: Path, body: str) -> list[Shape]:
    (tmp_path / "s.ttl").write_text(HEAD + body, encoding="utf-8")
    return load_shapes(tmp_path)


def one(tmp_path: Path, body: str) -> Shape:
    shapes = load(tmp_path, body)
    assert len(shapes) == 1, shapes
    return shapes[0]


def test_the_mini_shapes_read_as_a_node_shape_and_its_property_shape() -> None:
    node, prop = sorted(load_shapes(MINI), key=lambda s: s.path is not None)
    assert node.name == "Organisation label" and node.severity == SH.Violation
    assert node.targets == (Target("targetClass", URIRef(ORG + "Organization")),)
    assert node.path is None and node.constraints == ()
    assert node.location == f"{MINI / 'labels.ttl'}:6:4"
    # The property shape has no target of its own: it takes its parent's.
    assert prop.targets == node.targets
    assert prop.path == PathSpec(RDFS.label)
    assert [(c.component, c.value) for c in prop.constraints] == [
        ("minCount", Literal(1)),
        ("maxCount", Literal(1)),
    ]


def test_an_inverse_path_is_written_with_a_caret(tmp_path: Path) -> None:
    shape = one(tmp_path, "ex:S sh:targetNode ex:n ; sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 .\n")
    assert shape.path == PathSpec(URIRef(EX + "p"), inverse=True)
    assert shape.path.sparql() == "^<urn:ex:p>"
    assert PathSpec(URIRef(EX + "p")).sparql() == "<urn:ex:p>"


def test_lists_keep_their_order_and_a_pattern_its_flags(tmp_path: Path) -> None:
    body = (
        'ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:in ( "b" "a" ex:c ) ; sh:languageIn ( "en" "cy" ) ;'
        ' sh:pattern "^x" ; sh:flags "i" .\n'
    )
    constraints = {c.component: c for c in one(tmp_path, body).constraints}
    assert constraints["in"].value == (Literal("b"), Literal("a"), URIRef(EX + "c"))
    assert constraints["languageIn"].value == (Literal("en"), Literal("cy"))
    assert constraints["pattern"] == Constraint("pattern", Literal("^x"), flags="i")


def test_defaults_and_the_english_name_first(tmp_path: Path) -> None:
    body = 'ex:S sh:targetClass ex:C ; sh:name "Enw"@cy, "Name"@en ; sh:path ex:p ; sh:minCount 1 .\n'
    shape = one(tmp_path, body)
    assert shape.name == "Name" and shape.description == "" and shape.severity == SH.Violation
    unnamed = one(tmp_path, "ex:T sh:targetClass ex:C ; sh:severity sh:Warning .\n")
    assert unnamed.name == EX + "T" and unnamed.severity == SH.Warning


def test_a_deactivated_shape_is_left_out(tmp_path: Path) -> None:
    body = "ex:S sh:targetClass ex:C ; sh:deactivated true .\nex:T sh:targetNode ex:n .\n"
    assert [s.node for s in load(tmp_path, body)] == [URIRef(EX + "T")]


def test_a_sparql_constraint_carries_its_prefixes_and_message(tmp_path: Path) -> None:
    body = (
        'ex: sh:declare [ sh:prefix "ex" ; sh:namespace "urn:ex:"^^xsd:anyURI ] .\n'
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:prefixes ex: ;"
        ' sh:message "no ex:p" ; sh:select "SELECT $this WHERE { $this ex:p ?v }" ] .\n'
    )
    shape = next(s for s in load(tmp_path, body) if s.node == URIRef(EX + "S"))
    (constraint,) = shape.constraints
    assert constraint.component == "sparql" and constraint.message == "no ex:p"
    assert constraint.prefixes == "PREFIX ex: <urn:ex:>\n"
    assert constraint.select == "SELECT $this WHERE { $this ex:p ?v }"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("ex:S sh:targetClass ex:C ; sh:minCount 1 .\n", "need a sh:path"),
        ('ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:minCount "one" .\n', "must be an integer"),
        ("ex:S sh:targetClass ex:C ; sh:path ( ex:p ex:q ) ; sh:minCount 1 .\n", "only a predicate"),
        (
            'ex:S sh:targetClass ex:C ; sh:path ex:p ; sh:sparql [ sh:select "SELECT $this {}" ] .\n',
            "node shapes",
        ),
        ("ex:S sh:targetClass ex:C ; sh:sparql [ sh:message 'x' ] .\n", "needs a sh:select"),
        (
            'ex:S sh:targetClass ex:C ; sh:sparql [ sh:ask "ASK {}" ; sh:select "SELECT $this {}" ] .\n',
            "unsupported term .*shacl#ask",
        ),
        ("ex:S sh:targetClass ex:C ; sh:qualifiedMinCount 1 .\n", "unsupported SHACL term"),
    ],
)
def test_what_the_loader_refuses_names_the_shape_and_its_place(
    tmp_path: Path, body: str, message: str
) -> None:
    with pytest.raises(ShapesError, match=message) as caught:
        load(tmp_path, body)
    assert str(caught.value).startswith(f"{tmp_path / 's.ttl'}:4:")
    assert "shape <urn:ex:S>" in str(caught.value)


def test_a_folder_without_shapes_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match="no shapes files"):
        load_shapes(tmp_path)
