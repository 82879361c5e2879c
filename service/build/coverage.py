"""How complete the history is: one data function (`coverage`) feeds `nhskg stats --coverage`, the
/coverage page and its JSON and Turtle forms.

For each kind of body: the figures the record reports (nhs:ReportedFigure of the national system) or none,
how many bodies the graph holds, how many are named, dated, accountable on every day of their life (or
covered by stated gaps), and sourced; then the stated gaps (nhs:KnownGap) and the bodies no source names.
Queries in service/queries/coverage/; the span arithmetic is here, in Python, over one query's rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from service import iris, queries
from service.store import Store
from service.terms import IRI, Row, Term

NHS = iris.DEF
RECORD_START = dt.date(1996, 4, 1)  # the record begins with the health authorities of 1 April 1996


@dataclass(frozen=True)
class Kind:
    iri: str
    label: str
    measures: tuple[str, ...]  # nhs:measure concepts whose national figures count this kind
    current: bool  # the kind still exists: a body of it may lack an end


KINDS: tuple[Kind, ...] = (
    Kind(NHS + "HealthAuthority", "Health authority", (NHS + "NumberOfHealthAuthorities",), False),
    Kind(NHS + "PrimaryCareGroup", "Primary care group", (NHS + "NumberOfPCGs",), False),
    Kind(NHS + "PrimaryCareTrust", "Primary care trust", (NHS + "NumberOfPCTs",), False),
    Kind(NHS + "CareTrust", "Care trust", (), False),
    Kind(NHS + "StrategicHealthAuthority", "Strategic health authority", (NHS + "NumberOfSHAs",), False),
    Kind(NHS + "PCTCluster", "PCT cluster", (NHS + "NumberOfClusters",), False),
    Kind(NHS + "SHACluster", "SHA cluster", (NHS + "NumberOfSHAClusters",), False),
    Kind(
        NHS + "GPCommissioningConsortium",
        "GP commissioning consortium",
        (NHS + "NumberOfPathfinders",),
        False,
    ),
    Kind(NHS + "ClinicalCommissioningGroup", "Clinical commissioning group", (NHS + "NumberOfCCGs",), False),
    Kind(NHS + "NHSCommissioningBoard", "NHS Commissioning Board", (), True),
    Kind(NHS + "AreaTeam", "Area team", (NHS + "NumberOfAreaTeams",), False),
    Kind(NHS + "LocalOffice", "Local office", (NHS + "NumberOfLocalOffices",), False),
    Kind(NHS + "CommissioningHub", "Commissioning hub", (), False),
    Kind(NHS + "NHSEnglandRegion", "NHS England region", (NHS + "NumberOfRegions",), True),
    Kind(NHS + "SustainabilityAndTransformationPartnership", "STP", (NHS + "NumberOfSTPs",), False),
    Kind(NHS + "IntegratedCareSystem", "Integrated care system", (NHS + "NumberOfICSs",), True),
    Kind(NHS + "IntegratedCareBoard", "Integrated care board", (NHS + "NumberOfICBs",), True),
    Kind(NHS + "SubICBLocation", "Sub-ICB location", (NHS + "NumberOfSubICBLocations",), True),
    Kind(NHS + "GPPractice", "GP practice", (NHS + "NumberOfPractices",), True),
)


def query(name: str) -> str:
    """The text of service/queries/coverage/{name}.rq."""
    return queries.text(f"coverage/{name}")


@dataclass(frozen=True)
class Figure:
    iri: str
    label: str
    value: int
    day: dt.date | None  # dcterms:date, when the source gives a day
    approximate: str | None  # nhs:approximateDate (a year or a month) otherwise
    sources: tuple[str, ...]
    in_graph: int | None  # bodies of the kind the graph has alive on `day`


@dataclass(frozen=True)
class KindRow:
    kind: Kind
    figures: tuple[Figure, ...]  # empty: no published figure
    present: int
    named: int
    dated: int
    accountable: int  # an accountability (a practice: a parent) on every day of its life
    with_gaps: int  # every day covered by an accountability or a stated gap, some by a gap
    sourced: int


@dataclass(frozen=True)
class Gap:
    iri: str
    kind: str  # the gap kind's label: "accountability unknown"
    body: str
    body_label: str
    start: dt.date | None
    end: dt.date | None
    description: str


def _gap(row: Row, body: str, body_label: str) -> Gap:
    """A gap from a row of gaps.rq or gaps_of.rq."""
    what, description = row.get("whatLabel"), row.get("description")
    return Gap(
        row["gap"].value,
        what.value if what is not None else row["what"].value.rsplit("#", 1)[-1],
        body,
        body_label,
        _day(row.get("start")),
        _day(row.get("end")),
        description.value if description is not None else "",
    )


def gaps_of(store: Store, iri: str) -> list[Gap]:
    """The stated gaps in the record of one body, oldest first (for its page)."""
    found: dict[str, Gap] = {}
    for row in store.select(query("gaps_of"), {"this": IRI(iri)}):
        found.setdefault(row["gap"].value, _gap(row, iri, ""))
    return sorted(found.values(), key=lambda g: (g.start or dt.date.min, g.iri))


@dataclass(frozen=True)
class Coverage:
    day: dt.date  # today: the end of a current body's life
    rows: tuple[KindRow, ...]
    gaps: dict[str, tuple[Gap, ...]]  # gap kind label -> gaps, by body label
    unnamed: dict[str, tuple[tuple[str, str], ...]]  # kind label -> (IRI, label) of unnamed bodies
    record_start: dt.date = RECORD_START
    totals: dict[str, int] = field(default_factory=dict)


@dataclass
class _Body:
    founded: dt.date | None = None
    dissolved: dt.date | None = None
    approximate_end: bool = False
    current: bool = False  # nhs:endStatus nhs:Current
    unnamed: bool = False
    sourced: bool = False


def _parse(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _day(term: Term | None) -> dt.date | None:
    return _parse(term.value) if term is not None else None


def first_day(approximate: str | None) -> dt.date | None:
    """The first day of a year (YYYY) or a month (YYYY-MM)."""
    if approximate is None:
        return None
    return _parse(approximate + "-01-01"[len(approximate) - 4 :])


def _true(term: Term | None) -> bool:
    """An xsd:boolean's value: "1" is true as much as "true" is (Virtuoso writes its booleans as 1 and 0)."""
    return term is not None and term.value in ("true", "1")


