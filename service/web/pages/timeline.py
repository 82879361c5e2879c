"""Layouts for the server-side SVG charts: an entity's timeline and the landscape's counts over time.

Pure functions from dated data to coordinates; the templates only draw what these compute, so the charts
read without JavaScript and the geometry is testable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from service.build.catalogue import Entry
from service.web.pages.dated import Relation
from service.web.pages.spans import end_of, span_words, start_of

MAX_ROWS = 80
UNKNOWN_START = 16  # the width of the stub drawn for a fact with no start, ending where it ends
# Sixteen colours, each at least 3:1 against white (WCAG 1.4.11); the second eight are drawn dashed, so
# the closest pairs (the two teals, greens, purples, pinks) also differ in their stroke.
PALETTE = [
    "#005eb8", "#b3006b", "#007f3b", "#8a4b00", "#330072", "#006e7a", "#a00020", "#425563",
    "#e8590c", "#7c7c00", "#6f42c1", "#0b8fa3", "#d6336c", "#2f9e44", "#1c2b8f", "#9c6644",
]  # fmt: skip
DASHES = ["", "7 4"]


@dataclass(frozen=True)
class Frame:
    """Where a timeline's parts go, in its SVG's user units. The page draws one frame for wide screens and
    one for phones and shows one of them (site.css): an SVG scaled down to a phone shrinks its text with it.
    """

    name: str  # "wide" or "narrow": the SVG's class
    width: int
    label_width: int  # the column of labels left of the bars; 0 puts each label above its bar
    row: int
    max_ticks: int
    label_chars: int


WIDE = Frame("wide", 800, 280, 24, 10, 38)
NARROW = Frame("narrow", 360, 0, 36, 5, 46)
TOP = 28


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Bar:
    y: float  # the top of the bar
    x: float
    width: float
    label: str
    detail: str
    href_iri: str
    css: str
    open_end: bool
    label_x: float = 0.0
    label_y: float = 0.0
    start_known: bool = True  # False: a stub with an "unknown start" marker, never drawn from a start


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    ticks: list[Tick]
    bars: list[Bar]
    marker: float | None  # x of the as-of day
    omitted: int
    frame: Frame = WIDE
    narrow: Timeline | None = None  # the same bars laid out for a phone


@dataclass(frozen=True)
class _Row:
    start: dt.date | None
    end: dt.date | None
    label: str
    detail: str
    href_iri: str
    css: str
    open: bool


def _ticks(first: dt.date, last: dt.date, x_of: Callable[[dt.date], float], most: int = 10) -> list[Tick]:
    years = last.year - first.year + 1
    step = next(s for s in (1, 2, 5, 10, 20, 50) if years / s <= most)
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
    never from the body's start or the chart's left edge. The wide layout carries the narrow one
    (`narrow`)."""
    drawn = [r for r in relations if r.start] + [r for r in relations if not r.start and r.end]
    drawn = (drawn + [r for r in relations if not r.start and not r.end])[:MAX_ROWS]
    days = [d for r in drawn for d in (r.start, r.end) if d] + [d for d in (founded, dissolved) if d]
    if not days:
        return None
    first = min(days)
    last = max([*days, today if any(r.open for r in drawn) or not dissolved else first])
    rows = []
    if founded:
        life = span_words(start_of(founded), end_of(dissolved))
        rows.append(_Row(founded, dissolved, "Lifetime", life, iri, "life", dissolved is None))
    for r in drawn:
        other = r.other(iri)
        detail = f"{_kind_words(r, iri)}: {other.label}, {span_words(r.began, r.ended)}"
        rows.append(_Row(r.start, r.end, other.label, detail, other.iri, r.kind.lower(), r.open))
    omitted = len(relations) - len(drawn)
    narrow = _laid_out(NARROW, rows, first, last, at, omitted)
    return replace(_laid_out(WIDE, rows, first, last, at, omitted), narrow=narrow)


