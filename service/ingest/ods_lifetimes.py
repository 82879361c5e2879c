"""Practice memberships kept within the lifetimes of their practice and their parent.

ODS epcmem is a snapshot of 2019-08-30: it shows memberships open in CCGs that were dissolved later (the
mergers of 2020-2021, the end of all CCGs on 2022-06-30), and a few that outlast their CCG's close date in
ODS eccg. A practice cannot belong to a dissolved body, so such a membership ends on the parent's dissolution
date. Where the parent has exactly one successor by a merger event (the CCGs it merged into), the practice is
inferred to have moved with it, from the next day to the successor's dissolution (the same again along the
chain), or to the day before the practice's next recorded membership. The chain stops on 2022-06-30: no
source read gives the practices of the sub-ICB locations that followed (epraccur 2019-10 and eccg 2025-12
give neither), so no sub-ICB location membership is made.

Where epraccur opens a practice later than its first epcmem membership, the practice evidently existed as a
member: its founding date is the earlier one, and epraccur's date goes in the caveat.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from service import iris
from service.ingest.model import Caveat, ChangeEvent, Relation, day_after, day_before, long_date
from service.ingest.ods_common import Context

CCG_END = "2022-06-30"  # all CCGs abolished; see ods_ccgs
EPCMEM = "ods-epcmem-2019-08"


@dataclass(frozen=True)
class Parent:
    """A parent: its dissolution date and source, its only successor by a merger and that event's sources."""

    dissolved: str | None
    cited: tuple[str, ...] = ()
    successor: str | None = None
    sources: tuple[str, ...] = ()


@dataclass
class Lifetimes:
    """Parent IRI -> Parent; `inferred` counts the memberships added along successor chains."""

    parents: dict[str, Parent]
    inferred: int = 0
    ended: int = 0


def only_successors(events: list[ChangeEvent]) -> dict[str, ChangeEvent]:
    """Original IRI -> the one merger or establishment event that it went into (a different body)."""
    found: dict[str, list[ChangeEvent]] = defaultdict(list)
    for event in events:
        if event.cls in ("Merger", "Establishment") and len(event.results) == 1:
            for original in event.originals:
                if original != event.results[0]:
                    found[original].append(event)
    return {iri: evs[0] for iri, evs in found.items() if len(evs) == 1}


def parents_of(dissolved: dict[str, tuple[str | None, str]], events: list[ChangeEvent]) -> dict[str, Parent]:
    """Parent IRI -> (dissolution date, its source) made a Parent with its successor where the successor's
    event follows the dissolution."""
    successors = only_successors(events)
    out = {}
    for iri, (last, cited) in dissolved.items():
        event = successors.get(iri)
        if last is not None and event is not None and event.day == day_after(last):
            out[iri] = Parent(last, (cited,), event.results[0], tuple(event.sources))
        else:
            out[iri] = Parent(last, (cited,))
    return out


def within_lifetime(ctx: Context, rel: Relation, lives: Lifetimes, next_start: str | None) -> list[Relation]:
    """`rel` ended at its parent's dissolution if it runs past it, and the inferred successor memberships."""
    parent = lives.parents.get(rel.organisation)
    if parent is None or parent.dissolved is None or (rel.end and rel.end <= parent.dissolved):
        return [rel]
    shown = "open" if rel.end is None else f"to {long_date(rel.end)}"
    rel.caveat = Caveat(
        "Medium",
        "Inferred",
        f"ODS epcmem (2019-08) shows this membership {shown}; {ctx.label_of(rel.organisation)} was "
        f"dissolved on {long_date(parent.dissolved)}, so the membership ends then.",
    )
    rel.end, rel.end_status = parent.dissolved, None
    rel.sources = sorted({*rel.sources, *parent.cited})
    lives.ended += 1
    return [rel, *successor_chain(ctx, rel, parent, lives, next_start)]


def successor_chain(
    ctx: Context, rel: Relation, parent: Parent, lives: Lifetimes, next_start: str | None
) -> list[Relation]:
    out: list[Relation] = []
    previous, limit = rel.organisation, day_before(next_start) if next_start else None
    while parent.successor and parent.dissolved and parent.dissolved < CCG_END:
        start = day_after(parent.dissolved)
        if limit and start > limit:
            break
        successor = lives.parents.get(parent.successor, Parent(None))
        end = successor.dissolved
        if limit and (end is None or end > limit):
            end = limit
        out.append(inferred_membership(ctx, rel, previous, parent, (start, end)))
        previous, parent = parent.successor, successor
        if end != successor.dissolved:
            break
    lives.inferred += len(out)
    return out


def inferred_membership(
    ctx: Context, rel: Relation, previous: str, parent: Parent, dates: tuple[str, str | None]
) -> Relation:
    start, end = dates
    successor = parent.successor or ""
    until = long_date(end) if end else "current"
    note = (
        f"Inferred: ODS epcmem (2019-08) shows the practice in {ctx.label_of(previous)} with no later move; "
        f"that body was dissolved on {long_date(day_before(start))} and merged into "
        f"{ctx.label_of(successor)} on {long_date(start)}."
    )
    return Relation(
        iri=iris.membership(rel.member, successor, start),
        cls="PracticeMembership",
        member=rel.member,
        organisation=successor,
        role="memberPractice",
        sources=sorted({ctx.src(EPCMEM), *parent.sources}),
        label=f"Practice {rel.member.rsplit('/', 1)[-1]} in {ctx.label_of(successor)}, "
        f"{long_date(start)} to {until}",
        start=start,
        end=end,
        end_status=None if end else "Current",
        caveat=Caveat("Medium", "Inferred", note),
    )


def earliest_founding(opened: str | None, first_join: str | None) -> tuple[str | None, str | None]:
    """(founding date, caveat note): the first membership wins where epraccur opens the practice later."""
    if opened and first_join and first_join < opened:
        return first_join, (
            f"ODS epraccur gives the open date {opened}, later than the practice's first membership in "
            f"ODS epcmem (2019-08), from {first_join}: the earlier date is kept, as the practice existed "
            "as a member."
        )
    return opened, None
