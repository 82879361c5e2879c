"""Converter of the raw ODS and ONS files (GP practices, PCGs, PCTs, SHAs, CCGs, NHS England units, ICBs).

`convert(source)` reads the shared folder and returns the triples of each output file stem; the pipeline
writes each to data/ttl/{stem}.ttl. The rules chosen where the sources need reading are documented in the
modules: the epcmem end-date convention (ods_practices), the predecessor threshold (ods_events), the
straddling PCTs (ods_pcts), Wales (ods_practices: Welsh bodies and W-coded practices go to "wales"), the
epraccur snapshots of 2021-2026 (ods_present, ods_practices_now: practices' CCGs to 30 June 2022 and sub-ICB
locations from 1 July 2022), the ICB mergers of 1 April 2026 (ods_icb_2026) and the sub-ICB locations' ICB
and names over time (ods_sub_icbs).
"""

from __future__ import annotations

import pathlib

from service import iris
from service.ingest import (
    accountability_ccgs,
    accountability_gaps,
    ods_ccgs,
    ods_events,
    ods_events_ccg,
    ods_icb_2026,
    ods_icbs,
    ods_lifetimes,
    ods_nhse,
    ods_pcts,
    ods_practices,
    ods_practices_now,
)
from service.ingest.ods_ccgs import Ccg
from service.ingest.ods_common import Context, ods_date, sources_graph
from service.ingest.ods_events import Lives, render
from service.ingest.ods_lifetimes import Lifetimes
from service.ingest.ods_practices import Span
from service.ingest.turtle import Triples

STEMS = ("practices", "wales", "pcgs", "pcts", "ccgs", "nhs-england", "icbs", "names", "sources-ods")


def merge(*parts: Triples) -> Triples:
    out = Triples()
    for part in parts:
        out.extend(part)
    return out


def convert(source: pathlib.Path) -> dict[str, Triples]:
    """The triples of each output file stem, from the shared folder `source` (with data/raw, data/curated)."""
    ctx = Context(source)
    spans = ods_practices.read_spans(ctx)
    pcgs, wales_bodies = ods_practices.welsh_and_pcg_nodes(ctx, spans)
    pct_graph, pcts = ods_pcts.pct_nodes(ctx, spans)
    shas = ods_pcts.sha_nodes(ctx)
    nhse = Triples()
    regions = ods_nhse.region_nodes(ctx, nhse)
    teams = ods_nhse.area_team_nodes(ctx, nhse, regions)
    offices = ods_nhse.local_office_nodes(ctx, nhse, regions)
    ods_nhse.hub_nodes(ctx, nhse)
    hubs = set(ods_nhse.hub_codes(ctx))
    ccgs = ods_ccgs.read_ccgs(ctx)
    ods_ccgs.align_founding(ccgs, {code: span.first for code, span in spans.items()})
    ccg_graph = ods_ccgs.ccg_nodes(ctx, ccgs)
    icbs = Triples()
    stps = ods_icbs.stp_nodes(ctx, icbs)
    mergers = ods_icb_2026.read_mergers(ctx)
    icb_units = ods_icbs.icb_nodes(ctx, icbs, mergers)
    sub_icbs = ods_icbs.sub_icb_nodes(ctx, icbs, ccgs, icb_units, stps, mergers)
    for event in ods_icb_2026.merger_events(ctx, mergers, ctx.short):
        event.add_to(icbs)
    ods_icbs.partnerships(ctx, ccg_graph, ccgs, stps)
    events = ods_events.transition_events(ctx, lives_of(spans, ccgs), hubs)
    late = ods_events_ccg.late_mergers(ctx, ccgs)
    lives = Lifetimes(ods_lifetimes.parents_of(parent_ends(ctx, ccgs), [*events["ccgs"], *late]))
    stints, welsh_stints = ods_practices_now.gp_stints(ctx)
    snapshot_rows = [
        *ods_practices_now.ccg_rows(stints, set(ccgs)),
        *ods_practices_now.board_rows(welsh_stints),
    ]
    practices, wales = ods_practices.practices_graphs(ctx, hubs, lives, snapshot_rows)
    practices.extend(ods_practices_now.sub_icb_graph(ctx, stints, sub_icbs, mergers))
    out = {
        "practices": practices,
        "wales": merge(wales_bodies, wales),
        "pcgs": merge(pcgs, render(events["pcgs"]), accountability_gaps.pcg_gaps(ctx, spans)),
        "pcts": merge(
            pct_graph,
            shas,
            render(events["pcts"]),
            ods_pcts.sha2002_accountabilities(ctx, pcts),
            ods_pcts.sha2006_accountabilities(ctx, pcts),
            accountability_gaps.pct_gaps(ctx, pcts),
        ),
        "ccgs": merge(
            ccg_graph,
            render(events["ccgs"]),
            ods_events_ccg.wave_2013(ctx, pcts, ccgs),
            render(late),
            ods_ccgs.area_team_accountabilities(ctx, ccgs, teams),
            ods_ccgs.local_office_accountabilities(ctx, ccgs, offices),
            accountability_ccgs.region_accountabilities(ctx, ccgs, regions),
        ),
        "nhs-england": nhse,
        "icbs": icbs,
    }
    out["names"] = ctx.names.output()
    out["sources-ods"] = sources_graph(ctx)
    return out


def lives_of(spans: dict[str, Span], ccgs: dict[str, Ccg]) -> Lives:
    """Lifetimes by parent code: from practice memberships (PCGs, PCTs), from ODS eccg for CCGs."""
    founded = {code: span.first for code, span in spans.items()}
    dissolved = {code: span.last for code, span in spans.items()}
    founded.update({code: ccg.founded for code, ccg in ccgs.items()})
    dissolved.update({code: ccg.dissolved for code, ccg in ccgs.items()})
    return Lives(founded, dissolved)


def parent_ends(ctx: Context, ccgs: dict[str, Ccg]) -> dict[str, tuple[str | None, str]]:
    """Parent IRI -> (dissolution date, its source) for the parents whose end is not their last member's."""
    ends: dict[str, tuple[str | None, str]] = {
        iris.org("ccg", c): (ccg.dissolved, ctx.src("ods-eccg-2025-12")) for c, ccg in ccgs.items()
    }
    for code, (row, files) in ods_nhse.hub_codes(ctx).items():
        ends[iris.org("hub", code)] = (ods_date(row[11]), ctx.src(files[-1]))
    return ends
