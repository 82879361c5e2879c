"""Layouts for the server-side SVG charts: an entity's timeline and the landscape's counts over time.

Pure functions from dated data to coordinates; the templates only draw what these compute, so the charts
read without JavaScript and the geometry is testable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from service.build.catalogue import Entry
from service.web.pages.dated import Relation
from service.web.pages.spans import end_of, span_words, start_of

WIDTH = 800
LABEL_WIDTH = 280
ROW = 24
TOP = 28
MAX_ROWS = 80
UNKNOWN_START = 16  # the width of the stub drawn for a fact with no start, ending where it ends
PALETTE = ["#005eb8", "#b3006b", "#007f3b", "#8a4b00", "#330072", "#006e7a", "#a00020", "#425563"]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Bar:
    y: float
    x: float
    width: float
    label: str
    detail: str
    href_iri: str
    css: str
    open_end: bool
    start_known: bool = True  # False: a stub with an "unknown start" marker, never drawn from a start


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    ticks: list[Tick]
    bars: list[Bar]
    marker: float | None  # x of the as-of day
    omitted: int


def _scale(first: dt.date, last: dt.date) -> tuple[float, float]:
    span = max((last - first).days, 1)
    return (WIDTH - LABEL_WIDTH - 10) / span, first.toordinal()


def _ticks(first: dt.date, last: dt.date, x_of: Callable[[dt.date], float]) -> list[Tick]:
    years = last.year - first.year + 1
    step = next(s for s in (1, 2, 5, 10, 20) if years / s <= 10)
    return [
        Tick(x_of(dt.date(y, 1, 1)), str(y))
        for y in range(first.year + 1, last.year + 1)
        if y % step == 0 and dt.date(y, 1, 1) <= last
    ]


def timeline(
    iri: str,
    relations: Sequence[Relation],
    founded: dt.date | None,
    dissolved: dt.date | None,
    today: dt.date,
    at: dt.date | None = None,
) -> Timeline | None:
    """One bar for the lifetime, then one per relation; None when nothing is dated. A relation with no start
    is drawn as a short stub marked "start unknown" that ends where it ends (or at the right edge while open),
    never from the body's start or the chart's left edge."""
    drawn = [r for r in relations if r.start] + [r for r in relations if not r.start and r.end]
    drawn = (drawn + [r for r in relations if not r.start and not r.end])[:MAX_ROWS]
    days = [d for r in drawn for d in (r.start, r.end) if d] + [d for d in (founded, dissolved) if d]
    if not days:
        return None
    first = min(days)
    last = max([*days, today if any(r.open for r in drawn) or not dissolved else first])
    factor, origin = _scale(first, last)

    def x_of(day: dt.date) -> float:
        return round(LABEL_WIDTH + (day.toordinal() - origin) * factor, 1)

    def bar(row: int, r: Relation | None, label: str, detail: str, href: str, css: str) -> Bar:
        start, end = (r.start, r.end) if r is not None else (founded, dissolved)
        is_open = r.open if r is not None else dissolved is None
        x1 = x_of(end or last)
        if start is None:  # the stub: how long it had lasted is not known
            x0 = max(x1 - UNKNOWN_START, float(LABEL_WIDTH))
            return Bar(TOP + row * ROW, x0, max(x1 - x0, 2.0), label, detail, href, css, is_open, False)
        x0 = x_of(start)
        return Bar(TOP + row * ROW, x0, max(x1 - x0, 2.0), label, detail, href, css, is_open)

    bars = []
    if founded:
        life = span_words(start_of(founded), end_of(dissolved))
        bars.append(bar(0, None, "Lifetime", life, iri, "life"))
    for r in drawn:
        other = r.other(iri)
        detail = f"{_kind_words(r, iri)}: {other.label}, {span_words(r.began, r.ended)}"
        bars.append(bar(len(bars), r, other.label, detail, other.iri, r.kind.lower()))
    height = TOP + len(bars) * ROW + 8
    marker = x_of(at) if at and first <= at <= last else None
    return Timeline(WIDTH, height, _ticks(first, last, x_of), bars, marker, len(relations) - len(drawn))


def _kind_words(r: Relation, iri: str) -> str:
    words = {
        ("Accountability", True): "accountable to",
        ("Accountability", False): "accountable to it",
        ("ClusterMembership", True): "in cluster",
        ("ClusterMembership", False): "cluster member",
        ("PracticeMembership", True): "member of",
        ("PracticeMembership", False): "member practice",
        ("PartnershipMembership", True): "partner in",
        ("PartnershipMembership", False): "partner",
        ("PostHolding", True): "held post in",
        ("PostHolding", False): "office holder",
    }
    return words.get((r.kind, r.as_member(iri)), "member of" if r.as_member(iri) else "member")


# --- the landscape ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    class_iri: str
    label: str
    colour: str
    points: str  # an SVG polyline's points
    counts: list[int]


@dataclass(frozen=True)
class CountChart:
    width: int
    height: int
    years: list[int]
    series: list[Series]
    ticks: list[Tick]
    y_ticks: list[Tick]
    marker: float | None


def counts_by_year(
    entries: Iterable[Entry], classes: Sequence[str], years: Sequence[int]
) -> dict[str, list[int]]:
    """For each class, how many of its instances existed on 1 April of each year."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(years))
    wanted = set(classes)
    days = [dt.date(y, 4, 1) for y in years]
    for entry in entries:
        if entry.founded is None and entry.dissolved is None:
            continue
        for cls in entry.classes & wanted:
            row = counts[cls]
            for i, day in enumerate(days):
                if entry.alive_on(day):
                    row[i] += 1
    return {c: counts[c] for c in classes if any(counts[c])}


def count_chart(
    counts: dict[str, list[int]], labels: dict[str, str], years: Sequence[int], at: dt.date | None
) -> CountChart:
    width, height, left, bottom, top = 800, 320, 48, 290, 12
    peak = max([max(v) for v in counts.values()] + [1])
    x_step = (width - left - 10) / max(len(years) - 1, 1)

    def x(i: float) -> float:
        return round(left + i * x_step, 1)

    def y(n: float) -> float:
        return round(bottom - (bottom - top) * n / peak, 1)

    series = [
        Series(
            c,
            labels.get(c, c),
            PALETTE[i % len(PALETTE)],
            " ".join(f"{x(j)},{y(n)}" for j, n in enumerate(v)),
            v,
        )
        for i, (c, v) in enumerate(counts.items())
    ]
    step = next(s for s in (1, 2, 5, 10) if len(years) / s <= 12)
    ticks = [Tick(x(i), str(year)) for i, year in enumerate(years) if year % step == 0]
    magnitude = next(
        m for m in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10**9) if peak / m <= 6
    )
    y_ticks = [Tick(y(n), str(n)) for n in range(0, peak + 1, magnitude)]
    marker = None
    if at is not None and years and years[0] <= at.year <= years[-1]:
        marker = x(years.index(at.year) + (at.timetuple().tm_yday - 91) / 365)
    return CountChart(width, height + 20, list(years), series, ticks, y_ticks, marker)
