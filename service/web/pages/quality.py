"""The data-quality pages: the shapes (/shapes) and the build's validation report (/validation).

The build saves its report beside the store and the pages load it once per process, both through
service/build/validation/saved.py. The shapes are read once, on the first visit to /shapes. Apart from that
reader the functions are pure: the routes in service/web/pages/routes.py parse the request and render what
they return.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from service.build.validation.saved import SEVERITIES, Finding, SavedReport, shape_anchor
from service.web import conneg
from service.web.urls import curie, page_href

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
