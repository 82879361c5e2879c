"""A body's succession as a dated drawing: its predecessors and successors on a time axis.

`lineage_of` reads the succession pairs around a body (nhs:succeeds, each with the change event that links
the two: docs/modelling.md, "Successors") a few hops each way; `lay_out` is a pure function from them to the
coordinates of a server-side SVG, which `_lineage.html` draws: one box per body spanning its dates, one
arrow per pair at the date of its event. A merger of three into one is three arrows into one box, never a
cross product. No date is made up: a box whose start or end no source gives is drawn open and says
"unknown", and an arrow whose event has no date is drawn dashed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from service.build.catalogue import Catalogue, parse_day, query
from service.store import Store
from service.terms import IRI

HOPS = 3  # successions drawn each way from the body
MAX_BODIES = 36  # fewer hops are drawn when more bodies than this would be
WALK_LIMIT = 12  # generations walked each way (the deepest real chain, a 1999 PCG to a 2022 ICB, has six)


@dataclass(frozen=True)
class Body:
    iri: str
    label: str
    founded: dt.date | None
    dissolved: dt.date | None


@dataclass(frozen=True)
class Change:
    """A change event that makes `result` the successor of `original`."""

    iri: str
    label: str
    date: dt.date | None


@dataclass(frozen=True)
class Succession:
    original: str
    result: str
    changes: tuple[Change, ...] = ()  # usually one; two where a local change is also part of a wave

    @property
    def date(self) -> dt.date | None:
        known = [c.date for c in self.changes if c.date is not None]
        return min(known) if known else None


@dataclass(frozen=True)
class Beyond:
    """What lies past the drawing's cut-off in one direction."""

    count: int = 0  # bodies further away than the drawing goes
    via: tuple[Body, ...] = ()  # the drawn bodies they follow from: their own pages continue the line


@dataclass
class Lineage:
    focus: str
    bodies: dict[str, Body]  # every body drawn: the line within the hops, and the others in its events
    successions: list[Succession]  # every pair between drawn bodies
    earlier: Beyond
    later: Beyond


# --- reading it -----------------------------------------------------------------------------------------

Pairs = dict[tuple[str, str], set[tuple[str, dt.date | None]]]  # (original, result) -> {(event, date)}


def lineage_of(store: Store, catalogue: Catalogue, iri: str, label: Callable[[str], str]) -> Lineage:
    """The succession around `iri`, walked one generation per query, cut at HOPS each way."""
    pairs: Pairs = defaultdict(set)
    later = _walk(store, iri, "a", pairs)
    earlier = _walk(store, iri, "b", pairs)
    # The other parties of the events on the line: the bodies a successor merged with, the ones a
    # predecessor split into.
    _pairs_of(store, "b", later - {iri}, pairs)
    _pairs_of(store, "a", earlier - {iri}, pairs)
    drawn, before, after = cut(iri, pairs)

    def body(x: str) -> Body:
        entry = catalogue.entries.get(x)
        return Body(x, label(x), entry.founded if entry else None, entry.dissolved if entry else None)

    successions = [
        Succession(a, b, tuple(sorted((Change(e, label(e), d) for e, d in found), key=_change_order)))
        for (a, b), found in sorted(pairs.items())
        if a in drawn and b in drawn
    ]
    return Lineage(
        iri,
        {x: body(x) for x in sorted(drawn)},
        successions,
        Beyond(before[0], tuple(body(x) for x in before[1])),
        Beyond(after[0], tuple(body(x) for x in after[1])),
    )


def _change_order(change: Change) -> tuple[bool, dt.date, str]:
    return (change.date is None, change.date or dt.date.min, change.iri)


