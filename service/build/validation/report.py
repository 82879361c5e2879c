"""The validation report: its results, as text, as Turtle (a standard sh:ValidationReport) and as JSON."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, XSD, BNode, Graph, Namespace, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from service.iris import PREFIXES
from service.terms import IRI, Literal, Term

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = (str(SH.Violation), str(SH.Warning), str(SH.Info))
PER_SHAPE = 10  # focus nodes listed per shape in the text form


@dataclass(frozen=True)
class ValidationResult:
    severity: str  # sh:Violation, sh:Warning or sh:Info (IRI)
    source_shape: str  # the shape's IRI (or blank node label)
    shape_name: str
    focus_node: Term
    result_path: str | None
    value: Term | None
    message: str
    component: str  # the sh:sourceConstraintComponent IRI

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": _local(self.severity),
            "sourceShape": self.source_shape,
            "shapeName": self.shape_name,
            "focusNode": _plain(self.focus_node),
            "resultPath": self.result_path,
            "value": _plain(self.value) if self.value is not None else None,
            "message": self.message,
            "sourceConstraintComponent": self.component,
        }


@dataclass
class ValidationReport:
    """What the data breaks. It conforms when no result is a violation: warnings and infos are advice
    (as pyshacl's `allow_warnings`), so the build fails on violations only."""

    results: list[ValidationResult] = field(default_factory=list)
    shapes_checked: int = 0
    seconds: float = 0.0

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == str(SH.Violation)]

    def counts(self) -> dict[str, int]:
        found = Counter(_local(r.severity) for r in self.results)
        return {_local(s): found.get(_local(s), 0) for s in SEVERITIES}

    def by_shape(self) -> dict[str, list[ValidationResult]]:
        groups: dict[str, list[ValidationResult]] = defaultdict(list)
        for r in sorted(self.results, key=lambda r: (SEVERITIES.index(r.severity), r.source_shape)):
            groups[r.source_shape].append(r)
        return dict(groups)

    def to_text(self, per_shape: int = PER_SHAPE) -> str:
        counts = ", ".join(f"{n} {k.lower()}{'s' if n != 1 else ''}" for k, n in self.counts().items())
        lines = [
            f"{'Conforms' if self.conforms else 'Does not conform'}: {counts} ({self.shapes_checked} shapes)"
        ]
        for shape, results in self.by_shape().items():
            first = results[0]
            lines += ["", f"[{_local(first.severity)}] {first.shape_name} <{shape}>: {len(results)}"]
            lines.append(f"  {first.message}")
            for r in sorted(results, key=_key)[:per_shape]:
                value = f" (value {_plain(r.value)})" if r.value is not None else ""
                lines.append(f"  - {_plain(r.focus_node)}{value}")
            if len(results) > per_shape:
                lines.append(f"  ... and {len(results) - per_shape} more")
        return "\n".join(lines) + "\n"

    def to_graph(self) -> Graph:
        g = Graph()
        g.bind("sh", SH)
        for prefix in ("nhs", "xsd", "rdfs", "org"):
            g.bind(prefix, PREFIXES[prefix])
        report = BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, RdfLiteral(self.conforms)))
        for r in sorted(self.results, key=_key):
            node = BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.resultSeverity, URIRef(r.severity)))
            g.add((node, SH.sourceShape, _rdf_shape(r.source_shape)))
            g.add((node, SH.focusNode, _rdf(r.focus_node)))
            g.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
            g.add((node, SH.resultMessage, RdfLiteral(r.message, lang="en")))
            if r.result_path:
                g.add((node, SH.resultPath, URIRef(r.result_path)))
            if r.value is not None:
                g.add((node, SH.value, _rdf(r.value)))
        return g

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")

    def to_json(self) -> str:
        body = {
            "conforms": self.conforms,
            "counts": self.counts(),
            "shapesChecked": self.shapes_checked,
            "seconds": round(self.seconds, 3),
            "results": [r.to_dict() for r in sorted(self.results, key=_key)],
        }
        return json.dumps(body, indent=2, ensure_ascii=False)


def _key(r: ValidationResult) -> tuple[str, ...]:
    return (
        r.severity,
        r.source_shape,
        _plain(r.focus_node),
        _plain(r.value),
        r.result_path or "",
        r.component,
    )


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def _plain(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.n3()
    return term.value if isinstance(term, IRI) else f"_:{term.value}"


def _rdf(term: Term) -> Node:
    if isinstance(term, IRI):
        return URIRef(term.value)
    if isinstance(term, Literal):
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        return RdfLiteral(term.value, datatype=URIRef(term.datatype) if term.datatype else XSD.string)
    return BNode(term.value)


def _rdf_shape(shape: str) -> Node:
    return BNode(shape[2:]) if shape.startswith("_:") else URIRef(shape)
