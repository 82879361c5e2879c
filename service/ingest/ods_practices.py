"""GP practices and their dated memberships (ODS epcmem, epraccur), Welsh bodies and PCGs.

epcmem convention, checked on the 2019-08 file: in all 31,049 cases where a practice moves from one parent to
the next, the next join date is the left date plus one day, so the left date is already the inclusive last
day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service import iris
from service.ingest.model import Caveat, Organisation, Relation, day_before, long_date
from service.ingest.names import Life, plain_label
from service.ingest.ods_common import EPCMEM_DATE, Context, ods_date, title_case
from service.ingest.ods_lifetimes import Lifetimes, earliest_founding, within_lifetime
from service.ingest.ods_present import GP_SETTINGS, LATEST
from service.ingest.raw_files_present import EPRACCUR_RELEASES, epraccur_key
from service.ingest.turtle import Triples

EPCMEM = "ods-epcmem-2019-08"
PRACTICE_CODE = re.compile(r"^([A-Z][0-9]{5}|[A-Z]{3}[0-9]{3})$")
# oldest first: the latest file that lists a code wins
SNAPSHOTS = ("ods-epraccur-2016-02", "ods-epraccur-2019-10", *(epraccur_key(r) for r in EPRACCUR_RELEASES))


@dataclass(frozen=True)
class Membership:
    """One epcmem row: practice, parent, first and last day (None while current)."""

    practice: str
    parent: str
    start: str
    end: str | None
    source: str = EPCMEM  # the file that states it: epcmem, or an epraccur snapshot (see practice_rows)


@dataclass(frozen=True)
class PracticeRecord:
    code: str
    name: str
    opened: str | None
    closed: str | None
    setting: str
    snapshot: str


def parent_kind(code: str, hubs: set[str]) -> str:
    """The IRI kind of an epcmem parent, from the form of its code (see docs/uris.md)."""
    if len(code) == 5 and code.startswith("4"):
        return "lhb" if code.startswith("4W") else "pcg"
    if len(code) == 5:  # the CCGs formed by the mergers of April 2021 (X2C4Y, W2U3Z ...)
        return "ccg"
    if len(code) == 3:
        if code[0] == "5":
            return "pct"
        if code[0] == "T":
            return "care-trust"
        if code[0] in "67" and code[1].isalpha():  # 6A1 ... 7A7; 70F, 72Q ... are CCGs
            return "lhb"
        return "hub" if code in hubs else "ccg"
    raise ValueError(f"unexpected epcmem parent code {code!r}")


def is_welsh_practice(code: str) -> bool:
    return code.startswith("W")


def read_memberships(ctx: Context) -> list[Membership]:
    out = []
    for row in ctx.rows("ods-epcmem-2019-08"):
        start = ods_date(row[3])
        if start is None:
            raise ValueError(f"epcmem row without a join date: {row}")
        out.append(Membership(row[0], row[1], start, ods_date(row[4])))
    return out


def read_practices(ctx: Context) -> dict[str, PracticeRecord]:
    """Practice details from the latest epraccur snapshot that lists each code."""
    found: dict[str, PracticeRecord] = {}
    for key in SNAPSHOTS:
        for row in ctx.rows(key):
            if not PRACTICE_CODE.match(row[0]):  # one odd code (K0E995) in 2026-02
                continue
            name = row[1].strip()
            setting = "4" if row[25].strip() in GP_SETTINGS else row[25].strip()
            found[row[0]] = PracticeRecord(row[0], name, ods_date(row[10]), ods_date(row[11]), setting, key)
    return found


def practice_node(
    ctx: Context, code: str, rec: PracticeRecord | None, first_join: str | None, last_end: str | None
) -> Organisation:
    """A practice; `first_join`: its first epcmem membership (None if not listed); `last_end`: the end of its
    last membership (None while one is open)."""
    epcmem = first_join is not None
    iri = iris.org("practice", code)
    sources = [ctx.src(EPCMEM)] if epcmem else []
    if rec is None:
        unknown_note = (
            "Not in any ODS epraccur file read (2016-02, 2019-10, 2021-11 to 2026-02): listed only in "
            "epcmem, whose members are GP practices; name and prescribing setting unknown."
        )
        if last_end:
            unknown_note += (
                f" No source gives its closure: its last membership ended on {long_date(last_end)}, taken "
                "as the last day it can have existed (a practice always has a commissioner in ODS)."
            )
        node = Organisation(
            iri=iri,
            cls="GPPractice",
            label=f"GP practice {code}",
            sources=sources,
            ods=code,
            name_known=False,
            founded=first_join,
            dissolved=last_end,
            end_status="EndUnknown" if last_end else "Current",
            caveat=Caveat("Medium", "Inferred", unknown_note),
        )
        if first_join:  # always, for a practice known from epcmem alone
            ctx.names.name_or_gap(node, "practice", code, Life(first_join, last_end))
        return node
    founded, note = earliest_founding(rec.opened, first_join)
    dissolved: str | None = rec.closed
    end_status: str | None = None
    if rec.closed is None and rec.snapshot != LATEST:
        dissolved = last_day_before_next(rec.snapshot)
        note = (
            f"{note or ''} Open in {rec.snapshot} but not listed in the next ODS epraccur file read, "
            f"with no close date: it closed by {long_date(dissolved)}, the last day of that file's month."
        ).strip()
    elif rec.closed is None:
        end_status = "Current"
    return Organisation(
        iri=iri,
        cls="GPPractice" if rec.setting == "4" else "PrescribingCostCentre",
        label=title_case(rec.name),
        alt_labels=[rec.name],
        sources=[*sources, ctx.src(rec.snapshot)],
        ods=code,
        founded=founded,
        dissolved=dissolved,
        end_status=end_status,
        caveat=Caveat("Medium", "Inferred", note) if note else None,
    )


def last_day_before_next(snapshot: str) -> str:
    """The last day of the month of the epraccur file that follows `snapshot` (a key ending in YYYY-MM)."""
    following = SNAPSHOTS[SNAPSHOTS.index(snapshot) + 1].rsplit("-", 2)
    year, month = int(following[-2]), int(following[-1])
    return day_before(f"{year + month // 12}-{month % 12 + 1:02d}-01")


def membership_relation(ctx: Context, m: Membership, parent: str) -> Relation:
    practice = iris.org("practice", m.practice)
    until = long_date(m.end) if m.end else "current"
    caveat = None
    if m.source != EPCMEM:
        caveat = Caveat(
            "High",
            "Stated",
            f"From ODS epraccur ({m.source.removeprefix('ods-epraccur-')}): column 15 gives the CCG, "
            "column 16 the join date; the membership ends at the next move, the practice's closure or the "
            "CCG's dissolution.",
        )
    elif m.start > EPCMEM_DATE:
        caveat = Caveat(
            note=f"Join date after the epcmem file was generated ({EPCMEM_DATE}): a planned move."
        )
    return Relation(
        iri=iris.membership(practice, parent, m.start),
        cls="PracticeMembership",
        member=practice,
        organisation=parent,
        role="memberPractice",
        sources=[ctx.src(m.source)],
        label=f"Practice {m.practice} in {ctx.label_of(parent)}, {long_date(m.start)} to {until}",
        start=m.start,
        end=m.end,
        end_status=None if m.end else "Current",
        caveat=caveat,
    )


def practices_graphs(
    ctx: Context, hubs: set[str], lives: Lifetimes, snapshot_rows: Sequence[Membership] = ()
) -> tuple[Triples, Triples]:
    """(English practices and memberships, Welsh practices and their Welsh memberships); `snapshot_rows`:
    the CCG memberships that the epraccur snapshots of 2021-2026 add (see `with_snapshot_rows`)."""
    england, wales = Triples(), Triples()
    memberships = with_snapshot_rows(read_memberships(ctx), snapshot_rows)
    records = read_practices(ctx)
    first_join: dict[str, str] = {}
    for m in sorted(memberships, key=lambda m: m.start, reverse=True):
        first_join[m.practice] = m.start
    starts = start_days(memberships)
    ends: dict[str, list[str | None]] = {}
    for m in memberships:
        kind = parent_kind(m.parent, hubs) if m.source == EPCMEM else snapshot_kind(m)
        rel = membership_relation(ctx, m, iris.org(kind, m.parent))
        for kept in within_lifetime(ctx, rel, lives, next_start(m, starts)):
            closed = clipped_to_closure(ctx, kept, records.get(m.practice))
            if closed is not None:
                closed.add_to(wales if kind == "lhb" else england)
                ends.setdefault(m.practice, []).append(closed.end)
    for code in sorted(set(first_join) | set(records)):
        last_end = None if None in ends.get(code, [None]) else max(e for e in ends[code] if e)
        node = practice_node(ctx, code, records.get(code), first_join.get(code), last_end)
        node.add_to(wales if is_welsh_practice(code) else england)
    return england, wales


def snapshot_kind(m: Membership) -> str:
    """The kind of a snapshot row's parent: a Welsh practice's health board, else a CCG."""
    return "lhb" if is_welsh_practice(m.practice) else "ccg"


def with_snapshot_rows(memberships: list[Membership], extra: Sequence[Membership]) -> list[Membership]:
    """epcmem's memberships and the later ones of the epraccur snapshots: a snapshot row is added where it
    starts after the practice's last epcmem membership in another parent, which then ends the day before
    (epcmem is of August 2019; a move after it shows only in the later files)."""
    by_practice: dict[str, list[Membership]] = {}
    for m in sorted(memberships, key=lambda m: (m.practice, m.start)):
        by_practice.setdefault(m.practice, []).append(m)
    for row in sorted(extra, key=lambda m: (m.practice, m.start)):
        rows = by_practice.setdefault(row.practice, [])
        last = rows[-1] if rows else None
        if last is not None and (last.parent == row.parent or row.start <= last.start):
            continue
        if last is not None and last.end is not None and last.end >= row.start:
            continue
        if last is not None and last.end is None:
            rows[-1] = Membership(last.practice, last.parent, last.start, day_before(row.start), last.source)
        rows.append(row)
    return [m for code in sorted(by_practice) for m in by_practice[code]]


def clipped_to_closure(ctx: Context, rel: Relation, rec: PracticeRecord | None) -> Relation | None:
    """`rel` ended on the practice's close date (ODS epraccur) if it runs past it; None if it starts after."""
    if rec is None or rec.closed is None or (rel.end is not None and rel.end <= rec.closed):
        return rel
    if rel.start and rel.start > rec.closed:
        return None
    note = f"The practice closed on {long_date(rec.closed)} (ODS epraccur), so the membership ends then."
    rel.caveat = Caveat(
        "Medium", "Inferred", f"{rel.caveat.note} {note}" if rel.caveat and rel.caveat.note else note
    )
    rel.end, rel.end_status = rec.closed, None
    rel.label = rel.label.rsplit(" to ", 1)[0] + f" to {long_date(rec.closed)}"
    rel.sources = sorted({*rel.sources, ctx.src(rec.snapshot)})
    return rel