def _bodies(store: Store) -> dict[str, dict[str, _Body]]:
    """Kind IRI -> body IRI -> what the record says of it."""
    found: dict[str, dict[str, _Body]] = defaultdict(dict)
    kinds = tuple(IRI(k.iri) for k in KINDS)
    for row in store.select(query("bodies"), {"kind": kinds}):
        body = found[row["kind"].value].setdefault(row["body"].value, _Body())
        founded, dissolved = _day(row.get("founded")), _day(row.get("dissolved"))
        if founded is not None and (body.founded is None or founded < body.founded):
            body.founded = founded
        if dissolved is not None and (body.dissolved is None or dissolved > body.dissolved):
            body.dissolved = dissolved
        body.approximate_end |= row.get("approxEnd") is not None
        body.current |= _true(row.get("current"))
        body.unnamed |= _true(row.get("unnamed"))
        body.sourced |= _true(row.get("sourced"))
    return found


Span = tuple[dt.date, dt.date | None]  # inclusive; None: still open


def covers(spans: Iterable[Span], first: dt.date, last: dt.date) -> bool:
    """Whether the spans together cover every day from `first` to `last` (inclusive)."""
    reached = first - dt.timedelta(days=1)  # the last day covered so far
    for start, end in sorted(spans, key=lambda s: s[0]):
        if start > reached + dt.timedelta(days=1):
            break
        if end is None:
            return True
        reached = max(reached, end)
        if reached >= last:
            return True
    return reached >= last


def parse_spans(text: str) -> list[Span]:
    """The spans of cover.rq's "start/end" words; a word with an unreadable start is left out."""
    spans: list[Span] = []
    for word in text.split():
        start, _, end = word.partition("/")
        first = _parse(start)
        if first is not None:
            spans.append((first, _parse(end)))
    return spans


def _spans(store: Store) -> tuple[dict[str, list[Span]], dict[str, list[Span]]]:
    """Body -> its accountability spans, and body -> its stated gaps; undated starts never count."""
    held: dict[str, list[Span]] = defaultdict(list)
    gaps: dict[str, list[Span]] = defaultdict(list)
    for row in store.select(query("cover")):
        target = gaps if _true(row.get("gap")) else held
        target[row["body"].value] += parse_spans(row["spans"].value)
    return held, gaps


def dated(body: _Body, kind: Kind) -> bool:
    """A founding date, and a dissolution date unless the record calls the body current (nhs:endStatus
    nhs:Current) and its kind still exists."""
    if body.founded is None:
        return False
    return body.dissolved is not None or (body.current and kind.current and not body.approximate_end)


