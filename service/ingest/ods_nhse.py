"""NHS England units: regions, area teams (2013-15), local offices (2015-) and commissioning hubs."""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.ingest.model import Caveat, KnownGap, Organisation, Relation, day_after, day_before, long_date
from service.ingest.ods_common import NHS_CB, Context, ods_date, title_case
from service.ingest.turtle import Triples

AT_START, AT_END = "2013-04-01", "2015-03-31"
LO_START = "2015-04-01"
# The ONS 2013 commissioning regions (E40) and the ODS codes of the same regions.
REGION_2013 = {"E40000001": "Y54", "E40000002": "Y55", "E40000003": "Y56", "E40000004": "Y57"}
NHSER19_GONE = ("Y54", "Y55")  # in ODS eauth 2018-11, not in ONS NHSER19
# The last day Y54/Y55 can have existed: ONS lists the seven regions of 1 April 2019 without them, and no
# practice open in ODS epraccur 2019-10 names them. No source read gives the day itself.
NHSER19_START = "2019-04-01"
GONE_BY = "2019-03-31"
GONE_NOTE = (
    "Open in ODS eauth (November 2018) but not among the seven ONS regions of April 2019 (NHS England and "
    "NHS Improvement's joint regional teams replaced the North and Midlands and East regions by the end of "
    "2018-19, https://www.hsj.co.uk/policy-and-regulation/seven-regional-teams-will-be-locus-of-decision-"
    "making/7022488.article); no practice open in ODS epraccur 2019-10 names it. Its last day is no later "
    "than 31 March 2019; no source read gives the day."
)


@dataclass(frozen=True)
class Unit:
    """An NHS England unit as read from the sources: enough to date relations to it."""

    iri: str
    founded: str | None
    dissolved: str | None


