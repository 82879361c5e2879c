"""What reconciliation and data extension read from the store, by named queries (service/queries/reconcile)
with the items bound, many at once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from service import iris, queries
from service.build.catalogue import holds_on, parse_day
from service.store import Store
from service.terms import IRI, Literal

XSD_DATE = iris.PREFIXES["xsd"] + "date"


@dataclass(frozen=True, slots=True)
class Tie:
    """A dated link from an item to a body: a practice membership or an accountability."""

    body: str
    start: dt.date | None
    end: dt.date | None

    def on(self, day: dt.date | None) -> bool:
        """Holds on `day` (a link with no start never counts as begun); any link when no day is given."""
        return day is None or holds_on(self.start, self.end, day)


def _items(items: list[str]) -> tuple[IRI, ...]:
    return tuple(IRI(i) for i in dict.fromkeys(items))


def day_literal(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD_DATE)


def parents(store: Store, items: list[str]) -> dict[str, list[Tie]]:
    """Each item's parents over time (reconcile/parents.rq)."""
    found: dict[str, list[Tie]] = defaultdict(list)
    if not items:
        return found
    for row in store.select(queries.text("reconcile/parents"), {"item": _items(items)}):
        start, end = row.get("start"), row.get("end")
        found[row["item"].value].append(
            Tie(
                row["parent"].value,
                parse_day(start.value) if start else None,
                parse_day(end.value) if end else None,
            )
        )
    return found


def values(store: Store, items: list[str]) -> dict[str, dict[str, list[str]]]:
    """Each item's codes, dates and successors: item -> property IRI -> values (reconcile/values.rq)."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if not items:
        return found
    for row in store.select(queries.text("reconcile/values"), {"item": _items(items)}):
        found[row["item"].value][row["p"].value].append(row["o"].value)
    return found


def heirs(store: Store, items: list[str]) -> dict[str, list[str]]:
    """Each item and the bodies that took over from it, at any remove (reconcile/heirs.rq)."""
    found: dict[str, list[str]] = defaultdict(list)
    if not items:
        return found
    for row in store.select(queries.text("reconcile/heirs"), {"item": _items(items)}):
        found[row["item"].value].append(row["heir"].value)
    return found
