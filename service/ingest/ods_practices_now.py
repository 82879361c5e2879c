"""Practices' commissioners from the epraccur snapshots of 2021-2026: the CCG rows they add to epcmem's
memberships (to 30 June 2022), and their sub-ICB location memberships from 1 July 2022 to today, with the
moves of 1 April 2026 (D4U1Y closed; its practices moved as the ODS change summary lists them).
"""

from __future__ import annotations

from service.ingest.model import Caveat, Relation, long_date
from service.ingest.ods_common import Context
from service.ingest.ods_icb_2026 import FIRST_DAY, FRIMLEY_SUB_ICB, LAST_DAY, SUMMARY, Mergers2026
from service.ingest.ods_practices import Membership
from service.ingest.ods_present import (
    CCG_END,
    Stint,
    is_english_gp,
    read_sightings,
    stints_of,
    sub_icb_membership,
    sub_icb_relations,
)
from service.ingest.turtle import Triples


def gp_stints(ctx: Context) -> tuple[dict[str, list[Stint]], dict[str, list[Stint]]]:
    """GP practice code -> its stints: (English practices, Welsh practices); other settings left out."""
    english, welsh = {}, {}
    for code, sightings in sorted(read_sightings(ctx).items()):
        if is_english_gp(sightings):
            english[code] = stints_of(sightings)
        elif sightings[-1].is_gp:
            welsh[code] = stints_of(sightings)
    return english, welsh


def board_rows(stints: dict[str, list[Stint]]) -> list[Membership]:
    """Each Welsh practice's health board (7A1-7A7) in the snapshots, as membership rows: they date the
    practices that opened after epcmem's last day (August 2019), which no other file places."""
    return [
        Membership(code, stint.parent, stint.start, stint.end, stint.sources[0])
        for code, practice_stints in sorted(stints.items())
        for stint in practice_stints
        if stint.parent.startswith("7A")
    ]


def ccg_rows(stints: dict[str, list[Stint]], ccgs: set[str]) -> list[Membership]:
    """The part of each stint before 1 July 2022 in a CCG, as a membership row (to 30 June 2022 at most)."""
    out = []
    for code, practice_stints in sorted(stints.items()):
        for stint in practice_stints:
            if stint.start > CCG_END or stint.parent not in ccgs:
                continue
            end = CCG_END if stint.end is None or stint.end > CCG_END else stint.end
            out.append(Membership(code, stint.parent, stint.start, end, stint.sources[0]))
    return out


def sub_icb_graph(
    ctx: Context, stints: dict[str, list[Stint]], sub_icbs: set[str], m: Mergers2026
) -> Triples:
    """Sub-ICB location memberships from 1 July 2022, with D4U1Y's end and its practices' moves."""
    g = Triples()
    for _code, practice_stints in sorted(stints.items()):
        for rel in sub_icb_relations(ctx, practice_stints, sub_icbs):
            for kept in frimley_moves(ctx, rel, practice_stints[-1], m):
                kept.add_to(g)
    return g


def frimley_moves(ctx: Context, rel: Relation, last: Stint, m: Mergers2026) -> list[Relation]:
    """A D4U1Y membership open past 31 March 2026 ends then; the practice's next one begins on 1 April 2026 in
    the sub-ICB location the change summary names (none where it names none)."""
    if not rel.organisation.endswith("/" + FRIMLEY_SUB_ICB) or (rel.end is not None and rel.end <= LAST_DAY):
        return [rel]
    later_end = rel.end
    rel.end, rel.end_status = LAST_DAY, None
    rel.label = rel.label.rsplit(" to ", 1)[0] + f" to {long_date(LAST_DAY)}"
    rel.sources = sorted({*rel.sources, ctx.src(SUMMARY)})
    note = "D4U1Y (NHS Frimley ICB) was legally closed on 31 March 2026 (ODS ICB mergers change summary)."
    rel.caveat = Caveat("High", "Stated", note)
    receiving = m.practice_moves.get(last.code)
    if receiving is None:
        return [rel]
    moved = sub_icb_membership(
        ctx,
        last,
        receiving,
        (FIRST_DAY, later_end),
        [*last.sources, SUMMARY],
        "Moved from D4U1Y on 1 April 2026 (ODS ICB mergers change summary, GP Practice Moves sheet).",
    )
    return [rel, moved]