def within(unit: Unit, start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """[start, end] clipped to the unit's lifetime."""
    if unit.founded and (start is None or start < unit.founded):
        start = unit.founded
    if unit.dissolved and (end is None or end > unit.dissolved):
        end = unit.dissolved
    return start, end


def relation(
    ctx: Context,
    cls: str,
    body: str,
    to: str,
    dates: tuple[str | None, str | None],
    sources: list[str],
    caveat: Caveat | None = None,
    law: str | None = None,
) -> Relation:
    start, end = dates
    role = "partner" if cls == "PartnershipMembership" else "accountableTo"
    build = iris.membership if cls == "PartnershipMembership" else iris.accountability
    words = "partner in" if cls == "PartnershipMembership" else "accountable to"
    span = f"{long_date(start) if start else 'unknown date'} to {long_date(end) if end else 'an open end'}"
    return Relation(
        iri=build(body, to, start),
        cls=cls,
        member=body,
        organisation=to,
        role=role,
        sources=sources,
        label=f"{ctx.label_of(body)} {words} {ctx.label_of(to)}, {span}",
        start=start,
        end=end,
        end_status=None if end else ("Current" if to == NHS_CB else "EndUnknown"),
        caveat=caveat,
        legal_basis=law,
    )


def region_nodes(ctx: Context, g: Triples) -> dict[str, Unit]:
    """Regions Y54-Y59 from ODS eauth 2018-11 and Y60-Y63 from ONS NHSER19."""
    units: dict[str, Unit] = {}
    ons = {r["NHSER19CDH"]: r for r in ctx.table("ons-nhser19-nc")}
    eauth = {r[0]: r for r in ctx.rows("ods-eauth-2018-11") if r[0].startswith("Y")}
    gss_2013 = {code: gss for gss, code in REGION_2013.items()}
    for code in sorted(set(ons) | set(eauth)):
        sources, alts, note = [], [], None
        gss = None if code in ons else gss_2013.get(code)
        founded = dissolved = None
        if code in eauth:
            row = eauth[code]
            label, founded, dissolved = title_case(row[1]), ods_date(row[10]), ods_date(row[11])
            sources.append(ctx.src("ods-eauth-2018-11"))
        if gss:
            sources.append(ctx.src("ons-ccg13-nhsat13-lookup"))
        if code in ons:
            gss = ons[code]["NHSER19CD"]
            alts.append(ons[code]["NHSER19NM"])
            sources.append(ctx.src("ons-nhser19-nc"))
            if code not in eauth:
                label = f"{ons[code]['NHSER19NM']} (NHS England region)"
                note = "Founding date not in the sources read; first listed by ONS in April 2019."
                founded = NHSER19_START
        end = None if dissolved else "Current"
        if code in NHSER19_GONE:
            note, dissolved, end = GONE_NOTE, GONE_BY, None
            sources += [ctx.src("ons-nhser19-nc"), ctx.src("ods-epraccur-2019-10")]
        node = Organisation(
            iri=iris.org("region", code),
            cls="NHSEnglandRegion",
            label=label,
            alt_labels=alts,
            sources=sources,
            ods=code,
            gss=gss,
            founded=founded,
            dissolved=dissolved,
            end_status=end,
            unit_of=NHS_CB,
            caveat=Caveat("Medium", "Inferred", note) if note else None,
        )
        node.add_to(g)
        ctx.short[node.iri] = label
        units[code] = Unit(node.iri, founded, dissolved)
        relation(ctx, "Accountability", node.iri, NHS_CB, (founded, dissolved), sources).add_to(g)
    return units


def area_team_nodes(ctx: Context, g: Triples, regions: dict[str, Unit]) -> dict[str, Unit]:
    """The 25 area teams, 2013-04-01 to 2015-03-31, each a unit of its 2013 commissioning region."""
    region_of = {r["NHSAT13CD"]: REGION_2013[r["NHSCR13CD"]] for r in ctx.table("ons-ccg13-nhsat13-lookup")}
    units: dict[str, Unit] = {}
    for row in ctx.table("openprescribing-area-teams"):
        region = regions[region_of[row["ons_code"]]]
        sources = [
            ctx.src("openprescribing-area-teams"),
            ctx.src("ons-nhsat-apr-2013"),
            ctx.src("ons-ccg13-nhsat13-lookup"),
        ]
        node = Organisation(
            iri=iris.org("area-team", row["hscic_code"]),
            cls="AreaTeam",
            label=f"{row['name']} Area Team",
            alt_labels=[row["name"]],
            sources=sources,
            ods=row["hscic_code"],
            gss=row["ons_code"],
            founded=AT_START,
            dissolved=AT_END,
            unit_of=region.iri,
        )
        node.add_to(g)
        ctx.short[node.iri] = node.label
        units[row["ons_code"]] = units[row["hscic_code"]] = Unit(node.iri, AT_START, AT_END)
        relation(ctx, "Accountability", node.iri, region.iri, (AT_START, AT_END), sources).add_to(g)
    return units


def office_codes_2017(ctx: Context) -> dict[str, str]:
    """Local office ODS code -> its E39 code in the ONS lookup of April 2017, which gives no ODS codes: each
    office is matched by its name, which ODS eauth 2018-11 spells the same in capitals. The offices closed on
    31 March 2018 (the four South ones) are named only here."""
    q_of_name: dict[str, list[str]] = {}
    for row in ctx.rows("ods-eauth-2018-11"):
        q_of_name.setdefault(row[1], []).append(row[0])
    out: dict[str, str] = {}
    for r in ctx.table("ons-ccg17-nhsrlo17-lookup"):
        found = q_of_name.get(r["NHSRLO17NM"].upper(), [])
        if len(found) != 1:
            raise ValueError(f"ONS 2017 local office {r['NHSRLO17NM']!r} matches ODS codes {found}")
        out[found[0]] = r["NHSRLO17CD"]
    return out


def local_office_nodes(ctx: Context, g: Triples, regions: dict[str, Unit]) -> dict[str, Unit]:
    """Local offices Q70-Q88 from ODS eauth 2018-11, with their ONS names and E39 codes (those of the April
    2018 lookup, else of the April 2017 one for the offices closed before April 2018)."""
    ons = {r["NHSRLO18CDH"]: r for r in ctx.table("ons-ccg18-nhsrlo18-lookup")}
    codes_2017 = office_codes_2017(ctx)
    units: dict[str, Unit] = {}
    for row in ctx.rows("ods-eauth-2018-11"):
        code = row[0]
        if not (code.startswith("Q") and len(code) == 3):
            continue
        opened, closed = ods_date(row[10]), ods_date(row[11])
        founded, note = opened, None
        if opened and opened < LO_START:
            founded = LO_START
            note = (
                f"ODS gives {opened}, the opening of the area team with the same code; "
                f"local offices began {LO_START}."
            )
        if closed is None:
            closed = OFFICES_GONE_BY
            note = f"{note} {OFFICES_NOTE}" if note else OFFICES_NOTE
        label = ons[code]["NHSRLO18NM"] if code in ons else title_case(row[1])
        gss = ons[code]["NHSRLO18CD"] if code in ons else codes_2017.get(code)
        sources = [ctx.src("ods-eauth-2018-11")] + (
            [ctx.src("ons-ccg18-nhsrlo18-lookup")]
            if code in ons
            else [ctx.src("ons-ccg17-nhsrlo17-lookup")]
            if gss
            else []
        )
        if closed == OFFICES_GONE_BY:
            sources += [ctx.src("ods-epraccur-2019-10"), ctx.src("ods-epraccur-2021-11")]
        region = regions[row[2]]
        node = Organisation(
            iri=iris.org("local-office", code),
            cls="LocalOffice",
            label=label,
            alt_labels=[row[1]],
            ods=code,
            gss=gss,
            sources=sources,
            founded=founded,
            dissolved=closed,
            unit_of=region.iri,
            caveat=Caveat("Low" if closed == OFFICES_GONE_BY else "Medium", "Inferred", note)
            if note
            else None,
        )
        node.add_to(g)
        ctx.short[node.iri] = label
        units[code] = Unit(node.iri, founded, closed)
        relation(
            ctx, "Accountability", node.iri, region.iri, within(region, founded, closed), sources
        ).add_to(g)
        if region.dissolved and closed and region.dissolved < closed:
            regionless_gap(ctx, node, region, closed).add_to(g)
    return units


def regionless_gap(ctx: Context, office: Organisation, region: Unit, closed: str) -> KnownGap:
    """The span in which a local office outlived its region and no source read names its next region."""
    start = day_after(region.dissolved or closed)
    return KnownGap(
        iri=iris.gap(office.iri, "AccountabilityUnknown", start),
        body=office.iri,
        kind="AccountabilityUnknown",
        label=f"{office.label}: accountable to an unknown region, {long_date(start)} to {long_date(closed)}",
        description=f"Its region ({ctx.label_of(region.iri)}) ended by {long_date(day_before(start))}; no "
        "source read says which of the seven regions of April 2019 it then answered to.",
        start=start,
        end=closed,
        sources=[ctx.src("ods-eauth-2018-11"), ctx.src("ons-nhser19-nc")],
    )


# Local offices open in ODS eauth 2018-11: ODS epraccur 2019-10 still names them as the higher level of open
# practices; epraccur 2021-11 names STPs there and no open practice names a local office. No source read
# gives their end: the last day of November 2021 is the latest they can have lasted as ODS shows them.
OFFICES_GONE_BY = "2021-11-30"
OFFICES_NOTE = (
    "No source read gives its end: ODS epraccur 2019-10 names it as the higher level of open practices, "
    "epraccur 2021-11 names STPs there instead; 30 November 2021 is the last day it can have lasted as ODS "
    "shows it."
)

HUB_FILES = ("ods-eccg-2016-02", "ods-eccg-2018-11", "ods-eccg-2025-12")  # oldest first: the latest wins


def hub_codes(ctx: Context) -> dict[str, tuple[list[str], list[str]]]:
    """Hub code -> (its latest row, the files listing it)."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for key in HUB_FILES:
        for row in ctx.rows(key):
            if row[13] in ("H", "RO218"):
                files = found.get(row[0], ([], []))[1]
                found[row[0]] = (row, [*files, key])
    return found


def hub_nodes(ctx: Context, g: Triples) -> None:
    """Commissioning hubs, units of the NHS CB (the region columns of the hub rows are not reliable)."""
    for code, (row, files) in sorted(hub_codes(ctx).items()):
        sources = [ctx.src(f) for f in files]
        founded, closed = ods_date(row[10]), ods_date(row[11])
        node = Organisation(
            iri=iris.org("hub", code),
            cls="CommissioningHub",
            label=title_case(row[1]),
            alt_labels=[row[1]],
            sources=sources,
            ods=code,
            founded=founded,
            dissolved=closed,
            unit_of=NHS_CB,
            end_status=None if closed else ("Current" if "ods-eccg-2025-12" in files else "EndUnknown"),
        )
        node.add_to(g)
        ctx.short[node.iri] = node.label
        relation(ctx, "Accountability", node.iri, NHS_CB, (founded, closed), sources).add_to(g)