def _pairs_of(store: Store, bound: str, bodies: Iterable[str], pairs: Pairs) -> list[str]:
    """Adds the pairs in which a body of `bodies` is ?a (`bound` "a": its successors) or ?b (its
    predecessors); returns the bodies at their other ends."""
    values = tuple(IRI(x) for x in sorted(bodies))
    if not values:
        return []
    other = "b" if bound == "a" else "a"
    found = []
    for row in store.select(query("succession"), {bound: values}):
        a, b, event = row["a"].value, row["b"].value, row.get("event")
        changes = pairs[(a, b)]
        if event is not None:
            date = row.get("date")
            changes.add((event.value, parse_day(date.value) if date is not None else None))
        found.append(row[other].value)
    return found


def _walk(store: Store, iri: str, bound: str, pairs: Pairs) -> set[str]:
    """The bodies reachable from `iri` one way (forwards with ?a bound, backwards with ?b), `iri` too."""
    seen, frontier = {iri}, [iri]
    for _ in range(WALK_LIMIT):
        following = sorted(set(_pairs_of(store, bound, frontier, pairs)) - seen)
        if not following:
            break
        seen.update(following)
        frontier = following
    return seen


def _distances(start: str, steps: dict[str, set[str]]) -> dict[str, int]:
    distance, frontier, hop = {start: 0}, [start], 0
    while frontier:
        hop += 1
        frontier = sorted({y for x in frontier for y in steps.get(x, ()) if y not in distance})
        distance.update((y, hop) for y in frontier)
    return distance


Further = tuple[int, list[str]]  # how many bodies lie beyond the cut-off, and the drawn ones they follow


def cut(focus: str, pairs: Iterable[tuple[str, str]]) -> tuple[set[str], Further, Further]:
    """The bodies to draw: those within HOPS successions of `focus` each way, and the other parties of
    their events (fewer hops while that is more than MAX_BODIES, at least one); then, for each direction,
    how many bodies lie beyond and the drawn ones they follow from."""
    forwards: dict[str, set[str]] = defaultdict(set)
    backwards: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        forwards[a].add(b)
        backwards[b].add(a)
    later, earlier = _distances(focus, forwards), _distances(focus, backwards)
    hops = HOPS
    while True:
        line = {x for x, d in [*later.items(), *earlier.items()] if d <= hops}
        partners = {a for b in line if later.get(b, 0) > 0 for a in backwards[b]}
        partners |= {b for a in line if earlier.get(a, 0) > 0 for b in forwards[a]}
        if hops == 1 or len(line | partners) <= MAX_BODIES:
            break
        hops -= 1
    drawn = line | partners
    return drawn, _beyond(earlier, backwards, hops, drawn), _beyond(later, forwards, hops, drawn)


def _beyond(distance: dict[str, int], steps: dict[str, set[str]], hops: int, drawn: set[str]) -> Further:
    further = {x for x, d in distance.items() if d > hops and x not in drawn}
    via = sorted({x for x, d in distance.items() if d == hops and steps.get(x, set()) & further})
    return len(further), via


# --- drawing it -----------------------------------------------------------------------------------------

PX_PER_YEAR = 36
LEFT, RIGHT, TOP = 20, 20, 26  # margins (room for a year's label at either end); the years sit above TOP
ROW, TEXT_Y, BAR_Y, BAR_H = 44, 14, 20, 14  # a row: its label's baseline, then its bar
CHAR = 7.8  # px a character of a 13 px label may take: generous, so that labels never collide
GAP = 14  # px between two boxes (with their labels) in a row
MAX_CHARS = 44  # longer labels are cut short on the drawing; the box's <title> has the whole name
MIN_WIDTH = 6.0
STUB = 365  # days drawn for a body with no date at one end and nothing to place that end by
CURVE = 18  # px an arrow leaves and enters its boxes horizontally


