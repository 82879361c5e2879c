"""Researched dates of post holdings: this repository's data/curated/post_holdings.csv.

The sources of a holding (people_posts.csv, the SHA and cluster files, the seeds) often give a month, a year
or nothing. One row per holding here (keyed by the holding's IRI, which keeps the start its first source
gave, so the key is stable) gives the dates the researched pages support: `start` and `end` as precise as
the sources are (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or empty), and `start_date` / `end_date`, the full days
of the standard terms. `start_date` is the earliest day the holding can have begun (the first day of the
partial date, or the founding of the body or the first report of the person in post where no source gives
a start); `end_date` the last day it can have lasted to (the last day of the partial date, the day before
the next holder began, or the end of the body), left empty only while the holder is in post today. A row with
`same_as` (another holding's key) and no dates says that this mention is part of that holding. A post
has one holder a day: where the sources give the same day as one holder's end and the next one's start, the
first holding ends the day before. Rows with `person_name`, `organisation` (an IRI below the id namespace)
and `post` add a holding no other file has.
"""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.ingest import local_curated
from service.ingest.curated_common import SourceBook, first_day, is_full_date, last_day
from service.ingest.model import Caveat

FILE = "post_holdings.csv"
DESCRIPTION = (
    "Dates of post holdings researched on public pages: as precise as the sources are, and the widest span "
    "they support in standard terms."
)


@dataclass(frozen=True)
class HoldingDates:
    """The dates of one holding and how sure they are."""

    start: str  # schema:startDate
    end: str | None  # schema:endDate; None only while the holder is in post
    given_start: str  # as precise as the sources are: YYYY, YYYY-MM, YYYY-MM-DD or ""
    given_end: str
    caveat: Caveat | None
    sources: tuple[str, ...]
    same_as: str | None = None  # another holding this mention is part of (the row then has no dates)

    @property
    def end_status(self) -> str | None:
        """`Current` while in post; `EndUnknown` where no source gives the last day."""
        if self.end is None:
            return "Current"
        return None if is_full_date(self.given_end) else "EndUnknown"


@dataclass(frozen=True)
class AddedHolding:
    """A holding that only post_holdings.csv records (a holder the other files do not name)."""

    person: str
    organisation: str
    post: str
    start: str
    end: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class HoldingFile:
    dates: dict[str, HoldingDates]  # holding IRI -> dates
    added: list[AddedHolding]


def check(row: dict[str, str]) -> None:
    """A row whose standard dates contradict its partial ones, or which is open but past, is an error."""
    start, end = row["start_date"], row["end_date"]
    where = f"{FILE}: {row['holding']}"
    if row["same_as"]:
        if start or end:
            raise ValueError(f"{where}: a row with same_as takes the dates of that holding")
        return
    if not is_full_date(start) or (end and not is_full_date(end)):
        raise ValueError(f"{where}: start_date and end_date must be full dates")
    if end and end < start:
        raise ValueError(f"{where}: ends before it starts")
    if row["start"] and not first_day(row["start"]) <= start <= last_day(row["start"]):
        raise ValueError(f"{where}: start_date outside {row['start']}")
    if row["end"] and end and not start <= end <= last_day(row["end"]):  # earlier: the next holder began
        raise ValueError(f"{where}: end_date after {row['end']}")
    if not end and row["end"]:
        raise ValueError(f"{where}: a source gives an end, so end_date may not be empty")


def read(book: SourceBook) -> HoldingFile:
    """Every row of the file, checked; the file node and each row's pages are the sources."""
    node = local_curated.data_file(book, FILE, DESCRIPTION)
    dates: dict[str, HoldingDates] = {}
    added = []
    for row in local_curated.read(FILE):
        check(row)
        key = iris.ID + row["holding"]
        if key in dates:
            raise ValueError(f"{FILE}: {row['holding']} twice")
        sources = tuple(local_curated.row_sources(book, row, node))
        dates[key] = HoldingDates(
            row["start_date"],
            row["end_date"] or None,
            row["start"],
            row["end"],
            local_curated.row_caveat(row),
            sources,
            iris.ID + row["same_as"] if row["same_as"] else None,
        )
        if row["person_name"]:
            org = iris.ID + row["organisation"]
            added.append(
                AddedHolding(row["person_name"], org, row["post"], row["start"], row["end"], sources)
            )
    return HoldingFile(dates, added)