def start_days(memberships: list[Membership]) -> dict[str, list[str]]:
    """Practice code -> the start dates of its memberships, sorted."""
    starts: dict[str, list[str]] = {}
    for m in memberships:
        starts.setdefault(m.practice, []).append(m.start)
    return {code: sorted(days) for code, days in starts.items()}


def next_start(m: Membership, starts: dict[str, list[str]]) -> str | None:
    """The start of the practice's next membership after `m`, if any."""
    return next((day for day in starts[m.practice] if day > m.start), None)


@dataclass(frozen=True)
class Span:
    """A parent code's first join and last left date in epcmem (None while it has open memberships)."""

    code: str
    guess: str
    first: str
    last: str | None


def read_spans(ctx: Context) -> dict[str, Span]:
    out = {}
    for row in ctx.table("derived-epcmem-parent-spans"):
        first = ods_date(row["earliest_join"])
        if first is None:
            raise ValueError(f"span without a first date: {row}")
        out[row["parent_code"]] = Span(
            row["parent_code"], row["code_pattern_guess"], first, ods_date(row["latest_left"])
        )
    return out


LIFETIME_NOTE = (
    "Founding and dissolution dates are the first and last day of GP-practice membership in ODS epcmem, "
    "not the legal dates of establishment and abolition."
)


def welsh_and_pcg_nodes(ctx: Context, spans: dict[str, Span]) -> tuple[Triples, Triples]:
    """(English primary care groups, Welsh local health groups and boards), named from names.csv."""
    pcgs, wales = Triples(), Triples()
    for span in sorted(spans.values(), key=lambda s: s.code):
        kind = parent_kind(span.code, set())
        if kind not in ("pcg", "lhb"):
            continue
        cls, g = ("PrimaryCareGroup", pcgs) if kind == "pcg" else ("WelshHealthBody", wales)
        node = Organisation(
            iri=iris.org(kind, span.code),
            cls=cls,
            label=plain_label(kind, span.code),
            ods=span.code,
            name_known=False,
            sources=[ctx.src("derived-epcmem-parent-spans"), ctx.src("ods-epcmem-2019-08")],
            founded=span.first,
            dissolved=span.last,
            end_status=None if span.last else "Current",
            caveat=Caveat("Medium", "Inferred", LIFETIME_NOTE),
        )
        name = ctx.names.name_or_gap(node, kind, span.code, Life(span.first, span.last))
        node.add_to(g)
        ctx.short[node.iri] = name or (f"PCG {span.code}" if kind == "pcg" else f"Welsh body {span.code}")
    return pcgs, wales
