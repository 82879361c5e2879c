"""STPs / ICSs, CCG partnership in STPs (2017-2022), ICBs and sub-ICB locations (2022-)."""

from __future__ import annotations

from service import iris
from service.ingest.model import Caveat, ChangeEvent, Organisation, day_before
from service.ingest.national import HCA_2022, SI_2022_634, WAVE_2022
from service.ingest.ods_ccgs import CCG_END, Ccg
from service.ingest.ods_common import NHS_CB, Context, runs_by_value
from service.ingest.ods_icb_2026 import GAINING_ICB, LAST_DAY, Mergers2026, new_icb_nodes
from service.ingest.ods_nhse import Unit, relation
from service.ingest.ods_sub_icbs import SubIcb, new_thames_valley_node, sub_icb_node
from service.ingest.turtle import Triples

ICB_START = "2022-07-01"
STP_LOOKUPS = (  # (file, date it describes, CCG code column, STP GSS column, STP name column)
    ("ons-ccg17-stp17-lookup", "2017-04-01", "CCG17CDH", "STP17CD", "STP17NM"),
    ("ons-ccg18-stp18-lookup", "2018-04-01", "CCG18CDH", "STP18CD", "STP18NM"),
    ("ons-ccg19-stp19-lookup", "2019-04-01", "CCG19CDH", "STP19CD", "STP19NM"),
    ("ons-ccg20-stp20-lookup", "2020-04-01", "CCG20CDH", "STP20CD", "STP20NM"),
)


def stp_label(name: str) -> str:
    return name if any(w in name for w in ("Partnership", "System", "Partners")) else f"{name} STP"


def stp_nodes(ctx: Context, g: Triples) -> dict[str, str]:
    """STPs keyed by their ODS Q code (ONS STP20), else their E54 code; returns E54 -> IRI."""
    q_of = {r["STP20CD"]: r["STP20CDH"] for r in ctx.table("ons-stp20-nc")}
    names: dict[str, list[str]] = {}
    files: dict[str, list[str]] = {}
    for key, _day, _ccg, gss_col, name_col in STP_LOOKUPS:  # oldest first
        for r in ctx.table(key):
            names.setdefault(r[gss_col], [])
            if r[name_col] not in names[r[gss_col]]:
                names[r[gss_col]].append(r[name_col])
            files.setdefault(r[gss_col], []).append(key)
    iri_of = {}
    for gss in sorted(names):
        code = q_of.get(gss)
        sources = sorted({ctx.src(k) for k in files[gss]} | ({ctx.src("ons-stp20-nc")} if code else set()))
        node = Organisation(
            iri=iris.org("stp", code or gss),
            cls="SustainabilityAndTransformationPartnership",
            label=stp_label(names[gss][-1]),
            alt_labels=names[gss],
            sources=sources,
            ods=code,
            gss=gss,
            dissolved=stp_end(files[gss]),
            caveat=Caveat(
                "Medium",
                "Inferred",
                "Founding date not in the sources read; first listed by ONS in "
                "April 2017. " + stp_end_note(files[gss]),
            ),
        )
        node.add_to(g)
        ctx.short[node.iri] = names[gss][-1]
        iri_of[gss] = node.iri
    for r in ctx.table("ons-ics19-nc"):
        Organisation(
            iri=iris.org("stp", r["ICS19CD"]),
            cls="IntegratedCareSystem",
            label=f"{r['ICS19NM']} ICS",
            alt_labels=[r["ICS19NM"]],
            sources=[ctx.src("ons-ics19-nc")],
            gss=r["ICS19CD"],
            dissolved=CCG_END,
            caveat=Caveat(
                "Medium",
                "Inferred",
                "A first-wave integrated care system as listed by ONS in December 2019. No source read gives "
                "its end as a non-statutory system; it cannot have lasted past 30 June 2022, the day before "
                "ICBs made every integrated care system statutory (Health and Care Act 2022).",
            ),
        ).add_to(g)
    return iri_of


def stp_end(files: list[str]) -> str:
    """The last day an STP can have existed: 30 June 2022 if ONS lists it in April 2020 (the STP became the
    integrated care system of the ICB with its codes on 1 July 2022), else the day before the first April
    lookup that no longer lists it."""
    keys = [key for key, *_ in STP_LOOKUPS]
    last = max(keys.index(k) for k in files)
    return CCG_END if last == len(keys) - 1 else day_before(STP_LOOKUPS[last + 1][1])


def stp_end_note(files: list[str]) -> str:
    end = stp_end(files)
    if end == CCG_END:
        return (
            "Its end: the day before its ICB was established (1 July 2022, Health and Care Act 2022), the "
            "STP becoming that ICB's integrated care system."
        )
    return f"Not in the next ONS lookup: it ended by {end}; no source read gives the day."


