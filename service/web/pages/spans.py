"""What a page says of the start and the end of a fact or a body: the day, or as much as the sources give.

The data keeps a full day in schema:startDate/endDate (foundingDate/dissolutionDate) beside the precision
the source gives (nhs:approximateStart/End, a year or a month) and, where there is no end, why
(nhs:endStatus: nhs:Current or nhs:EndUnknown). A page never shows the earliest or latest possible day as if
a source stated it, never calls "open" what the data says is over, and says "unknown" where nothing is known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service import iris

CURRENT = iris.DEF + "Current"
END_UNKNOWN = iris.DEF + "EndUnknown"
MONTHS = ("January February March April May June July August September October November December").split()


@dataclass(frozen=True)
class When:
    """One end of a span as a reader sees it: `text`, the machine date for a <time> (None when no day or
    partial date is known), and a short note of how sure it is."""

    text: str
    iso: str | None
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.iso is not None


def partial_words(text: str) -> str | None:
    """`2011` as "2011", `2011-04` as "April 2011"; None for anything else."""
    if len(text) == 4 and text.isdigit():
        return text
    if len(text) == 7 and text[:4].isdigit() and text[4] == "-" and text[5:].isdigit():
        month = int(text[5:])
        return f"{MONTHS[month - 1]} {text[:4]}" if 1 <= month <= 12 else None
    return None


def start_of(day: dt.date | None, approximate: str | None = None) -> When:
    """The start: the source's year or month where that is all it gives, else the day, else unknown."""
    partial = partial_words(approximate) if approximate else None
    if partial is not None and approximate is not None:
        return When(partial, approximate, "the day is not known")
    if day is not None:
        return When(day.isoformat(), day.isoformat())
    return When("start unknown", None)


def end_of(day: dt.date | None, approximate: str | None = None, status: str | None = None) -> When:
    """The end: a past fact always has one, even when only roughly known; "open" only for what is not over.

    nhs:EndUnknown beside a day means the day is the last it can have lasted to, not a day a source gives."""
    partial = partial_words(approximate) if approximate else None
    if partial is not None and approximate is not None:
        return When(partial, approximate, "the day is not known")
    if status == END_UNKNOWN:
        if day is not None:
            return When(f"by {day.isoformat()}", day.isoformat(), "ended; no source gives the day")
        return When("ended, date unknown", None, "no source gives the end")
    if day is not None:
        return When(day.isoformat(), day.isoformat())
    if status == CURRENT:
        return When("open", None, "current at the latest source")
    return When("open", None)


def is_open(day: dt.date | None, status: str | None) -> bool:
    """Still going on, as far as the data says: no end and not said to have ended."""
    return day is None and status != END_UNKNOWN


def span_words(start: When, end: When) -> str:
    """ "2006-07-01 to 2011 (the day is not known)", for a title or a timeline bar's tooltip."""
    end_text = end.text + (f" ({end.note})" if end.note and end.iso else "")
    start_text = start.text + (f" ({start.note})" if start.note and start.iso else "")
    return f"{start_text} to {end_text}"