@dataclass(frozen=True)
class Box:
    iri: str
    text: str  # the label as drawn (cut short if long)
    years: str  # what is known of its dates, in words: "2006–2013", "start unknown, to 2022"
    title: str  # for <title>: the whole label and dates
    x: float
    y: float  # top of its row
    width: float
    start_known: bool
    end: str  # "known", "open" (not dissolved, or not known) or "unknown" (succeeded, but no end date)
    focus: bool

    @property
    def text_y(self) -> float:
        return self.y + TEXT_Y

    @property
    def bar_y(self) -> float:
        return self.y + BAR_Y

    @property
    def bar_height(self) -> int:
        return BAR_H

    @property
    def hit_width(self) -> float:
        """The width of the box's target for a pointer: its label and its bar, as one."""
        return round(self.extent - self.x, 1)

    @property
    def hit_height(self) -> int:
        return BAR_Y + BAR_H

    @property
    def fade(self) -> str:
        """Which ends of the bar fade out: those at no known date ("start", "end", "both" or "")."""
        start, end = not self.start_known, self.end != "known"
        return "both" if start and end else "start" if start else "end" if end else ""

    @property
    def extent(self) -> float:
        """The right edge of what the box takes in its row: its bar or its label, whichever is longer."""
        return max(self.x + self.width, self.x + CHAR * (len(self.text) + len(self.years) + 1))


@dataclass(frozen=True)
class Arrow:
    original: str
    result: str
    event: str | None  # the change event's IRI (the arrow links to it)
    title: str  # the change and its date: the link's name
    pair: str  # "A to B": its description (kept out of the name, which names the change alone)
    path: str  # an SVG path's d
    dated: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    ticks: list[Tick]
    boxes: list[Box]
    arrows: list[Arrow]
    earlier: Beyond
    later: Beyond


