"""CCGs to their NHS England region from April 2019, when the seven regions of NHS England and NHS
Improvement began (ONS NHSER19), to the end of the CCGs on 30 June 2022.

The region of a CCG is the one ODS epraccur of October 2019 gives for all its GP practices (column 3; in
that file every CCG's practices lie in one region). A CCG founded after that file (the mergers of 2020 and
2021) takes the region of its predecessors, the CCGs closed the day before in the same ICB area (ODS eccg),
where they all lie in one region. A CCG with neither gets a stated gap, never a guess.
"""

from __future__ import annotations

from service import iris
from service.ingest.accountability_gaps import gap
from service.ingest.model import Caveat, day_before
from service.ingest.ods_ccgs import EPRACCUR_2019, Ccg, practice_majority
from service.ingest.ods_common import Context
from service.ingest.ods_nhse import Unit, relation, within
from service.ingest.turtle import Triples

REGION_START = "2019-04-01"
SEEN_NOTE = (
    "Region from ODS epraccur of October 2019 (all the CCG's GP practices lie in it), taken to hold from the "
    "start of the seven regions on 1 April 2019 (ONS NHSER19) to the CCG's last day; no later snapshot "
    "consulted gives a CCG's region, so a move between regions after October 2019 would not show."
)
GAP_WORDS = (
    "No source consulted gives the NHS England region of this CCG: it is not in ODS epraccur of "
    "October 2019, and its predecessors do not all lie in one region."
)


def region_of(code: str, ccgs: dict[str, Ccg], seen: dict[str, str]) -> tuple[str, list[str]] | None:
    """(region code, predecessor codes it was taken from) for a CCG, or None if the sources do not say."""
    if code in seen:
        return seen[code], []
    ccg = ccgs[code]
    olds = sorted(
        c.code for c in ccgs.values() if c.dissolved == day_before(ccg.founded) and c.icb == ccg.icb
    )
    found = [region_of(old, ccgs, seen) for old in olds]
    regions = {f[0] for f in found if f}
    if not olds or None in found or len(regions) != 1:
        return None
    return regions.pop(), olds


def region_accountabilities(ctx: Context, ccgs: dict[str, Ccg], regions: dict[str, Unit]) -> Triples:
    g = Triples()
    seen = practice_majority(ctx, EPRACCUR_2019, 2)
    for code, ccg in sorted(ccgs.items()):
        if ccg.dissolved < REGION_START:
            continue
        body = iris.org("ccg", code)
        found = region_of(code, ccgs, seen)
        sources = [ctx.src(EPRACCUR_2019), ctx.src("ons-nhser19-nc"), ctx.src("ods-eccg-2025-12")]
        start = max(ccg.founded, REGION_START)
        if found is None or found[0] not in regions:
            gap(ctx, body, start, ccg.dissolved, GAP_WORDS, sources).add_to(g)
            continue
        region, olds = found
        note = SEEN_NOTE
        if olds:
            note = (
                f"Inferred: the region of its predecessors {', '.join(olds)} (the CCGs closed the day "
                f"before in the same ICB area, ODS eccg), each as ODS epraccur of October 2019 gives it. "
                + SEEN_NOTE
            )
        dates = within(regions[region], start, ccg.dissolved)
        caveat = Caveat("Medium", "Inferred", note)
        relation(ctx, "Accountability", body, regions[region].iri, dates, sources, caveat).add_to(g)
    return g