def partnerships(ctx: Context, g: Triples, ccgs: dict[str, Ccg], stps: dict[str, str]) -> None:
    """CCG -> STP partnership, dated from the April lookups of 2017-2020; runs of the same STP are joined."""
    seen: dict[str, list[tuple[str, str, str]]] = {}
    for key, day, ccg_col, gss_col, _name in STP_LOOKUPS:
        for r in ctx.table(key):
            seen.setdefault(r[ccg_col], []).append((day, r[gss_col], key))
    note = (
        "Dated from the ONS CCG-to-STP lookups of April 2017-2020: from the first lookup listing the pair "
        "(or the "
        "CCG's founding, if later) to the day before a lookup shows another STP, else to the CCG's "
        "dissolution."
    )
    for code, obs in sorted(seen.items()):
        ccg = ccgs[code]
        runs = runs_by_value(obs)
        for i, run in enumerate(runs):
            start = max(run[0][0], ccg.founded)
            end = day_before(runs[i + 1][0][0]) if i + 1 < len(runs) else ccg.dissolved
            sources = sorted({ctx.src(o[2]) for o in run} | {ctx.src("ods-eccg-2025-12")})
            caveat = Caveat("Medium", "Inferred", note)
            body = iris.org("ccg", code)
            relation(
                ctx, "PartnershipMembership", body, stps[run[0][1]], (start, end), sources, caveat
            ).add_to(g)


QRL_NOTE = (
    "Its area changed on 1 April 2026: it kept its code and name and gained 101 LSOAs of the former NHS "
    "Frimley ICB, which joined its sub-ICB location D9Y0V (ODS ICB mergers change summary)."
)


def icb_nodes(ctx: Context, g: Triples, m: Mergers2026) -> dict[str, Unit]:
    """The 42 ICBs of ONS (December 2024), the 12 closed on 31 March 2026 with their end, and the six new
    ICBs of 1 April 2026; each accountable to NHS England for its life."""
    units = {}
    rows = [(r["ICB24CDH"], r["ICB24CD"], r["ICB24NM"]) for r in ctx.table("ons-icb-2024")]
    nodes = []
    for code, gss, name in rows:
        closed = code in m.closed_icbs
        nodes.append(
            Organisation(
                iri=iris.org("icb", code),
                cls="IntegratedCareBoard",
                label=name,
                alt_labels=[name.replace("Integrated Care Board", "ICB")],
                sources=[ctx.src("ons-icb-2024"), *(m.sources(ctx) if closed or code == GAINING_ICB else [])],
                ods=code,
                gss=gss,
                founded=ICB_START,
                dissolved=LAST_DAY if closed else None,
                end_status=None if closed else "Current",
                caveat=Caveat("High", "Stated", QRL_NOTE) if code == GAINING_ICB else None,
            )
        )
    for node in [*nodes, *new_icb_nodes(ctx, m)]:
        node.add_to(g)
        ctx.short[node.iri] = node.label.replace("Integrated Care Board", "ICB")
        units[node.iri.rsplit("/", 1)[-1]] = Unit(node.iri, node.founded, node.dissolved)
        law = HCA_2022 if node.founded == ICB_START else None
        dates = (node.founded, node.dissolved)
        relation(ctx, "Accountability", node.iri, NHS_CB, dates, node.sources, None, law).add_to(g)
    return units


def sub_icb_nodes(
    ctx: Context,
    g: Triples,
    ccgs: dict[str, Ccg],
    icbs: dict[str, Unit],
    stps: dict[str, str],
    m: Mergers2026,
) -> set[str]:
    """Sub-ICB locations (role RO319), units of their ICB, each the successor of the CCG with its code;
    returns their codes."""
    reorg = WAVE_2022  # described by the curated converter; only its parts are ours (see national)
    gss = {r["LOC22CDH"]: r["LOC22CD"] for r in ctx.table("ons-loc22-icb22-nhser22-lookup")}
    codes = set()
    for code, ccg in sorted(ccgs.items()):
        if not ccg.became_sub_icb:
            continue
        codes.add(code)
        node = sub_icb_node(ctx, g, SubIcb(code, ccg.ods_name, ccg.icb, gss.get(code)), icbs, m)
        ChangeEvent(
            iri=iris.event(ICB_START, f"ccg-{code}-abolished"),
            cls="Abolition",
            day=ICB_START,
            label=f"{ctx.label_of(iris.org('ccg', code))} abolished; sub-ICB location {code} of "
            f"{ctx.label_of(icbs[ccg.icb].iri)} takes over, 1 July 2022",
            sources=[ctx.src("ods-eccg-2025-12")],
            originals=[iris.org("ccg", code)],
            results=[node.iri, icbs[ccg.icb].iri],
            legal_basis=[HCA_2022, SI_2022_634],
            part_of=reorg,
            description=f"The CCG's last day was {CCG_END}; ODS keeps its code for the sub-ICB location.",
        ).add_to(g)
    new_thames_valley_node(ctx, g, icbs)
    gss_of = {r["ICB24CDH"]: r["ICB24CD"] for r in ctx.table("ons-icb-2024")}
    for code, unit in sorted(icbs.items()):
        if code not in gss_of:  # the ICBs of 2026 (see ods_icb_2026)
            continue
        stp = stps.get(gss_of[code])
        ChangeEvent(
            iri=iris.event(ICB_START, f"icb-{code}-established"),
            cls="Establishment",
            day=ICB_START,
            label=f"{ctx.label_of(unit.iri)} established, 1 July 2022",
            sources=[ctx.src("ons-icb-2024")],
            results=[unit.iri],
            legal_basis=[HCA_2022, SI_2022_634],
            part_of=reorg,
            originals=[stp] if stp else [],
            description="The STP with the same GSS (E54) and ODS codes became the ICB's "
            "integrated care system."
            if stp
            else None,
        ).add_to(g)
    return codes
