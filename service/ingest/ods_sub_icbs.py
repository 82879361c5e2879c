"""Sub-ICB locations (2022-): their ONS code, names over time and ICB over time.

From 1 July 2022 each of the 106 sub-ICB locations was a unit of the ICB that ODS eccg (December 2025) and the
ONS lookup of July 2022 give (the two agree on every code). On 1 April 2026, 23 of them kept their code, took
a new name and moved to a new ICB; D4U1Y (Frimley) closed on 31 March 2026; one new sub-ICB location began
under NHS Thames Valley ICB. The ICB over time is `org:unitOf` (timeless, one per ICB it belonged to) and a
dated `nhs:Accountability` per ICB.
"""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.ingest.model import SCHEMA, Caveat, Organisation, cite
from service.ingest.ods_common import Context, title_case
from service.ingest.ods_icb_2026 import (
    FIRST_DAY,
    FRIMLEY_SUB_ICB,
    LAST_DAY,
    NEW_THAMES_VALLEY,
    THAMES_VALLEY_ICB,
    Mergers2026,
)
from service.ingest.ods_nhse import Unit, relation
from service.ingest.turtle import Triples, date, en
from service.iris import DEF as NHS
from service.iris import PREFIXES

ICB_START = "2022-07-01"
ECCG = "ods-eccg-2025-12"
LOC22 = "ons-loc22-icb22-nhser22-lookup"


@dataclass(frozen=True)
class SubIcb:
    code: str
    ods_name: str  # as ODS eccg (December 2025) gives it
    icb: str  # its ICB from 1 July 2022
    gss: str | None  # its E38 code (ONS, July 2022)


def sub_icb_node(ctx: Context, g: Triples, s: SubIcb, icbs: dict[str, Unit], m: Mergers2026) -> Organisation:
    """One sub-ICB location with its names, its end if it closed, and its ICB over time."""
    renamed = m.renamed.get(s.code)
    closes = s.code == FRIMLEY_SUB_ICB
    sources = [ctx.src(ECCG), *([ctx.src(LOC22)] if s.gss else [])]
    if renamed or closes:
        sources.append(ctx.src("ods-icb-mergers-2026"))
    label = title_case(renamed[1] if renamed else s.ods_name)
    node = Organisation(
        iri=iris.org("sub-icb-location", s.code),
        cls="SubICBLocation",
        label=label,
        alt_labels=[s.ods_name, *([renamed[1]] if renamed else [])],
        sources=sources,
        ods=s.code,
        gss=s.gss,
        founded=ICB_START,
        dissolved=LAST_DAY if closes else None,
        end_status=None if closes else "Current",
        unit_of=icbs[s.icb].iri,
    )
    node.add_to(g)
    ctx.short[node.iri] = label
    first_end = LAST_DAY if renamed or closes else None
    accountable(ctx, g, node.iri, icbs[s.icb], (ICB_START, first_end), sources)
    if renamed:
        earlier_name(ctx, g, node.iri, title_case(s.ods_name))
        new_icb = icbs[m.new_icb_of[s.code]]
        g.add(node.iri, PREFIXES["org"] + "unitOf", new_icb.iri)
        accountable(ctx, g, node.iri, new_icb, (FIRST_DAY, None), [ctx.src("ods-icb-mergers-2026")])
    return node


def accountable(
    ctx: Context, g: Triples, body: str, icb: Unit, dates: tuple[str, str | None], sources: list[str]
) -> None:
    note = (
        "ODS links a sub-ICB location to its ICB by an RE5 'is located in the geography of' relationship; "
        "dated from 1 July 2022 (or the sub-ICB location's start) to 31 March 2026 where the ICB changed "
        "(ODS ICB mergers change summary), else open."
    )
    rel = relation(
        ctx, "Accountability", body, icb.iri, dates, sorted(set(sources)), Caveat("High", "Stated", note)
    )
    if rel.end is None:
        rel.end_status = "Current"
    rel.add_to(g)


def earlier_name(ctx: Context, g: Triples, body: str, name: str) -> None:
    """The name a renamed sub-ICB location held from 1 July 2022 to 31 March 2026 (nhs:NameUse)."""
    node = iris.name_use(body, ICB_START)
    g.add(body, NHS + "hadName", node)
    g.add(node, PREFIXES["rdf"] + "type", NHS + "NameUse")
    g.add(node, PREFIXES["rdfs"] + "label", en(name))
    g.add(node, SCHEMA + "name", en(name))
    g.add(node, SCHEMA + "startDate", date(ICB_START))
    g.add(node, SCHEMA + "endDate", date(LAST_DAY))
    g.add(
        node,
        PREFIXES["skos"] + "editorialNote",
        en(
            "The name ONS gives in July 2022 and ODS in December 2025; replaced on 1 April 2026 (ODS ICB "
            "mergers change summary)."
        ),
    )
    cite(g, node, [ctx.src(LOC22), ctx.src(ECCG), ctx.src("ods-icb-mergers-2026")])


def new_thames_valley_node(ctx: Context, g: Triples, icbs: dict[str, Unit]) -> None:
    """The sub-ICB location created under NHS Thames Valley ICB on 1 April 2026 from Frimley's LSOAs."""
    icb = icbs[THAMES_VALLEY_ICB]
    label = "NHS Thames Valley ICB - new sub-ICB location of 1 April 2026 (code not in the sources read)"
    sources = [ctx.src("ods-icb-mergers-2026")]
    node = Organisation(
        iri=iris.org("sub-icb-location", NEW_THAMES_VALLEY),
        cls="SubICBLocation",
        label=label,
        sources=sources,
        founded=FIRST_DAY,
        end_status="Current",
        unit_of=icb.iri,
        caveat=Caveat(
            "High",
            "Stated",
            "Formed of the 244 LSOAs moving from Frimley into Thames Valley; the change summary (version 1, "
            "6 November 2025) gives its code and name as 'to be confirmed', and no later source read gives "
            "them.",
        ),
    )
    node.add_to(g)
    ctx.short[node.iri] = "NHS Thames Valley ICB - new sub-ICB location"
    accountable(ctx, g, node.iri, icb, (FIRST_DAY, None), sources)
