"""Change events inferred from GP-practice moves (epcmem transitions) and from CCG open/close dates.

Predecessor rule: a move of n practices from parent A to parent B on day D counts as "A is a predecessor of B"
when n is at least 20% of all practices leaving A on D, or at least 20% of all practices joining B on D.
The first condition catches mergers and splits (a substantial share of the old body), the second catches a
small body absorbed into a large one; stray moves of one or two practices fail both.

Lifetime rule: a predecessor is an org:originalOrganization only if its lifetime (from ODS eccg for CCGs,
from its last practice membership for PCGs and PCTs) ends the day before the event. One that lived on gave
away only part of its practices (a partial transfer): it is named in the caveat, not listed. An event left
with no original that ended, whose body did not begin that day, is not made: the memberships record the move.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from service import iris
from service.ingest.model import Caveat, ChangeEvent, day_before
from service.ingest.national import SI_2006_2072, WAVE_PCT_2006, body_event
from service.ingest.ods_common import Context, ods_date
from service.ingest.ods_practices import parent_kind
from service.ingest.turtle import Triples

SHARE = 0.2
PCT_KINDS = ("pct", "care-trust")


@dataclass(frozen=True)
class Move:
    old: str
    new: str
    day: str
    n: int


def read_moves(ctx: Context) -> list[Move]:
    out = []
    for r in ctx.table("derived-epcmem-parent-transitions"):
        day = ods_date(r["transition_date"])
        if day is None:
            raise ValueError(f"transition without a date: {r}")
        out.append(Move(r["from_parent_code"], r["to_parent_code"], day, int(r["n_practices"])))
    return out


def predecessors(moves: list[Move]) -> dict[tuple[str, str], list[Move]]:
    """(new code, day) -> the moves into it that pass the predecessor rule."""
    out_total: dict[tuple[str, str], int] = defaultdict(int)
    in_total: dict[tuple[str, str], int] = defaultdict(int)
    for m in moves:
        out_total[m.old, m.day] += m.n
        in_total[m.new, m.day] += m.n
    links: dict[tuple[str, str], list[Move]] = defaultdict(list)
    for m in moves:
        if m.n >= SHARE * out_total[m.old, m.day] or m.n >= SHARE * in_total[m.new, m.day]:
            links[m.new, m.day].append(m)
    return links


def _iri(code: str, hubs: set[str]) -> str:
    return iris.org(parent_kind(code, hubs), code)


@dataclass(frozen=True)
class Lives:
    """The founding and dissolution date of each parent code, as the data gives them (None: open)."""

    founded: dict[str, str]
    dissolved: dict[str, str | None]


def sort_predecessors(links: list[Move], day: str, lives: Lives) -> tuple[list[str], list[str]]:
    """(codes that ended the day before `day`, codes that lived on: a partial transfer of practices).

    A code dissolved earlier still than the day before is a late record of a straggling practice, not a
    predecessor, and is in neither list."""
    ended, continued = set(), set()
    for m in links:
        last = lives.dissolved.get(m.old)
        if last == day_before(day):
            ended.add(m.old)
        elif last is None or last > day_before(day):
            continued.add(m.old)
    return sorted(ended), sorted(continued)


def move_event(
    ctx: Context, new: str, day: str, links: list[Move], lives: Lives, hubs: set[str]
) -> ChangeEvent | None:
    """One event: the predecessors of `new` that ended the day before `day`; an establishment if `new` begins
    that day. None where no predecessor ended and `new` did not begin: practices moved between bodies that
    both lived on, which the memberships already record."""
    new_iri = _iri(new, hubs)
    olds, continued = sort_predecessors(links, day, lives)
    established = lives.founded.get(new) == day
    if not olds and not established:
        return None
    originals = [_iri(o, hubs) for o in olds] + ([] if established else [new_iri])
    moved = ", ".join(f"{m.old} ({m.n})" for m in sorted(links, key=lambda m: m.old))
    note = f"Inferred from GP practices moving on this day: {moved} practices."
    if continued:
        note += (
            f" {', '.join(continued)} lived on after this day (a partial transfer of practices), so "
            "not listed as original organisations."
        )
    kind = "established" if established else "absorbs-predecessors"
    return ChangeEvent(
        iri=body_event(day, parent_kind(new, hubs), new, kind),
        cls="Establishment" if established and len(olds) <= 1 else "Merger",
        label=f"{ctx.label_of(new_iri)} {'established' if established else 'takes over'} from "
        f"{', '.join(ctx.label_of(_iri(o, hubs)) for o in olds) or 'no body that ended'}",
        day=day,
        sources=[ctx.src("derived-epcmem-parent-transitions"), ctx.src("ods-epcmem-2019-08")],
        originals=originals,
        results=[new_iri],
        caveat=Caveat("Medium", "Inferred", note),
    )


def transition_events(ctx: Context, lives: Lives, hubs: set[str]) -> dict[str, list[ChangeEvent]]:
    """Events of PCG -> PCT, PCT -> PCT and CCG -> CCG moves, by output stem; 2006 ones part of the wave."""
    out: dict[str, list[ChangeEvent]] = {"pcgs": [], "pcts": [], "ccgs": []}
    stated = {r["ods_code"]: r["successor_stated_in_source"] for r in ctx.table("curated-pcts-2002-2006")}
    for (new, day), links in sorted(predecessors(read_moves(ctx)).items()):
        new_kind = parent_kind(new, hubs)
        old_kinds = {parent_kind(m.old, hubs) for m in links}
        if new_kind == "ccg" and old_kinds <= set(PCT_KINDS) and day == "2013-04-01":
            continue  # handled by ccg_establishment_2013
        stem = _stem(new_kind, old_kinds)
        event = move_event(ctx, new, day, links, lives, hubs) if stem else None
        if stem is None or event is None:
            continue
        if stem == "pcts" and day == "2006-10-01":
            _reorganisation_2006_part(ctx, event, links, stated)
        out[stem].append(event)
    return out


def _stem(new_kind: str, old_kinds: set[str]) -> str | None:
    if new_kind in PCT_KINDS and old_kinds == {"pcg"}:
        return "pcgs"
    if new_kind in PCT_KINDS and old_kinds <= set(PCT_KINDS):
        return "pcts"
    if new_kind == "ccg" and old_kinds == {"ccg"}:
        return "ccgs"
    return None


def render(events: list[ChangeEvent]) -> Triples:
    g = Triples()
    for event in events:
        event.add_to(g)
    return g


def _norm(text: str) -> str:
    text = re.sub(r"\b(pct|primary care trust|teaching|care trust|nhs)\b", " ", text.lower())
    return " ".join(re.findall(r"[a-z]+", text))


def _reorganisation_2006_part(
    ctx: Context, event: ChangeEvent, links: list[Move], stated: dict[str, str]
) -> None:
    """Mark a 2006-10-01 event as part of the wave, and check it against successors named in sources."""
    event.part_of = WAVE_PCT_2006  # described by the curated converter (see national)
    event.legal_basis = [SI_2006_2072]
    new_name = _norm(ctx.label_of(event.results[0]))
    notes = []
    for m in links:
        said = stated.get(m.old, "")
        if said and not said.startswith(("split", "not merged")) and _norm(said) not in new_name:
            notes.append(f"a source names the successor of {m.old} as {said!r}")
    if notes and event.caveat:
        event.caveat.note = (event.caveat.note or "") + " Disagreement: " + "; ".join(notes) + "."
        event.sources.append(ctx.src("curated-pcts-2002-2006"))
