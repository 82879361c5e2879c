"""The validator itself: loading errors, unsupported SHACL, and the report's three forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from service.build.validation.check import ShapesError, load_shapes, validate
from service.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[3]
HEAD = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <urn:ex:> .\n"


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "s.ttl").write_text(HEAD + body, encoding="utf-8")
    return tmp_path


def test_the_project_shapes_load() -> None:
    shapes = load_shapes(ROOT / "shapes")
    assert len(shapes) > 100
    assert all(s.name and s.message and s.description for s in shapes)


def test_a_broken_file_is_named_with_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match=r"s\.ttl:3:\d+"):
        load_shapes(write(tmp_path, "ex:S a sh:NodeShape ;;; sh:targetClass ex:C ex:oops .\n"))


def test_an_unsupported_component_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(ShapesError, match="unsupported SHACL term.*closed"):
        load_shapes(write(tmp_path, "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .\n"))


def test_a_sparql_constraint_that_does_not_bind_this_is_refused(tmp_path: Path) -> None:
    select = '"""SELECT $this WHERE { OPTIONAL { $this <urn:p> ?v } }"""'
    body = f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select {select} ] .\n"
    with pytest.raises(ShapesError, match="must bind"):
        load_shapes(write(tmp_path, body))


def test_the_report_in_text_turtle_and_json(tmp_path: Path) -> None:
    shapes = write(
        tmp_path,
        'ex:S a sh:PropertyShape ; sh:name "name" ; sh:message "needs ex:p" ; sh:targetClass ex:C ;'
        " sh:path ex:p ; sh:minCount 1 .\n",
    )
    data = tmp_path / "d.ttl"
    data.write_text("".join(f"<urn:ex:n{i}> a <urn:ex:C> .\n" for i in range(15)), encoding="utf-8")
    store = OxigraphStore.in_memory()
    store.load_file(data, "urn:g")
    report = validate(store, shapes)
    assert not report.conforms and len(report.results) == 15
    assert "... and 5 more" in report.to_text()
    graph = Graph().parse(data=report.to_turtle(), format="turtle")
    rows = graph.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> "
        "SELECT ?f WHERE { ?r sh:focusNode ?f ; sh:sourceShape <urn:ex:S> }"
    )
    assert len(rows) == 15
    body = json.loads(report.to_json())
    assert body["counts"]["Violation"] == 15 and body["conforms"] is False
