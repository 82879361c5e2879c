"""A dated relation of an entity (a membership, an accountability, a post holding) as the pages read it:
its parties, its dates and, beside them, how much of them the sources give (service/web/pages/spans.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.build.catalogue import holds_on, parse_day
from service.terms import Row
from service.web.pages.spans import When, end_of, is_open, start_of


@dataclass(frozen=True)
class Link:
    iri: str
    label: str


@dataclass(frozen=True)
class Relation:
    """A dated relation of the entity; `other` is the party that is not the entity."""

    iri: str
    kind: str  # local name of the nhs: class, e.g. "Accountability"
    member: Link
    organisation: Link
    start: dt.date | None
    end: dt.date | None
    post: str | None = None
    approximate_start: str | None = None  # nhs:approximateStart: the year or month the source gives
    approximate_end: str | None = None
    end_status: str | None = None  # nhs:endStatus: nhs:Current or nhs:EndUnknown

    def active_on(self, day: dt.date) -> bool:
        return holds_on(self.start, self.end, day)

    @property
    def began(self) -> When:
        return start_of(self.start, self.approximate_start)

    @property
    def ended(self) -> When:
        return end_of(self.end, self.approximate_end, self.end_status)

    @property
    def open(self) -> bool:
        return is_open(self.end, self.end_status)

    def other(self, iri: str) -> Link:
        return self.organisation if self.member.iri == iri else self.member

    def as_member(self, iri: str) -> bool:
        return self.member.iri == iri


def day_of(row: Row, name: str) -> dt.date | None:
    term = row.get(name)
    return parse_day(term.value) if term is not None else None


def relation_from_row(row: Row, kind: str, member: Link, organisation: Link) -> Relation:
    """A row of relations.rq or members.rq: the dates and, beside them, how much of them the sources give."""

    def value(name: str) -> str | None:
        term = row.get(name)
        return term.value if term is not None else None

    return Relation(
        row["rel"].value,
        kind,
        member,
        organisation,
        day_of(row, "start"),
        day_of(row, "end"),
        value("post"),
        approximate_start=value("approxStart"),
        approximate_end=value("approxEnd"),
        end_status=value("endStatus"),
    )