def _laid_out(
    frame: Frame, rows: Sequence[_Row], first: dt.date, last: dt.date, at: dt.date | None, omitted: int
) -> Timeline:
    left = frame.label_width or 8
    factor = (frame.width - left - 10) / max((last - first).days, 1)

    def x_of(day: dt.date) -> float:
        return round(left + (day.toordinal() - first.toordinal()) * factor, 1)

    def bar(i: int, row: _Row) -> Bar:
        x1 = x_of(row.end or last)
        # no start: a stub of its own width, ending where the fact ends, never drawn from a start
        x0 = x_of(row.start) if row.start else max(x1 - UNKNOWN_START, float(left))
        top = TOP + i * frame.row
        y, label_x, label_y = (
            (top + 3, left - 4, top + 15) if frame.label_width else (top + 17, left, top + 13)
        )
        label = row.label if len(row.label) <= frame.label_chars else row.label[: frame.label_chars - 1] + "…"
        return Bar(
            y,
            x0,
            max(x1 - x0, 2.0),
            label,
            row.detail,
            row.href_iri,
            row.css,
            row.open,
            label_x,
            label_y,
            start_known=row.start is not None,
        )

    bars = [bar(i, row) for i, row in enumerate(rows)]
    height = TOP + len(bars) * frame.row + 8
    marker = x_of(at) if at and first <= at <= last else None
    ticks = _ticks(first, last, x_of, frame.max_ticks)
    return Timeline(frame.width, height, ticks, bars, marker, omitted, frame)


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
class ChartFrame:
    """Where the count chart's parts go, in its SVG's user units (wide screens, or phones)."""

    name: str
    width: int
    height: int
    left: int  # room for the counts' labels
    max_ticks: int

    @property
    def bottom(self) -> int:
        """The y of the zero line; the years are written below it."""
        return self.height - 30


WIDE_CHART = ChartFrame("wide", 800, 340, 48, 12)
NARROW_CHART = ChartFrame("narrow", 360, 300, 44, 4)


@dataclass(frozen=True)
class Series:
    class_iri: str
    label: str
    colour: str
    points: str  # an SVG polyline's points
    counts: list[int]
    dash: str = ""  # an SVG stroke-dasharray; "" for a solid line
    span: str = ""  # the years it has a count on 1 April, in words, for the legend


@dataclass(frozen=True)
class CountChart:
    width: int
    height: int
    years: list[int]
    series: list[Series]
    ticks: list[Tick]
    y_ticks: list[Tick]
    marker: float | None
    frame: ChartFrame = WIDE_CHART
    narrow: CountChart | None = None  # the same counts drawn for a phone


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
    """One line per class, in the order they first have a count, each with its own colour (PALETTE holds
    enough for every kind we have; beyond it they repeat). The wide chart carries the narrow one."""
    ordered = sorted(counts.items(), key=lambda kv: next((i for i, n in enumerate(kv[1]) if n), len(years)))
    styled = [
        (c, v, PALETTE[i % len(PALETTE)], DASHES[i // 8 % len(DASHES)]) for i, (c, v) in enumerate(ordered)
    ]
    wide = _chart_in(WIDE_CHART, styled, labels, years, at)
    return replace(wide, narrow=_chart_in(NARROW_CHART, styled, labels, years, at))


def _chart_in(
    frame: ChartFrame,
    styled: Sequence[tuple[str, list[int], str, str]],
    labels: dict[str, str],
    years: Sequence[int],
    at: dt.date | None,
) -> CountChart:
    bottom, top = frame.bottom, 12
    peak = max([max(v) for _, v, _, _ in styled] + [1])
    x_step = (frame.width - frame.left - 10) / max(len(years) - 1, 1)

    def x(i: float) -> float:
        return round(frame.left + i * x_step, 1)

    def y(n: float) -> float:
        return round(bottom - (bottom - top) * n / peak, 1)

    series = [
        Series(c, labels.get(c, c), colour, " ".join(f"{x(j)},{y(v[j])}" for j in _drawn(v)), v, dash,
               _years_with_a_count(v, years))
        for c, v, colour, dash in styled
    ]  # fmt: skip
    step = next(s for s in (1, 2, 5, 10, 20, 50) if len(years) / s <= frame.max_ticks)
    ticks = [Tick(x(i), str(year)) for i, year in enumerate(years) if year % step == 0]
    magnitude = next(
        m for m in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10**9) if peak / m <= 6
    )
    y_ticks = [Tick(y(n), str(n)) for n in range(0, peak + 1, magnitude)]
    marker = None
    if at is not None and years and years[0] <= at.year <= years[-1]:
        marker = x(years.index(at.year) + (at.timetuple().tm_yday - 91) / 365)
    return CountChart(frame.width, frame.height, list(years), series, ticks, y_ticks, marker, frame)


def _drawn(counts: Sequence[int]) -> range:
    """The years a line is drawn over: those with a count, and the zero on either side (its rise and its
    fall), so that sixteen lines do not all run along the axis in the years their kind did not exist."""
    held = [i for i, n in enumerate(counts) if n]
    if not held:
        return range(0)
    return range(max(held[0] - 1, 0), min(held[-1] + 2, len(counts)))


def _years_with_a_count(counts: Sequence[int], years: Sequence[int]) -> str:
    """'1999 to 2002', 'since 2022' (still counted in the last year), '2013 only' or 'never'."""
    held = [year for year, n in zip(years, counts, strict=True) if n]
    if not held:
        return "never"
    if held[-1] == years[-1] and len(held) > 1:
        return f"since {held[0]}"
    return f"{held[0]} only" if held[0] == held[-1] else f"{held[0]} to {held[-1]}"