def lay_out(lineage: Lineage, today: dt.date) -> Drawing | None:
    """Boxes on a time axis (x: dates, PX_PER_YEAR a year), in as few rows as keep them apart, and an
    arrow per succession from the original's box to the result's at the date of the event; None when
    there is no succession to draw."""
    if not lineage.successions:
        return None
    spans = _spans(lineage, today)
    first = dt.date.fromordinal(min(s for s, _ in spans.values())).year
    last = dt.date.fromordinal(max(e for _, e in spans.values())).year + 1

    def x_of(day: int) -> float:
        return round(LEFT + (day - dt.date(first, 1, 1).toordinal()) * PX_PER_YEAR / 365.25, 1)

    boxes = _rows([_box(lineage, body, spans[body.iri], x_of) for body in lineage.bodies.values()])
    by_iri = {b.iri: b for b in boxes}
    arrows = [_arrow(s, lineage, by_iri, x_of) for s in _ordered(lineage.successions)]
    step = 1 if PX_PER_YEAR >= 48 else 2
    ticks = [
        Tick(x_of(dt.date(y, 1, 1).toordinal()), str(y)) for y in range(first, last + 1) if y % step == 0
    ]
    width = max([x_of(dt.date(last, 1, 1).toordinal()), *(b.extent for b in boxes)]) + RIGHT
    rows = 1 + max(int((b.y - TOP) // ROW) for b in boxes)
    return Drawing(int(width + 1), TOP + rows * ROW, ticks, boxes, arrows, lineage.earlier, lineage.later)


def _ordered(successions: list[Succession]) -> list[Succession]:
    return sorted(successions, key=lambda s: (s.date or dt.date.max, s.original, s.result))


def _spans(lineage: Lineage, today: dt.date) -> dict[str, tuple[int, int]]:
    """Each body's first and last day on the axis (ordinals). A missing date is placed by the event the
    body came out of or went into where that is dated, else a STUB from its other end: such ends are
    drawn open and marked unknown, never given as dates."""
    came: dict[str, list[int]] = defaultdict(list)
    went: dict[str, list[int]] = defaultdict(list)
    for s in lineage.successions:
        if s.date is not None:
            came[s.result].append(s.date.toordinal())
            went[s.original].append(s.date.toordinal())
    succeeded = {s.original for s in lineage.successions}
    known = [d.toordinal() for b in lineage.bodies.values() for d in (b.founded, b.dissolved) if d]
    nowhere = min([*known, *(d for days in came.values() for d in days)], default=today.toordinal())
    spans = {}
    for body in lineage.bodies.values():
        start = body.founded.toordinal() if body.founded else min(came[body.iri], default=None)
        end = body.dissolved.toordinal() if body.dissolved else None
        if end is None:
            end = min(went[body.iri], default=None) if body.iri in succeeded else today.toordinal()
        if start is None:
            start = end - STUB if end is not None else nowhere
        spans[body.iri] = (start, max(end if end is not None else start + STUB, start))
    return spans


def _box(lineage: Lineage, body: Body, span: tuple[int, int], x_of: Callable[[int], float]) -> Box:
    succeeded = any(s.original == body.iri for s in lineage.successions)
    end = "known" if body.dissolved else "unknown" if succeeded else "open"
    text = body.label if len(body.label) <= MAX_CHARS else body.label[: MAX_CHARS - 1].rstrip() + "…"
    years = _years(body.founded, body.dissolved, end)
    x0, x1 = x_of(span[0]), x_of(span[1])
    return Box(
        body.iri,
        text,
        years,
        f"{body.label}: {_dates(body.founded, body.dissolved, end)}",
        x0,
        0.0,
        max(round(x1 - x0, 1), MIN_WIDTH),
        body.founded is not None,
        end,
        body.iri == lineage.focus,
    )


def _years(start: dt.date | None, end: dt.date | None, kind: str) -> str:
    if start is None and end is None:
        return "dates unknown" if kind != "open" else "start unknown"
    if start is None:
        return f"start unknown, to {end.year}" if end else "start unknown"
    if end is not None:
        return f"{start.year}–{end.year}" if end.year != start.year else str(start.year)
    return f"from {start.year}" if kind == "open" else f"{start.year}, end unknown"


def _dates(start: dt.date | None, end: dt.date | None, kind: str) -> str:
    words = {"open": "not dissolved, or not known", "unknown": "end unknown"}
    begun = f"founded {start.isoformat()}" if start else "founding date unknown"
    return f"{begun}; {'dissolved ' + end.isoformat() if end else words[kind]}"


def _rows(boxes: list[Box]) -> list[Box]:
    """Each box in the first row where it clears the one before by GAP (first fit, left to right: as
    few rows as the widest moment needs)."""
    ends: list[float] = []
    placed = []
    for box in sorted(boxes, key=lambda b: (b.x, not b.focus, b.text, b.iri)):
        row = next((r for r, end in enumerate(ends) if end + GAP <= box.x), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = box.extent
        placed.append(replace(box, y=TOP + row * ROW))
    return placed


def _with_y(box: Box, y: float) -> Box:
    return Box(
        box.iri, box.text, box.years, box.title, box.x, y, box.width, box.start_known, box.end, box.focus
    )


def _arrow(s: Succession, lineage: Lineage, boxes: dict[str, Box], x_of: Callable[[int], float]) -> Arrow:
    """From the original's bar to the result's, both at the event's date where it is known (held
    within each bar), else from the end of one to the start of the other."""
    a, b = boxes[s.original], boxes[s.result]
    at = x_of(s.date.toordinal()) if s.date else None
    sx = min(max(at if at is not None else a.x + a.width, a.x), a.x + a.width)
    ex = min(max(at if at is not None else b.x, b.x), b.x + b.width)
    sy, ey = a.y + BAR_Y + BAR_H / 2, b.y + BAR_Y + BAR_H / 2
    path = f"M{sx},{sy} C{sx + CURVE},{sy} {ex - CURVE},{ey} {ex},{ey}"
    change = s.changes[0] if s.changes else None
    what = "; ".join(c.label for c in s.changes) or "change event not recorded"
    when = s.date.isoformat() if s.date else "date unknown"
    names = f"{lineage.bodies[s.original].label} to {lineage.bodies[s.result].label}"
    event = change.iri if change else None
    return Arrow(s.original, s.result, event, f"{what} ({when})", names, path, s.date is not None)
