"""The data-quality pages: the shapes (/shapes) and the build's validation report (/validation).

The build saves its report beside the store (`save_report`: validation.json and validation.ttl); the pages
load it once per process (`load_report`) with an index by focus node, so an entity page finds the results
about its IRI (`warnings_for`) without a query. The shapes are read once, on the first visit to /shapes.
Apart from those two file readers and writers the functions are pure: the routes in service/pages.py parse
the request and render what they return.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.web import conneg
from service.web.urls import curie, page_href

if TYPE_CHECKING:
    from service.build.validation.report import ValidationReport

REPORT_JSON = "validation.json"
REPORT_TURTLE = "validation.ttl"
PER_SHAPE = 20  # focus nodes listed per shape on /validation; the rest are counted
# What /shapes and /validation offer, in the server's order of preference (the first is the default).
MEDIA_TYPES = {
    "text/html": "html",
    "text/turtle": "turtle",
    "application/json": "json",
    "application/xhtml+xml": "html",
    "application/x-turtle": "turtle",
}
EXTENSIONS = {"html": "html", "ttl": "turtle", "json": "json"}
CONTENT_TYPES = {"turtle": "text/turtle; charset=utf-8", "json": "application/json"}
SEVERITIES = ("Violation", "Warning", "Info")  # most severe first, as the report's JSON names them


# --- the shapes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShapeSummary:
    iri: str | None  # None for a blank-node shape
    name: str
    description: str
    severity: str  # "Violation", "Warning" or "Info"
    targets: list[str]  # "targetClass org:Organization", ...
    path: str | None
    message: str

    @property
    def anchor(self) -> str | None:
        return shape_anchor(self.iri) if self.iri else None


@dataclass(frozen=True)
class ShapesView:
    shapes: list[ShapeSummary]
    turtle: str  # every shapes file, parsed into one graph and written out again

    def counts(self) -> dict[str, int]:
        found = Counter(s.severity for s in self.shapes)
        return {s: found.get(s, 0) for s in SEVERITIES}


def shape_anchor(iri: str) -> str:
    """The fragment of /shapes that documents the shape with this IRI."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def shapes_view(shapes_dir: Path) -> ShapesView:
    """Every active shape of shapes_dir/*.ttl, ordered by severity then name; a ShapesError if unusable."""
    # Imported here: a serving process reads the shapes at most once, and loads rdflib only then.
    from rdflib import BNode, Graph

    from service.build.validation import check as validation

    summaries = []
    for shape in validation.load_shapes(shapes_dir):
        path = shape.path
        summaries.append(
            ShapeSummary(
                iri=None if isinstance(shape.node, BNode) else str(shape.node),
                name=shape.name,
                description=shape.description,
                severity=_local(str(shape.severity)),
                targets=[f"{t.kind} {curie(str(t.term))}" for t in shape.targets],
                path=("^" if path.inverse else "") + curie(str(path.predicate)) if path else None,
                message=shape.message,
            )
        )
    summaries.sort(key=lambda s: (SEVERITIES.index(s.severity), s.name.lower(), s.iri or ""))
    graph = Graph()
    for file in sorted(shapes_dir.glob("*.ttl")):
        graph.parse(file, format="turtle")
    return ShapesView(summaries, graph.serialize(format="turtle"))


# --- the saved report -----------------------------------------------------------------------------


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


@dataclass(frozen=True)
class ShapeGroup:
    shape: Finding  # the first result: severity, shape, name and message
    count: int
    findings: list[Finding]  # the first PER_SHAPE
    more: int


@dataclass(frozen=True)
class ValidationView:
    conforms: bool
    counts: dict[str, int]  # by severity
    shapes_checked: int
    groups: list[ShapeGroup]  # by shape, most severe first


def validation_view(
    report: SavedReport, label: Callable[[str], str | None] = lambda _: None, per_shape: int = PER_SHAPE
) -> ValidationView:
    """The saved report as /validation shows it: counts, then the results grouped by shape."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        grouped[finding.shape].append(finding)
    ordered = sorted(grouped.values(), key=lambda g: (SEVERITIES.index(g[0].severity), g[0].shape_name))
    groups = [
        ShapeGroup(
            found[0],
            len(found),
            [_labelled(f, label) for f in found[:per_shape]],
            max(0, len(found) - per_shape),
        )
        for found in ordered
    ]
    counts = report.data.get("counts")
    checked = report.data.get("shapesChecked")
    return ValidationView(
        conforms=report.data.get("conforms") is True,
        counts={str(k): int(v) for k, v in counts.items()} if isinstance(counts, dict) else {},
        shapes_checked=checked if isinstance(checked, int) else 0,
        groups=groups,
    )


def _labelled(finding: Finding, label: Callable[[str], str | None]) -> Finding:
    found = label(finding.focus_node) if finding.focus_is_iri else None
    return replace(finding, label=found or finding.focus_node)


# --- formats --------------------------------------------------------------------------------------


def quality_format(ext: str, accept: str | None, offered: Sequence[str]) -> str | None:
    """The format (one of `offered`) an extension names, or the one Accept prefers; None when neither."""
    if ext:
        name = EXTENSIONS.get(ext)
        return name if name in offered else None
    choice = conneg.negotiate(accept, [mt for mt, name in MEDIA_TYPES.items() if name in offered])
    return MEDIA_TYPES[choice] if choice is not None else None


def available(offered: Sequence[str]) -> str:
    """The 406 message: the media types offered."""
    return "Available: " + ", ".join(t for t, name in MEDIA_TYPES.items() if name in offered)


def quality_headers(endpoint: str, offered: Sequence[str]) -> dict[str, str]:
    """Vary: Accept, and a Link to each explicit form of the page at `endpoint` (/shapes, /validation)."""
    links = [
        f'<{page_href(endpoint, ext)}>; rel="alternate"; type="{CONTENT_TYPES[name].split(";")[0]}"'
        for ext, name in EXTENSIONS.items()
        if name in offered and name in CONTENT_TYPES
    ]
    return {"Vary": "Accept", "Link": ", ".join(links)}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]
