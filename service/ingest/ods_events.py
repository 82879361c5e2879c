"""Change events inferred from GP-practice moves (epcmem transitions) and from CCG open/close dates.

Predecessor rule: a move of n practices from parent A to parent B on day D counts as "A is a predecessor of B"
when n is at least 20% of all practices leaving A on D, or at least 20% of all practices joining B on D.
The first condition catches mergers and splits (a substantial share of the old body), the second catches a
small body absorbed into a large one; stray moves of one or two practices fail both.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from service import iris
from service.ingest.model import Caveat, ChangeEvent
from service.ingest.national import SI_2006_2072, WAVE_PCT_2006, body_event
from service.ingest.ods_common import Context, ods_date
from service.ingest.ods_practices import Span, parent_kind
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


def move_event(
    ctx: Context, new: str, day: str, links: list[Move], founded: str | None, hubs: set[str]
) -> ChangeEvent:
    """One event: the predecessors of `new` on `day`; an establishment if it begins that day."""
    new_iri = _iri(new, hubs)
    olds = sorted({m.old for m in links})
    established = founded == day
    originals = [_iri(o, hubs) for o in olds] + ([] if established else [new_iri])
    moved = ", ".join(f"{m.old} ({m.n})" for m in sorted(links, key=lambda m: m.old))
    kind = "established" if established else "absorbs-predecessors"
    return ChangeEvent(
        iri=body_event(day, parent_kind(new, hubs), new, kind),
        cls="Establishment" if established and len(olds) == 1 else "Merger",
        label=f"{ctx.label_of(new_iri)} {'established' if established else 'takes over'} from "
        f"{', '.join(ctx.label_of(_iri(o, hubs)) for o in olds)}",
        day=day,
        sources=[ctx.src("derived-epcmem-parent-transitions"), ctx.src("ods-epcmem-2019-08")],
        originals=originals,
        results=[new_iri],
        caveat=Caveat(
            "Medium", "Inferred", f"Inferred from GP practices moving on this day: {moved} practices."
        ),
    )


def transition_events(ctx: Context, spans: dict[str, Span], hubs: set[str]) -> dict[str, Triples]:
    """Events of PCG -> PCT, PCT -> PCT and CCG -> CCG moves, by output stem; 2006 ones part of the wave."""
    out = {"pcgs": Triples(), "pcts": Triples(), "ccgs": Triples()}
    stated = {r["ods_code"]: r["successor_stated_in_source"] for r in ctx.table("curated-pcts-2002-2006")}
    for (new, day), links in sorted(predecessors(read_moves(ctx)).items()):
        new_kind = parent_kind(new, hubs)
        old_kinds = {parent_kind(m.old, hubs) for m in links}
        founded = spans[new].first if new in spans else None
        if new_kind in PCT_KINDS and old_kinds == {"pcg"}:
            move_event(ctx, new, day, links, founded, hubs).add_to(out["pcgs"])
        elif new_kind in PCT_KINDS and old_kinds <= set(PCT_KINDS):
            event = move_event(ctx, new, day, links, founded, hubs)
            if day == "2006-10-01":
                _reorganisation_2006_part(ctx, event, links, stated)
            event.add_to(out["pcts"])
        elif new_kind == "ccg" and old_kinds <= set(PCT_KINDS) and day == "2013-04-01":
            continue  # handled by ccg_establishment_2013
        elif new_kind == "ccg" and old_kinds == {"ccg"}:
            move_event(ctx, new, day, links, founded, hubs).add_to(out["ccgs"])
    return out


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
