"""The build's validation report as it is kept beside the store, and read back by the serving processes.

The build saves it (`save_report`: validation.json and validation.ttl); each serving process loads it once
(`load_report`) with an index by focus node, so that an entity page finds the results about its IRI
(`warnings_for`) without a query. Reading it needs neither rdflib nor the validator.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.build.validation.report import ValidationReport

REPORT_JSON = "validation.json"
REPORT_TURTLE = "validation.ttl"
SEVERITIES = ("Violation", "Warning", "Info")  # most severe first, as the report's JSON names them


def shape_anchor(iri: str) -> str:
    """The fragment of /shapes that documents the shape with this IRI."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Finding:
    """One validation result, as the saved JSON report has it."""

    severity: str  # "Violation", "Warning" or "Info"
    shape: str  # the shape's IRI, or `_:label` for a blank node
    shape_name: str
    focus_node: str  # an IRI, `_:label` or a literal in N-Triples syntax
    value: str | None
    message: str
    label: str = ""  # the focus node's label, where the page knows it

    @property
    def focus_is_iri(self) -> bool:
        return not self.focus_node.startswith(("_:", '"'))

    @property
    def shape_anchor(self) -> str | None:
        return None if self.shape.startswith("_:") else shape_anchor(self.shape)


@dataclass
class SavedReport:
    folder: Path
    data: dict[str, Any]  # the parsed JSON
    json_text: str  # the file as the build wrote it, served unchanged
    findings: list[Finding]
    by_focus: dict[str, list[Finding]] = field(default_factory=dict)

    def turtle(self) -> str | None:
        """The Turtle form, read when asked for: only the RDF clients want it."""
        path = self.folder / REPORT_TURTLE
        return path.read_text(encoding="utf-8") if path.is_file() else None


def save_report(report: ValidationReport, folder: Path) -> None:
    """Keep the build's report beside the store, as JSON (for the pages) and Turtle (sh:ValidationReport)."""
    (folder / REPORT_JSON).write_text(report.to_json(), encoding="utf-8")
    (folder / REPORT_TURTLE).write_text(report.to_turtle(), encoding="utf-8")


def load_report(folder: Path | None) -> SavedReport | None:
    """The report the build saved in `folder`, indexed by focus node; None when there is none."""
    path = folder / REPORT_JSON if folder is not None else None
    if folder is None or path is None or not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    results = data.get("results") if isinstance(data, dict) else None
    findings = [_finding(r) for r in results] if isinstance(results, list) else []
    by_focus: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_focus[finding.focus_node].append(finding)
    return SavedReport(folder, data if isinstance(data, dict) else {}, text, findings, dict(by_focus))


def _finding(result: dict[str, Any]) -> Finding:
    return Finding(
        severity=str(result["severity"]),
        shape=str(result["sourceShape"]),
        shape_name=str(result["shapeName"]),
        focus_node=str(result["focusNode"]),
        value=result.get("value"),
        message=str(result["message"]),
    )


def warnings_for(report: SavedReport | None, iri: str) -> list[Finding]:
    """The results whose focus node is `iri`, most severe first."""
    found = report.by_focus.get(iri, []) if report is not None else []
    return sorted(found, key=lambda f: (SEVERITIES.index(f.severity), f.shape_name, f.message))