def life(body: _Body, kind: Kind, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days of the body's life that the record covers; None when its life is not dated."""
    if not dated(body, kind) or body.founded is None:
        return None
    last = body.dissolved or today
    first = max(body.founded, RECORD_START)
    return (first, last) if first <= last else None


def _count_row(
    kind: Kind, bodies: dict[str, _Body], spans: tuple[dict[str, list[Span]], ...], today: dt.date
) -> dict[str, int]:
    held, gaps = spans
    counts = dict.fromkeys(("present", "named", "dated", "accountable", "with_gaps", "sourced"), 0)
    for iri, body in bodies.items():
        counts["present"] += 1
        counts["named"] += not body.unnamed
        counts["dated"] += dated(body, kind)
        counts["sourced"] += body.sourced
        days = life(body, kind, today)
        if days is None:
            continue
        if covers(held.get(iri, ()), *days):
            counts["accountable"] += 1
        elif iri in gaps and covers(held.get(iri, []) + gaps[iri], *days):
            counts["with_gaps"] += 1
    return counts


def alive_on(bodies: Iterable[_Body], day: dt.date) -> int:
    """How many bodies had begun by `day` (a founding date on or before it) and had not ended."""
    return sum(
        1
        for b in bodies
        if b.founded is not None and b.founded <= day and (b.dissolved is None or b.dissolved >= day)
    )


def _figures(store: Store, bodies: dict[str, dict[str, _Body]]) -> dict[str, list[Figure]]:
    """Kind IRI -> the national figures reported for it, oldest first."""
    of_measure = {m: k.iri for k in KINDS for m in k.measures}
    rows: dict[str, list[Row]] = defaultdict(list)
    for row in store.select(query("figures")):
        rows[row["figure"].value].append(row)
    found: dict[str, list[Figure]] = defaultdict(list)
    for iri, group in sorted(rows.items()):
        first = group[0]
        kind = of_measure.get(first["measure"].value)
        if kind is None or not first["value"].value.lstrip("-").isdigit():
            continue
        day, approx, label = _day(first.get("date")), first.get("approx"), first.get("label")
        sources = tuple(sorted({r["source"].value for r in group if r.get("source") is not None}))
        count = alive_on(bodies.get(kind, {}).values(), day) if day is not None else None
        found[kind].append(
            Figure(
                iri,
                label.value if label else iri,
                int(first["value"].value),
                day,
                approx.value if approx else None,
                sources,
                count,
            )
        )
    for figures in found.values():
        figures.sort(key=lambda f: (f.day or first_day(f.approximate) or dt.date.min, f.iri))
    return found


def _gaps(store: Store) -> dict[str, tuple[Gap, ...]]:
    grouped: dict[str, dict[str, Gap]] = defaultdict(dict)
    for row in store.select(query("gaps")):
        label = row.get("bodyLabel")
        gap = _gap(row, row["body"].value, label.value if label is not None else row["body"].value)
        grouped[gap.kind].setdefault(gap.iri, gap)
    return {
        k: tuple(sorted(v.values(), key=lambda g: (g.body_label.lower(), g.start or dt.date.min)))
        for k, v in sorted(grouped.items())
    }


def _unnamed(store: Store, bodies: dict[str, dict[str, _Body]]) -> dict[str, tuple[tuple[str, str], ...]]:
    labels: dict[str, str] = {}
    for row in store.select(query("unnamed")):
        label = row.get("label")
        labels.setdefault(row["body"].value, label.value if label else row["body"].value)
    grouped: dict[str, tuple[tuple[str, str], ...]] = {}
    for kind in KINDS:
        found = sorted((labels[b], b) for b in bodies.get(kind.iri, {}) if b in labels)
        if found:
            grouped[kind.label] = tuple((iri, label) for label, iri in found)
    return grouped


def coverage(store: Store, today: dt.date | None = None) -> Coverage:
    """Everything `nhskg stats --coverage` and /coverage show."""
    day = today or dt.date.today()
    bodies = _bodies(store)
    spans = _spans(store)
    figures = _figures(store, bodies)
    rows = tuple(
        KindRow(
            kind, tuple(figures.get(kind.iri, ())), **_count_row(kind, bodies.get(kind.iri, {}), spans, day)
        )
        for kind in KINDS
    )
    totals = {
        name: sum(getattr(r, name) for r in rows)
        for name in ("present", "named", "dated", "accountable", "with_gaps", "sourced")
    }
    return Coverage(day, rows, _gaps(store), _unnamed(store, bodies), totals=totals)


# --- forms ------------------------------------------------------------------------------------------

COLUMNS: tuple[tuple[str, str], ...] = (
    ("present", "present"),
    ("named", "named"),
    ("dated", "dated"),
    ("accountable", "accountable every day"),
    ("with_gaps", "with stated gaps"),
    ("sourced", "sourced"),
)
