"""Clinical commissioning groups 2013-2022: names, codes, lifetimes, accountability and STP partnership."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from service import iris
from service.ingest.model import Caveat, Organisation, day_before
from service.ingest.names import Life, plain_label
from service.ingest.ods_common import Context, expand_ccg, ods_date, runs_by_value, title_case
from service.ingest.ods_nhse import AT_END, Unit, office_codes_2017, relation, within
from service.ingest.turtle import Triples

CCG_END = "2022-06-30"  # the last day of the CCGs that became sub-ICB locations
# ONS names and codes files, oldest first: (file, ODS code column, GSS column, name column)
ONS_CCG_FILES = (
    ("ons-ccg-apr-2013", "CCG13CDH", "CCG13CD", "CCG13NM"),
    ("ons-ccg17-nc", "CCG17CDH", "CCG17CD", "CCG17NM"),
    ("ons-ccg19-nc", "CCG19CDH", "CCG19CD", "CCG19NM"),
    ("ons-ccg20-nc", "CCG20CDH", "CCG20CD", "CCG20NM"),
)


@dataclass
class Ccg:
    code: str
    ods_name: str
    founded: str
    dissolved: str
    became_sub_icb: bool
    icb: str
    ons_names: list[str] = field(default_factory=list)
    gss: list[str] = field(default_factory=list)
    ons_files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_ccgs(ctx: Context) -> dict[str, Ccg]:
    """Every CCG in ODS eccg 2025-12: closed CCG rows, and sub-ICB location rows (the CCG lives on as one)."""
    out: dict[str, Ccg] = {}
    for row in ctx.rows("ods-eccg-2025-12"):
        roles = row[13].split("|")
        if row[13] and "RO319" not in roles:
            continue
        founded = ods_date(row[10])
        if founded is None:
            raise ValueError(f"CCG without an open date: {row}")
        sub_icb = "RO319" in roles
        dissolved = CCG_END if sub_icb else ods_date(row[11])
        if dissolved is None:
            raise ValueError(f"closed CCG row without a close date: {row}")
        out[row[0]] = Ccg(row[0], row[1], founded, dissolved, sub_icb, row[3])
    for key, code_col, gss_col, name_col in ONS_CCG_FILES:
        for r in ctx.table(key):
            ccg = out[r[code_col]]
            ccg.ons_files.append(key)
            name = r[name_col] if r[name_col].endswith(" CCG") else r[name_col] + " CCG"
            if name not in ccg.ons_names:
                ccg.ons_names.append(name)
            if r[gss_col] not in ccg.gss:
                ccg.gss.append(r[gss_col])
    return out


def align_founding(ccgs: dict[str, Ccg], first_join: dict[str, str]) -> None:
    """A CCG whose ODS open date precedes its first practice member, and whose predecessors closed the day
    before that member joined, was founded on that day: ODS opened the code ahead of the merger (13T)."""
    closed = {c.dissolved for c in ccgs.values()}
    for ccg in ccgs.values():
        first = first_join.get(ccg.code)
        if first and first > ccg.founded and day_before(first) in closed:
            ccg.notes.append(
                f"Founded on {first}, when its first GP practices joined (ODS epcmem) the day after its "
                f"predecessors closed; ODS eccg gives the open date {ccg.founded}, when the code was opened."
            )
            ccg.founded = first


def ccg_node(ctx: Context, ccg: Ccg) -> Organisation:
    if ccg.ons_names:
        short, alts = ccg.ons_names[-1], list(ccg.ons_names)
    else:
        short, alts = title_case(ccg.ods_name), []
    named = not (ccg.ods_name.startswith("NHS ") and " ICB - " in ccg.ods_name and not ccg.ons_names)
    note = list(ccg.notes)
    if len(ccg.gss) > 1:
        note.append(f"ONS gave this CCG more than one GSS code over time: {', '.join(ccg.gss)}.")
    if ccg.became_sub_icb:
        note.append(f"Dissolution on {CCG_END}: the CCG became a sub-ICB location of its ICB on 2022-07-01.")
    label = expand_ccg(short) if named else plain_label("ccg", ccg.code)
    node = Organisation(
        iri=iris.org("ccg", ccg.code),
        cls="ClinicalCommissioningGroup",
        label=label,
        alt_labels=[*alts, short] if named else [],
        name_known=named,
        ods=ccg.code,
        gss=ccg.gss[-1] if ccg.gss else None,
        former_gss=ccg.gss[:-1],
        founded=ccg.founded,
        dissolved=ccg.dissolved,
        sources=[ctx.src("ods-eccg-2025-12"), *(ctx.src(k) for k in ccg.ons_files)]
        + ([ctx.src("ods-epcmem-2019-08")] if ccg.notes else []),
        caveat=Caveat(note=" ".join(note)) if note else None,
    )
    found = ctx.names.name_or_gap(node, "ccg", ccg.code, Life(ccg.founded, ccg.dissolved))
    if found:
        node.alt_labels.append(found)
        node.label = expand_ccg(found)
    ctx.short[node.iri] = short if named else found or f"CCG {ccg.code}"
    return node


def ccg_nodes(ctx: Context, ccgs: dict[str, Ccg]) -> Triples:
    g = Triples()
    for code in sorted(ccgs):
        ccg_node(ctx, ccgs[code]).add_to(g)
    return g


def area_team_accountabilities(ctx: Context, ccgs: dict[str, Ccg], teams: dict[str, Unit]) -> Triples:
    """CCG -> area team from the ONS lookup as at 2013-04-01, to the end of the area teams (2015-03-31)."""
    g = Triples()
    code_of = {r["CCG13CD"]: r["CCG13CDH"] for r in ctx.table("ons-ccg-apr-2013")}
    note = "ONS lookup as at 1 April 2013; assumed unchanged until the area teams closed on 31 March 2015."
    for row in ctx.table("ons-ccg13-nhsat13-lookup"):
        ccg = ccgs[code_of[row["CCG13CD"]]]
        team = teams[row["NHSAT13CD"]]
        dates = within(team, ccg.founded, min(ccg.dissolved, AT_END))
        sources = [
            ctx.src("ons-ccg13-nhsat13-lookup"),
            ctx.src("ons-ccg-apr-2013"),
            ctx.src("openprescribing-area-teams"),
            ctx.src("ods-eccg-2025-12"),
        ]
        body = iris.org("ccg", ccg.code)
        relation(
            ctx, "Accountability", body, team.iri, dates, sources, Caveat("Medium", "Inferred", note)
        ).add_to(g)
    return g


def local_office_observations(ctx: Context) -> dict[str, list[tuple[str, str, str]]]:
    """CCG code -> [(date seen, local office Q code, file)] from ODS eccg and ONS lookups, by date."""
    seen: dict[str, list[tuple[str, str, str]]] = {}
    lo18 = ctx.table("ons-ccg18-nhsrlo18-lookup")
    # Q70 (Wessex) and Q71 (London) kept their area-team E39 codes as local offices; only at.csv maps Q70's.
    q_of_e39 = {r["ons_code"]: r["hscic_code"] for r in ctx.table("openprescribing-area-teams")}
    q_of_e39.update({r["NHSRLO18CD"]: r["NHSRLO18CDH"] for r in lo18})
    for q_code, e39 in office_codes_2017(ctx).items():
        q_of_e39.setdefault(e39, q_code)
    code17 = {r["CCG17CD"]: r["CCG17CDH"] for r in ctx.table("ons-ccg17-nc")}
    for row in ctx.rows("ods-eccg-2016-02"):
        if row[13] == "C":
            seen.setdefault(row[0], []).append(("2016-02-11", row[3], "ods-eccg-2016-02"))
    for r in ctx.table("ons-ccg17-nhsrlo17-lookup"):
        seen.setdefault(code17[r["CCG17CD"]], []).append(
            ("2017-04-01", q_of_e39[r["NHSRLO17CD"]], "ons-ccg17-nhsrlo17-lookup")
        )
    for r in lo18:
        seen.setdefault(r["CCG18CDH"], []).append(
            ("2018-04-01", r["NHSRLO18CDH"], "ons-ccg18-nhsrlo18-lookup")
        )
    for row in ctx.rows("ods-eccg-2018-11"):
        if row[13] == "C":
            seen.setdefault(row[0], []).append(("2018-11-01", row[3], "ods-eccg-2018-11"))
    for code, office in practice_majority(ctx, EPRACCUR_2019, 3).items():
        seen.setdefault(code, []).append((EPRACCUR_2019_DATE, office, EPRACCUR_2019))
    return {code: sorted(obs) for code, obs in seen.items()}


EPRACCUR_2019, EPRACCUR_2019_DATE = "ods-epraccur-2019-10", "2019-10-03"  # the day it was retrieved


def practice_majority(ctx: Context, key: str, column: int) -> dict[str, str]:
    """CCG code -> the value of `column` (0-based) held by most of the CCG's open GP practices in an ODS
    epraccur file (column 15 the CCG, column 26 setting 4 = GP practice)."""
    votes: dict[str, Counter[str]] = {}
    for row in ctx.rows(key):
        if row[12] in ("A", "D", "P") and row[25] == "4" and row[14] and row[column]:
            votes.setdefault(row[14], Counter())[row[column]] += 1
    return {code: count.most_common(1)[0][0] for code, count in votes.items()}


LO_NOTE = (
    "Dated from snapshots (ODS eccg 2016-02 and 2018-11, ONS lookups of April 2017 and 2018, ODS epraccur "
    "2019-10): a change between two snapshots is dated at the founding of the new local office where that "
    "falls between them, else at the later snapshot."
)
LO_TAIL = (
    " The end is not known: the last snapshot that gives a local office is ODS epraccur of October 2019 (by "
    "November 2021 ODS gives STPs in its place), and no source consulted says when local offices stopped "
    "overseeing CCGs; the end given is the last day it can have lasted, the CCG's own last day."
)


def local_office_accountabilities(ctx: Context, ccgs: dict[str, Ccg], offices: dict[str, Unit]) -> Triples:
    g = Triples()
    offices = {**offices, "Q73": lancashire_office(ctx, g)}
    for code, obs in sorted(local_office_observations(ctx).items()):
        ccg = ccgs[code]
        obs = [o for o in obs if ccg.founded <= o[0] <= ccg.dissolved and o[1] in offices]
        runs = runs_by_value(obs)
        starts = [_run_start(run, runs[i - 1] if i else None, offices, ccg) for i, run in enumerate(runs)]
        for i, run in enumerate(runs):
            office = offices[run[0][1]]
            last = i + 1 == len(runs)
            dates = within(office, starts[i], ccg.dissolved if last else day_before(starts[i + 1]))
            sources = sorted({ctx.src(o[2]) for o in run} | {ctx.src("ods-eccg-2025-12")})
            open_tail = last and ccg.dissolved == CCG_END and dates[1] == CCG_END
            caveat = (
                Caveat("Low", "Inferred", LO_NOTE + LO_TAIL)
                if open_tail
                else Caveat("Medium", "Inferred", LO_NOTE)
            )
            relation(ctx, "Accountability", iris.org("ccg", code), office.iri, dates, sources, caveat).add_to(
                g
            )
    return g


Q73 = ("2015-04-01", "2017-03-31")
Q73_NOTE = (
    "ODS eccg of February 2016 places the CCGs of Greater Manchester and Lancashire under the NHS England "
    "North local office Q73, which is not in ODS eauth of November 2018 nor in the ONS local office lookups "
    "of 2017 and 2018; no source "
    "consulted names it. Its dates are the widest the sources support: local offices began on 2015-04-01 "
    "(ODS eauth), and the ONS lookup of April 2017 has no such office, so it ended by 2017-03-31. Q83 "
    "(Greater Manchester) and Q84 (Lancashire and South Cumbria) opened on 2016-04-01 for the same CCGs, so "
    "it most likely ended on 2016-03-31; ODS still gives Q73 for the three Manchester CCGs closed on "
    "2017-03-31."
)


def lancashire_office(ctx: Context, g: Triples) -> Unit:
    """The local office Q73 of 2015-16, which only ODS eccg 2016-02 shows (see Q73_NOTE)."""
    node = Organisation(
        iri=iris.org("local-office", "Q73"),
        cls="LocalOffice",
        label="NHS England local office Q73",
        name_known=False,
        ods="Q73",
        founded=Q73[0],
        dissolved=Q73[1],
        unit_of=iris.org("region", "Y54"),
        sources=[
            ctx.src("ods-eccg-2016-02"),
            ctx.src("ods-eauth-2018-11"),
            ctx.src("ons-ccg17-nhsrlo17-lookup"),
        ],
        caveat=Caveat("Low", "Inferred", Q73_NOTE),
    )
    ctx.names.name_or_gap(node, "local-office", "Q73", Life(*Q73))
    node.add_to(g)
    ctx.short[node.iri] = "local office Q73"
    unit = Unit(node.iri, *Q73)
    region = iris.org("region", "Y54")
    relation(
        ctx, "Accountability", node.iri, region, Q73, node.sources, Caveat("Low", "Inferred", Q73_NOTE)
    ).add_to(g)
    return unit


def _run_start(
    run: list[tuple[str, str, str]],
    prev: list[tuple[str, str, str]] | None,
    offices: dict[str, Unit],
    ccg: Ccg,
) -> str:
    office = offices[run[0][1]]
    if prev is None:
        return max(ccg.founded, office.founded or run[0][0])
    if office.founded and prev[-1][0] < office.founded <= run[0][0]:
        return office.founded
    return run[0][0]
