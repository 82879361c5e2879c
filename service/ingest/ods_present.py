"""GP practices in the ODS epraccur snapshots of 2021-11 to 2026-02: their commissioner over time.

Each snapshot row gives a practice's commissioner (column 15: a CCG before 1 July 2022, a sub-ICB location
from then; the 106 sub-ICB locations kept the codes of the 106 CCGs of April 2021), the date it joined that
commissioner (column 16), the date it left (column 17), and the practice's close date (column 12). Successive
snapshots give a practice's stints: one per commissioner, from its join date to the day before the next
commissioner's join date, or to the left or close date, or open if the practice is open in the latest file.
In the files read every change of commissioner between two snapshots carries its join date, so no move is
dated by the snapshots alone (`Stint.dated` says so where one would be).

A stint's part before 1 July 2022 is a CCG membership, added to the epcmem memberships (`ccg_rows`); its
part from 1 July 2022 is a sub-ICB location membership (`sub_icb_relations`).
"""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.ingest.model import Caveat, Relation, day_before, long_date
from service.ingest.ods_common import Context, ods_date
from service.ingest.raw_files_present import EPRACCUR_RELEASES, epraccur_key

SUB_ICB_START = "2022-07-01"
CCG_END = "2022-06-30"
LATEST = epraccur_key(EPRACCUR_RELEASES[-1])
GP_SETTINGS = {"4", "RO76"}  # prescribing setting 4 (older format) or role RO76 (2026-02 format)
OPEN_STATUSES = {"A", "D", "ACTIVE", "DORMANT"}


@dataclass(frozen=True)
class Sighting:
    """One practice row of one snapshot."""

    key: str  # the file's key in raw_files
    code: str
    name: str
    parent: str
    joined: str | None
    left: str | None
    opened: str | None
    closed: str | None
    status: str
    setting: str

    @property
    def is_gp(self) -> bool:
        return self.setting in GP_SETTINGS


@dataclass
class Stint:
    """A practice's time with one commissioner, as successive snapshots show it."""

    code: str
    parent: str
    start: str
    end: str | None
    sources: list[str]
    dated: bool = True  # False where the start is only bounded by two snapshots


def read_sightings(ctx: Context) -> dict[str, list[Sighting]]:
    """Practice code -> its rows, oldest snapshot first."""
    out: dict[str, list[Sighting]] = {}
    for release in EPRACCUR_RELEASES:
        key = epraccur_key(release)
        for row in ctx.rows(key):
            sighting = Sighting(
                key,
                row[0],
                row[1].strip(),
                row[14].strip(),
                ods_date(row[15]),
                ods_date(row[16]),
                ods_date(row[10]),
                ods_date(row[11]),
                row[12].strip(),
                row[25].strip(),
            )
            out.setdefault(row[0], []).append(sighting)
    return out


def stints_of(sightings: list[Sighting]) -> list[Stint]:
    """The stints of one practice: consecutive rows with the same commissioner make one stint."""
    runs: list[list[Sighting]] = []
    for s in sightings:
        if not s.parent or s.status == "P":  # proposed practices have no commissioner yet
            continue
        if runs and runs[-1][-1].parent == s.parent:
            runs[-1].append(s)
        else:
            runs.append([s])
    stints: list[Stint] = []
    last = sightings[-1]
    for i, run in enumerate(runs):
        joined = next((s.joined for s in run if s.joined), None)
        start = max(day for day in (joined, run[0].opened) if day) if (joined or run[0].opened) else None
        if start is None:
            continue
        end = _stint_end(run, runs[i + 1] if i + 1 < len(runs) else None, last)
        if end is not None and end < start:
            continue
        stints.append(Stint(run[0].code, run[0].parent, start, end, sorted({s.key for s in run})))
    return stints


def _stint_end(run: list[Sighting], following: list[Sighting] | None, last: Sighting) -> str | None:
    """The last day of a run: the day before the next commissioner's join date, else the left or close date
    of the practice, else open (None) if the practice is open in the latest file."""
    if following is not None:
        joined = next((s.joined for s in following if s.joined), None)
        if joined:
            return day_before(joined)
    ends = [day for day in (run[-1].left, last.closed if following is None else run[-1].closed) if day]
    if ends:
        return min(ends)
    if following is None and last.key == LATEST and last.status in OPEN_STATUSES:
        return None
    # Not in the latest file, or closed with no date: no source gives the end.
    return None if following is None else day_before(following[0].opened or SUB_ICB_START)


def is_english_gp(sightings: list[Sighting]) -> bool:
    return sightings[-1].is_gp and not sightings[-1].code.startswith("W")


def sub_icb_relations(ctx: Context, stints: list[Stint], sub_icbs: set[str]) -> list[Relation]:
    """Sub-ICB location memberships: each stint's part from 1 July 2022."""
    out = []
    for stint in stints:
        if stint.parent not in sub_icbs or (stint.end is not None and stint.end < SUB_ICB_START):
            continue
        start = max(stint.start, SUB_ICB_START)
        out.append(sub_icb_membership(ctx, stint, stint.parent, (start, stint.end), stint.sources))
    return out


def sub_icb_membership(
    ctx: Context, stint: Stint, parent: str, dates: tuple[str, str | None], keys: list[str], note: str = ""
) -> Relation:
    start, end = dates
    practice = iris.org("practice", stint.code)
    organisation = iris.org("sub-icb-location", parent)
    until = long_date(end) if end else "current"
    files = ", ".join(k.removeprefix("ods-epraccur-") for k in keys if k.startswith("ods-epraccur-"))
    text = (
        f"From ODS epraccur ({files}): column 15 gives the sub-ICB location, column 16 the join date, "
        "columns 12 and 17 the close and left dates; a membership from before 1 July 2022 starts then, "
        "when the CCG with this code became a sub-ICB location."
    )
    return Relation(
        iri=iris.membership(practice, organisation, start),
        cls="PracticeMembership",
        member=practice,
        organisation=organisation,
        role="memberPractice",
        sources=sorted({ctx.src(k) for k in keys}),
        label=f"Practice {stint.code} in {ctx.label_of(organisation)}, {long_date(start)} to {until}",
        start=start,
        end=end,
        end_status=None if end else "Current",
        caveat=Caveat("High", "Stated", (note + " " + text).strip()),
    )
