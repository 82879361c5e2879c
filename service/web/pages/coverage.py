"""The forms of the coverage data (service/coverage.py): text for `nhskg stats --coverage`, JSON, and RDF.

As RDF, the page's IRI describes the dataset on the day: one VoID class partition per kind of body
(`void:class`, `void:entities` for the bodies present) with the other counts as schema:PropertyValue
nodes, the reported figures each kind is compared with (`rdfs:seeAlso`), and the stated gaps
(`dcterms:hasPart`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from service import iris
from service.build.coverage import COLUMNS, Coverage, Figure, Gap
from service.terms import IRI, BNode, Literal, Triple

XSD = iris.PREFIXES["xsd"]
RDF_TYPE = IRI(iris.PREFIXES["rdf"] + "type")
VOID = iris.PREFIXES["void"]
SCHEMA = iris.PREFIXES["schema"]
DCTERMS = iris.PREFIXES["dcterms"]
RDFS = iris.PREFIXES["rdfs"]


def _number(n: int) -> Literal:
    return Literal(str(n), XSD + "integer")


def coverage_triples(view: Coverage, page: str) -> list[Triple]:
    """The triples of the coverage document whose IRI is `page`."""
    this = IRI(page)
    out = [
        Triple(this, RDF_TYPE, IRI(VOID + "Dataset")),
        Triple(this, IRI(DCTERMS + "date"), Literal(view.day.isoformat(), XSD + "date")),
        Triple(this, IRI(RDFS + "label"), Literal("How complete the history is", language="en")),
    ]
    for i, row in enumerate(view.rows):
        part = BNode(f"kind{i}")
        out += [
            Triple(this, IRI(VOID + "classPartition"), part),
            Triple(part, IRI(VOID + "class"), IRI(row.kind.iri)),
            Triple(part, IRI(VOID + "entities"), _number(row.present)),
        ]
        for j, (name, title) in enumerate(COLUMNS[1:]):
            value = BNode(f"kind{i}v{j}")
            out += [
                Triple(part, IRI(SCHEMA + "additionalProperty"), value),
                Triple(value, RDF_TYPE, IRI(SCHEMA + "PropertyValue")),
                Triple(value, IRI(SCHEMA + "propertyID"), Literal(name)),
                Triple(value, IRI(SCHEMA + "name"), Literal(title, language="en")),
                Triple(value, IRI(SCHEMA + "value"), _number(getattr(row, name))),
            ]
        out += [Triple(part, IRI(RDFS + "seeAlso"), IRI(f.iri)) for f in row.figures]
    for gaps in view.gaps.values():
        out += [Triple(this, IRI(DCTERMS + "hasPart"), IRI(g.iri)) for g in gaps]
    return out


LIST_PAGE = 100  # the items of a list of gaps or unnamed bodies on /coverage, and on each page of it


@dataclass(frozen=True)
class ListPage:
    """One page of one kind's list on /coverage: its stated gaps, or its bodies that no source names."""

    section: str  # "gaps" or "unnamed"
    kind: str  # the gap kind ("name unknown") or the kind of body ("GP practice")
    items: tuple[Gap | tuple[str, str], ...]
    total: int
    page: int
    pages: int


def list_page(
    view: Coverage, section: str, kind: str, page: int, per_page: int = LIST_PAGE
) -> ListPage | None:
    """Page `page` of the list of `kind` in `section`; None where there is no such list."""
    lists: dict[str, dict[str, Any]] = {"gaps": dict(view.gaps), "unnamed": dict(view.unnamed)}
    found = lists.get(section, {}).get(kind)
    if found is None:
        return None
    start = (page - 1) * per_page
    return ListPage(
        section, kind, found[start : start + per_page], len(found), page, max(1, -(-len(found) // per_page))
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def figure_text(figure: Figure) -> str:
    when = _iso(figure.day) or figure.approximate or "no date"
    graph = "" if figure.in_graph is None else f" (the graph has {figure.in_graph} that day)"
    return f"{figure.value} on {when}{graph}"


def _figure_json(f: Figure) -> dict[str, Any]:
    return {
        "figure": f.iri,
        "label": f.label,
        "value": f.value,
        "date": _iso(f.day),
        "approximate_date": f.approximate,
        "sources": list(f.sources),
        "in_graph_on_date": f.in_graph,
    }


def _gap_json(g: Gap) -> dict[str, Any]:
    return {
        "gap": g.iri,
        "body": g.body,
        "label": g.body_label,
        "kind": g.kind,
        "start": _iso(g.start),
        "end": _iso(g.end),
        "description": g.description,
    }


def to_json(view: Coverage) -> dict[str, Any]:
    """The JSON form: the same numbers and lists as the page."""
    return {
        "date": view.day.isoformat(),
        "record_start": view.record_start.isoformat(),
        "kinds": [
            {
                "kind": row.kind.iri,
                "label": row.kind.label,
                "expected": [_figure_json(f) for f in row.figures] or "no published figure",
                **{name: getattr(row, name) for name, _ in COLUMNS},
            }
            for row in view.rows
        ],
        "totals": view.totals,
        "known_gaps": {kind: [_gap_json(g) for g in gaps] for kind, gaps in view.gaps.items()},
        "name_unknown": {kind: [iri for iri, _ in found] for kind, found in view.unnamed.items()},
    }


def to_text(view: Coverage) -> str:
    """The table for a terminal."""
    head = f"{'kind':<30}" + "".join(f"{title:>{max(len(title), 7) + 2}}" for _, title in COLUMNS)
    lines = [
        f"coverage of the record on {view.day.isoformat()} (from {view.record_start.isoformat()})",
        "",
        head,
    ]
    for row in [*view.rows]:
        lines.append(
            f"{row.kind.label:<30}"
            + "".join(f"{getattr(row, name):>{max(len(title), 7) + 2}}" for name, title in COLUMNS)
        )
    lines.append(
        f"{'total':<30}"
        + "".join(f"{view.totals[name]:>{max(len(title), 7) + 2}}" for name, title in COLUMNS)
    )
    lines += ["", "expected (figures the record reports)"]
    for row in view.rows:
        text = "; ".join(figure_text(f) for f in row.figures) or "no published figure"
        lines.append(f"  {row.kind.label}: {text}")
    lines += ["", "known gaps"]
    lines += [f"  {kind}: {len(gaps)}" for kind, gaps in view.gaps.items()] or ["  none stated"]
    lines += [f"  name unknown ({kind}): {len(found)}" for kind, found in view.unnamed.items()]
    return "\n".join(lines)
