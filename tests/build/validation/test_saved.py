"""The validation report kept beside the store: written by the build, read back by each serving process."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from service.build.validation import saved
from service.build.validation.report import SH, ValidationReport, ValidationResult
from service.terms import IRI, Literal

NODE = "urn:ex:n1"


def _result(severity: str, shape: str, focus: str, message: str) -> ValidationResult:
    return ValidationResult(
        severity=str(severity),
        source_shape=shape,
        shape_name=shape.rsplit("#", 1)[-1],
        focus_node=IRI(focus),
        result_path="urn:ex:p",
        value=Literal("x"),
        message=message,
        component=str(SH.MinCountConstraintComponent),
    )


def _report() -> ValidationReport:
    return ValidationReport(
        [
            _result(SH.Warning, "urn:ex:shapes#B", NODE, "b"),
            _result(SH.Violation, "urn:ex:shapes#A", NODE, "a"),
            _result(SH.Info, "urn:ex:shapes#C", "urn:ex:n2", "c"),
        ],
        shapes_checked=3,
    )


def test_a_saved_report_reads_back_indexed_by_focus_node(tmp_path: Path) -> None:
    report = _report()
    saved.save_report(report, tmp_path)
    loaded = saved.load_report(tmp_path)
    assert loaded is not None
    assert loaded.json_text == report.to_json()
    assert len(loaded.findings) == 3 and set(loaded.by_focus) == {NODE, "urn:ex:n2"}
    # The Turtle form is the standard report, read only when asked for.
    turtle = loaded.turtle()
    assert turtle is not None
    assert len(list(Graph().parse(data=turtle, format="turtle").objects(None, SH.result))) == 3


def test_warnings_for_an_iri_come_most_severe_first(tmp_path: Path) -> None:
    saved.save_report(_report(), tmp_path)
    found = saved.warnings_for(saved.load_report(tmp_path), NODE)
    assert [(f.severity, f.message) for f in found] == [("Violation", "a"), ("Warning", "b")]
    assert found[0].shape_anchor == "A" and found[0].focus_is_iri
    assert saved.warnings_for(None, NODE) == []


def test_no_saved_report_is_none(tmp_path: Path) -> None:
    assert saved.load_report(tmp_path) is None
    assert saved.load_report(None) is None
