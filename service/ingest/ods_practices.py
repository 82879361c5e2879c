"""GP practices and their dated memberships (ODS epcmem, epraccur), Welsh bodies and PCGs.

epcmem convention, checked on the 2019-08 file: in all 31,049 cases where a practice moves from one parent to
the next, the next join date is the left date plus one day, so the left date is already the inclusive last
day.
"""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.ingest.model import Caveat, Organisation, Relation, long_date
from service.ingest.names import Life, plain_label
from service.ingest.ods_common import EPCMEM_DATE, Context, ods_date, title_case
from service.ingest.ods_lifetimes import Lifetimes, earliest_founding, within_lifetime
from service.ingest.turtle import Triples

SETTING_GP = "4"
SNAPSHOTS = ("ods-epraccur-2016-02", "ods-epraccur-2019-10")  # oldest first: the latest wins


@dataclass(frozen=True)
class Membership:
    """One epcmem row: practice, parent, first and last day (None while current)."""

    practice: str
    parent: str
    start: str
    end: str | None


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
    if len(code) == 3:
        if code[0] == "5":
            return "pct"
        if code[0] == "T":
            return "care-trust"
        if code[0] in "67":
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
            name = row[1].strip()
            found[row[0]] = PracticeRecord(row[0], name, ods_date(row[10]), ods_date(row[11]), row[25], key)
    return found


def practice_node(
    ctx: Context, code: str, rec: PracticeRecord | None, first_join: str | None, open_now: bool
) -> Organisation:
    """A practice; `first_join`: its first epcmem membership (None if not listed); `open_now`: whether it has
    a current membership."""
    epcmem = first_join is not None
    iri = iris.org("practice", code)
    sources = [ctx.src("ods-epcmem-2019-08")] if epcmem else []
    if rec is None:
        return Organisation(
            iri=iri,
            cls="GPPractice",
            label=f"GP practice {code} (name unknown)",
            sources=sources,
            ods=code,
            name_known=False,
            end_status="Current" if open_now else "EndUnknown",
            caveat=Caveat(
                "Medium",
                "Inferred",
                "Not in ODS epraccur 2016-02 or 2019-10: listed only in epcmem, "
                "whose members are GP practices; name and prescribing setting unknown.",
            ),
        )
    end_status = None
    if rec.closed is None:
        end_status = "Current" if rec.snapshot == "ods-epraccur-2019-10" else "EndUnknown"
    founded, note = earliest_founding(rec.opened, first_join)
    return Organisation(
        iri=iri,
        cls="GPPractice" if rec.setting == SETTING_GP else "PrescribingCostCentre",
        label=title_case(rec.name),
        alt_labels=[rec.name],
        sources=[*sources, ctx.src(rec.snapshot)],
        ods=code,
        founded=founded,
        dissolved=rec.closed,
        end_status=end_status,
        caveat=Caveat("Medium", "Inferred", note) if note else None,
    )


def membership_relation(ctx: Context, m: Membership, parent: str) -> Relation:
    practice = iris.org("practice", m.practice)
    until = long_date(m.end) if m.end else "current"
    caveat = None
    if m.start > EPCMEM_DATE:
        caveat = Caveat(
            note=f"Join date after the epcmem file was generated ({EPCMEM_DATE}): a planned move."
        )
    return Relation(
        iri=iris.membership(practice, parent, m.start),
        cls="PracticeMembership",
        member=practice,
        organisation=parent,
        role="memberPractice",
        sources=[ctx.src("ods-epcmem-2019-08")],
        label=f"Practice {m.practice} in {ctx.label_of(parent)}, {long_date(m.start)} to {until}",
        start=m.start,
        end=m.end,
        end_status=None if m.end else "Current",
        caveat=caveat,
    )


def practices_graphs(ctx: Context, hubs: set[str], lives: Lifetimes) -> tuple[Triples, Triples]:
    """(English practices and memberships, Welsh practices and their Welsh memberships)."""
    england, wales = Triples(), Triples()
    memberships = read_memberships(ctx)
    records = read_practices(ctx)
    open_codes = {m.practice for m in memberships if m.end is None}
    first_join: dict[str, str] = {}
    for m in sorted(memberships, key=lambda m: m.start, reverse=True):
        first_join[m.practice] = m.start
    for code in sorted(set(first_join) | set(records)):
        node = practice_node(ctx, code, records.get(code), first_join.get(code), code in open_codes)
        node.add_to(wales if is_welsh_practice(code) else england)
    starts = start_days(memberships)
    for m in memberships:
        kind = parent_kind(m.parent, hubs)
        rel = membership_relation(ctx, m, iris.org(kind, m.parent))
        for kept in within_lifetime(ctx, rel, lives, next_start(m, starts)):
            kept.add_to(wales if kind == "lhb" else england)
    return england, wales


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
