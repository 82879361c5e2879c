"""Every table of a page as CSV (RFC 4180), from the same view as the HTML: `?format=csv&table={name}` on
the page's own URL (with its other arguments: the date, the page of a long list) gives the rows that table
shows there. Each table links its CSV; the names are the keys of `entity_tables` and `listing_tables`.

Columns hold what a cell shows and, beside a linked name, the IRI it links (`*_iri`): dates ISO 8601, an
unknown date empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from service.terms import IRI
from service.web.pages.entity import EntityView, Relation, Statement
from service.web.pages.listings import Listing


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _relations(view: EntityView) -> Table:
    rows = [
        (r.kind, "yes" if r.as_member(view.iri) else "no", r.other(view.iri).label, r.other(view.iri).iri)
        + (view.label_of(r.post) if r.post else "", r.post or "", _day(r.start), _day(r.end), r.iri)
        for r in view.relations
    ]
    columns = ("relation", "as_member", "with", "with_iri", "post", "post_iri", "from", "to", "record_iri")
    return Table(columns, rows)


def _members(view: EntityView) -> Table:
    rows = [
        (r.member.label, r.member.iri, r.kind, _day(r.start), _day(r.end), r.iri)
        for r in view.members.items
        if isinstance(r, Relation)
    ]
    return Table(("member", "member_iri", "kind", "from", "to", "record_iri"), rows)


def _statements(view: EntityView) -> Table:
    rows = []
    for s in view.statements:
        shown = s.object_label or s.object.value
        iri = s.object.value if isinstance(s.object, IRI) else ""
        rows.append((s.predicate.iri, shown, iri, getattr(s.object, "language", "") or ""))
    return Table(("property_iri", "value", "value_iri", "language"), rows)


def _incoming(view: EntityView) -> Table:
    rows = [
        (s.subject.label, s.subject.iri, s.predicate.iri)
        for s in view.incoming.items
        if isinstance(s, Statement)
    ]
    return Table(("subject", "subject_iri", "property_iri"), rows)


def _posts(view: EntityView) -> Table:
    """A person's posts: `ended` says whether a post with no `to` day is over (its end unknown) or held."""
    rows = [
        (view.label_of(r.post) if r.post else "post holding", r.post or r.iri)
        + (r.organisation.label, r.organisation.iri, _day(r.start), _day(r.end), "no" if r.open else "yes")
        for r in view.posts
    ]
    return Table(("post", "post_iri", "in", "in_iri", "from", "to", "ended"), rows)


ENTITY_TABLES = {
    "relations": _relations,
    "posts": _posts,
    "members": _members,
    "statements": _statements,
    "incoming": _incoming,
}


def entity_table(view: EntityView, name: str) -> Table | None:
    make = ENTITY_TABLES.get(name)
    return make(view) if make else None


def listing_table(listing: Listing, name: str) -> Table | None:
    if name != "instances":
        return None
    rows = [(i.label, i.iri, " ".join(i.codes), _day(i.founded), _day(i.dissolved)) for i in listing.items]
    return Table(("name", "name_iri", "codes", "founded", "dissolved"), rows)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return out.getvalue()
