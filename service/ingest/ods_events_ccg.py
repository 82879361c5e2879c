"""The 2013 wave (PCTs abolished, CCGs established) and CCG mergers after the epcmem file ends."""

from __future__ import annotations

from collections import defaultdict

from service import iris
from service.ingest.model import Caveat, ChangeEvent, day_before
from service.ingest.national import HSCA_2012, PCT_ABOLITION_2013, WAVE_2013, body_event
from service.ingest.ods_ccgs import Ccg
from service.ingest.ods_common import EPCMEM_DATE, Context
from service.ingest.ods_events import Move, predecessors, read_moves
from service.ingest.ods_practices import Span, parent_kind
from service.ingest.turtle import Triples

CCG_START = "2013-04-01"


def wave_2013(ctx: Context, pcts: dict[str, Span], ccgs: dict[str, Ccg]) -> Triples:
    g = Triples()
    wave = WAVE_2013  # described by the curated converter; only its parts are ours (see national)
    ended = sorted(c for c, s in pcts.items() if s.last == "2013-03-31")
    ChangeEvent(
        iri=PCT_ABOLITION_2013,
        cls="Abolition",
        day=CCG_START,
        part_of=wave,
        label="Primary care trusts and strategic health authorities abolished, 31 March 2013",
        originals=[iris.org(parent_kind(c, set()), c) for c in ended]
        + [iris.org("sha", f"Q{n}") for n in range(30, 40)],
        legal_basis=[HSCA_2012],
        sources=[ctx.src("derived-epcmem-parent-spans"), ctx.src("ons-sha-2012")],
    ).add_to(g)
    share = _postcode_shares(ctx)
    links = predecessors(read_moves(ctx))
    for code, ccg in sorted(ccgs.items()):
        if ccg.founded == CCG_START:
            _ccg_2013(ctx, code, links.get((code, CCG_START), []), share, wave).add_to(g)
    return g


def _postcode_shares(ctx: Context) -> dict[tuple[str, str], str]:
    return {
        (r["PCO12CDO"], r["CCG13CDH"]): r["pcd_percent"]
        for r in ctx.table("elahmo-pct12-ccg13-postcode-share")
    }


def _ccg_2013(
    ctx: Context, code: str, links: list[Move], share: dict[tuple[str, str], str], wave: str
) -> ChangeEvent:
    olds = sorted({m.old for m in links if parent_kind(m.old, set()) in ("pct", "care-trust")})
    ccg = iris.org("ccg", code)
    moved = ", ".join(f"{m.old} ({m.n})" for m in sorted(links, key=lambda m: m.old))
    note = f"Predecessor PCTs inferred from GP practices moving on 1 April 2013: {moved or 'none'}."
    seen = [f"{o} {share[o, code]}%" for o in olds if (o, code) in share]
    sources = [ctx.src("ods-eccg-2025-12"), ctx.src("derived-epcmem-parent-transitions")]
    if seen:
        note += f" Corroborated by the unverified elahmo/dsfood postcode-share file: {', '.join(seen)}."
        sources.append(ctx.src("elahmo-pct12-ccg13-postcode-share"))
    return ChangeEvent(
        iri=body_event(CCG_START, "ccg", code),
        cls="Establishment",
        day=CCG_START,
        part_of=wave,
        label=f"{ctx.label_of(ccg)} established, 1 April 2013",
        originals=[iris.org(parent_kind(o, set()), o) for o in olds],
        results=[ccg],
        legal_basis=[HSCA_2012],
        sources=sources,
        caveat=Caveat("Medium", "Inferred", note),
    )


def late_mergers(ctx: Context, ccgs: dict[str, Ccg]) -> list[ChangeEvent]:
    """CCGs founded after the epcmem file: predecessors are the CCGs closed the day before in the same ICB
    area (eccg column 4); where two new CCGs share an ICB area, each old CCG goes to the new one that holds
    most of its LSOAs' local authority districts (ONS LSOA lookups 2019 and 2020)."""
    events = []
    shares = _lad_shares(ctx)
    new_by_day: dict[tuple[str, str], list[Ccg]] = defaultdict(list)
    for ccg in ccgs.values():
        if ccg.founded > EPCMEM_DATE:
            new_by_day[ccg.founded, ccg.icb].append(ccg)
    for (day, icb), news in sorted(new_by_day.items()):
        olds = [c for c in ccgs.values() if c.dissolved == day_before(day) and c.icb == icb]
        for new in news:
            mine = (
                olds if len(news) == 1 else [o for o in olds if _best_lad_match(shares, o, news) == new.code]
            )
            if mine:
                events.append(_late_event(ctx, new, sorted(o.code for o in mine), len(news) > 1))
    return events


def _late_event(ctx: Context, new: Ccg, olds: list[str], by_lad: bool) -> ChangeEvent:
    how = "the local authority districts of their LSOAs" if by_lad else "the ICB area code in ODS eccg"
    sources = [ctx.src("ods-eccg-2025-12")]
    if by_lad:
        sources.append(ctx.src("ons-ccg-lad-pairs-2015-2020"))
    return ChangeEvent(
        iri=body_event(new.founded, "ccg", new.code),
        cls="Merger" if len(olds) > 1 else "Establishment",
        day=new.founded,
        label=f"{ctx.label_of(iris.org('ccg', new.code))} established from {', '.join(olds)}",
        originals=[iris.org("ccg", o) for o in olds],
        results=[iris.org("ccg", new.code)],
        sources=sources,
        caveat=Caveat(
            "Medium", "Inferred", f"Predecessors are the CCGs closed the day before, matched by {how}."
        ),
    )


def _lad_shares(ctx: Context) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for r in ctx.table("ons-ccg-lad-pairs-2015-2020"):
        out[r["lookup_date"], r["CCGCDH"]][r["LADCD"]] = int(r["n_lsoa11"])
    return out


def _best_lad_match(shares: dict[tuple[str, str], dict[str, int]], old: Ccg, news: list[Ccg]) -> str | None:
    before = shares.get(("2019-04", old.code), {})
    scores = {
        n.code: sum(v for lad, v in before.items() if lad in shares.get(("2020-04", n.code), {}))
        for n in news
    }
    best = max(scores.values(), default=0)
    winners = [c for c, s in scores.items() if s == best and best > 0]
    return winners[0] if len(winners) == 1 else None
