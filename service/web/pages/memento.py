"""Memento (RFC 7089): the state of a thing's page on a past day, asked for the web's way.

The pages already show any day (`/doc/{path}?at=YYYY-MM-DD`); Memento is how a client asks for one without
knowing our query string. We follow the RFC's pattern 1.1 (section 4.1.1): the thing's IRI, `/id/{path}`,
is the Original Resource and its own TimeGate (URI-R = URI-G); negotiation is 302-style, to a Memento with
a URI of its own, `/doc/{path}?at={day}` (in the format the Accept header chose).

- The Mementos of a thing are the days on which what we say about it changes (`change_days`): its founding,
  the day after its dissolution, the events it went into or came out of, the first day of each of its
  dated relations and earlier names and the day after each one's last day (an end date is inclusive).
- A Memento's datetime is 00:00:00 GMT of its day: our facts are dated to the day, not the hour.
- The TimeGate picks the Memento in force at the datetime asked for: the latest on or before it. Before the
  first (before the thing began, as far as any source says), it picks the first: RFC 7089 leaves the
  choice of Memento to the TimeGate, and keeps a 404 for a TimeGate that has no Memento of the resource
  at all, which is what a thing with no dated fact gets.
- The TimeMap lists them in `application/link-format` (RFC 6690), `/timemap/link/{path}`.

Pure functions but `change_days`, which asks the store one named query (pages/changes.rq).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence

from service import queries
from service.build.catalogue import parse_day
from service.store import Store
from service.terms import IRI, Row

LINK_FORMAT = "application/link-format"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# RFC 7231's IMF-fixdate, the only form RFC 7089 allows in Accept-Datetime (its rfc1123-date).
_IMF_FIXDATE = re.compile(
    rf"^(?:{'|'.join(DAYS)}), (\d{{2}}) ({'|'.join(MONTHS)}) (\d{{4}}) (\d{{2}}):(\d{{2}}):(\d{{2}}) GMT$"
)


def parse_http_date(text: str) -> dt.datetime | None:
    """An IMF-fixdate (`Tue, 20 Mar 2001 20:35:00 GMT`) as an aware UTC datetime; None when it is not one
    or names no real moment (31 February). A leap second (60) is read as the second before it."""
    match = _IMF_FIXDATE.match(text.strip())
    if match is None:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        return dt.datetime(
            int(year), MONTHS.index(month) + 1, int(day), int(hour), int(minute), min(int(second), 59),
            tzinfo=dt.UTC,
        )  # fmt: skip
    except ValueError:
        return None


def midnight(day: dt.date) -> dt.datetime:
    """The datetime a day's Memento stands for: 00:00:00 GMT of that day."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def http_date(day: dt.date) -> str:
    """00:00:00 GMT of `day` as an IMF-fixdate: `Sun, 01 Oct 2006 00:00:00 GMT`."""
    return f"{DAYS[day.weekday()]}, {day.day:02d} {MONTHS[day.month - 1]} {day.year:04d} 00:00:00 GMT"


def days_of_change(rows: Iterable[Row]) -> list[dt.date]:
    """The days a row of pages/changes.rq names, sorted and once each: a start is its own day, an end
    (the inclusive last day) the day after it."""
    found = set()
    for row in rows:
        day = parse_day(row["date"].value)
        if day is None:
            continue
        if row["edge"].value == "end":
            if day == dt.date.max:
                continue
            day += dt.timedelta(days=1)
        found.add(day)
    return sorted(found)


def change_days(store: Store, iri: str) -> list[dt.date]:
    """The days on which what we say about `iri` changes: the days of its Mementos."""
    return days_of_change(store.select(queries.text("pages/changes"), {"this": IRI(iri)}))


def memento_for(days: Sequence[dt.date], when: dt.datetime) -> dt.date | None:
    """The Memento in force at `when` (aware): the latest day whose midnight GMT is on or before it, or the
    first day when `when` is before them all; None when there is none."""
    if not days:
        return None
    on_or_before = [d for d in days if midnight(d) <= when]
    return on_or_before[-1] if on_or_before else days[0]


def _link(url: str, rels: Iterable[str], **params: str) -> str:
    """One link-value (RFC 8288): `<url>; rel="a b"; name="value"`. No space before the first `;`."""
    text = f'<{url}>; rel="{" ".join(rels)}"'
    return text + "".join(f'; {name}="{value}"' for name, value in params.items())


def _timemap_link(timemap: str, days: Sequence[dt.date], rel: str = "timemap") -> str:
    span = {"from": http_date(days[0]), "until": http_date(days[-1])} if days else {}
    return _link(timemap, [rel], type=LINK_FORMAT, **span)


def original_links(original: str, timemap: str) -> str:
    """The Link header of the thing and TimeGate itself, and of each of its Mementos."""
    return _link(original, ["original", "timegate"]) + ", " + _link(timemap, ["timemap"], type=LINK_FORMAT)


def _memento_rels(days: Sequence[dt.date], chosen: dt.date) -> dict[dt.date, list[str]]:
    """The Mementos a TimeGate's answer names beside the chosen one: first, last, prev, next (RFC 7089,
    section 2.2.1), each day once with all its relation types."""
    at = days.index(chosen)
    named = [("first", days[0]), ("last", days[-1])]
    named += [("prev", days[at - 1])] if at > 0 else []
    named += [("next", days[at + 1])] if at + 1 < len(days) else []
    rels: dict[dt.date, list[str]] = {chosen: []}
    for rel, day in named:
        rels.setdefault(day, []).append(rel)
    return {day: [*names, "memento"] for day, names in sorted(rels.items())}


def timegate_links(
    original: str,
    timemap: str,
    days: Sequence[dt.date],
    chosen: dt.date,
    memento_url: Callable[[dt.date], str],
) -> str:
    """The Link header of the TimeGate's 302: the original, the TimeMap (with the span it covers) and the
    Mementos around the one chosen, each with its datetime."""
    links = [_link(original, ["original", "timegate"]), _timemap_link(timemap, days)]
    rels = _memento_rels(days, chosen)
    links += [_link(memento_url(day), names, datetime=http_date(day)) for day, names in rels.items()]
    return ", ".join(links)


def timemap(
    original: str, self_url: str, days: Sequence[dt.date], memento_url: Callable[[dt.date], str]
) -> str:
    """The TimeMap (RFC 7089, section 5) in link-format: the original and TimeGate, the TimeMap itself with
    the span it covers, then one Memento a line, oldest first, the first and last marked so."""
    links = [_link(original, ["original", "timegate"]), _timemap_link(self_url, days, rel="self")]
    for n, day in enumerate(days):
        rels = (["first"] if n == 0 else []) + (["last"] if n == len(days) - 1 else []) + ["memento"]
        links.append(_link(memento_url(day), rels, datetime=http_date(day)))
    return ",\n".join(links) + "\n"
