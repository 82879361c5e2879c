"""The parts of an entity page that depend on its kind: what a change event did, and what an integrated
care board was made of on a day (its sub-ICB locations and their practices).

Called by `entity.entity_view`, so the same view feeds the HTML and the RDF; these only read, and take a
labelling function rather than the entity module's Labeller, so that module can import this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from service import iris
from service.build.catalogue import holds_on, parse_day, query
from service.store import Store
from service.terms import IRI, Literal, Row, Term
from service.web.pages.dated import Link, day_of
from service.web.pages.spans import When, end_of, start_of

ORG = iris.PREFIXES["org"]
DCTERMS = iris.PREFIXES["dcterms"]
NHS = iris.DEF
CHANGE_EVENT = ORG + "ChangeEvent"
ICB = NHS + "IntegratedCareBoard"

Label = Callable[[str], str]


@dataclass(frozen=True)
class EventDetail:
    """A change event as a reader asks about it: when, which bodies before and after, under what law."""

    date: When
    before: list[Link]  # org:originalOrganization
    after: list[Link]  # org:resultingOrganization
    legal_basis: list[Link]  # nhs:legalBasis
    part_of: list[Link]  # dcterms:isPartOf
    parts: list[Link]  # dcterms:hasPart
    description: str | None


def event_detail(
    iri: str, classes: set[str], statements: Iterable[tuple[str, Term]], label: Label
) -> EventDetail | None:
    """The detail of a change event from its own (predicate, object) pairs; None for anything else."""
    if CHANGE_EVENT not in classes:
        return None
    found: dict[str, list[Term]] = {}
    for predicate, value in statements:
        found.setdefault(predicate, []).append(value)

    def linked(predicate: str) -> list[Link]:
        iris_ = sorted({t.value for t in found.get(predicate, []) if isinstance(t, IRI)})
        return sorted((Link(i, label(i)) for i in iris_), key=lambda n: n.label.lower())

    def first(predicate: str) -> str | None:
        values = sorted(t.value for t in found.get(predicate, []) if isinstance(t, Literal))
        return values[0] if values else None

    day, approximate = parse_day(first(DCTERMS + "date")), first(NHS + "approximateDate")
    return EventDetail(
        date=start_of(day, approximate) if day or approximate else When("date unknown", None),
        before=linked(ORG + "originalOrganization"),
        after=linked(ORG + "resultingOrganization"),
        legal_basis=linked(NHS + "legalBasis"),
        part_of=linked(DCTERMS + "isPartOf"),
        parts=linked(DCTERMS + "hasPart"),
        description=first(DCTERMS + "description"),
    )


@dataclass(frozen=True)
class Unit:
    """A sub-ICB location of the board on the day, with the practices that were its members that day."""

    location: Link
    began: When
    ended: When
    practices: list[Link]


@dataclass(frozen=True)
class Units:
    day: dt.date
    chosen: bool  # the reader's day (?at=), or else the board's last day (today while it is open)
    units: list[Unit] = field(default_factory=list)

    @property
    def practices(self) -> int:
        return sum(len(u.practices) for u in self.units)


def units_on(store: Store, iri: str, day: dt.date, chosen: bool, label: Label) -> Units:
    """The sub-ICB locations accountable to the board `iri` on `day`, each with its member practices that
    day. Facts with no start are on no day (holds_on), so nothing is shown before it began."""
    locations: dict[str, tuple[When, When, bool]] = {}
    practices: dict[str, set[str]] = {}
    for row in store.select(query("units"), {"this": IRI(iri)}):
        location = row["loc"].value
        locations[location] = _location_span(row, day)
        practice = row.get("practice")
        if practice is not None and holds_on(day_of(row, "pstart"), day_of(row, "pend"), day):
            practices.setdefault(location, set()).add(practice.value)
    units = [
        Unit(
            Link(location, label(location)),
            began,
            ended,
            sorted((Link(p, label(p)) for p in practices.get(location, ())), key=lambda n: n.label.lower()),
        )
        for location, (began, ended, active) in locations.items()
        if active
    ]
    return Units(day, chosen, sorted(units, key=lambda u: u.location.label.lower()))


def _location_span(row: Row, day: dt.date) -> tuple[When, When, bool]:
    start, end = day_of(row, "start"), day_of(row, "end")
    status = row.get("endStatus")
    return (
        start_of(start),
        end_of(end, None, status.value if status is not None else None),
        holds_on(start, end, day),
    )


def board_day(at: dt.date | None, dissolved: dt.date | None, today: dt.date) -> tuple[dt.date, bool]:
    """The day an ICB's structure is shown on: the reader's, else its last day (today while it is open)."""
    if at is not None:
        return at, True
    return (min(dissolved, today) if dissolved else today), False


def units_of(
    store: Store,
    iri: str,
    classes: set[str],
    days: tuple[dt.date | None, dt.date | None, dt.date],
    label: Label,
) -> Units | None:
    """For an integrated care board, its units on the day `board_day` picks from (at, dissolved, today)."""
    if ICB not in classes:
        return None
    day, chosen = board_day(*days)
    return units_on(store, iri, day, chosen, label)
