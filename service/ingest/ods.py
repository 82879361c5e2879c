"""Converter of the raw ODS and ONS files (GP practices, PCGs, PCTs, SHAs, CCGs, NHS England units, ICBs).

`convert(source)` reads the shared folder and returns the triples of each output file stem; the pipeline
writes each to data/ttl/{stem}.ttl. The rules chosen where the sources need reading are documented in the
modules: the epcmem end-date convention (ods_practices), the predecessor threshold (ods_events), the
straddling PCTs (ods_pcts), Wales (ods_practices: Welsh bodies and W-coded practices go to "wales").
"""

from __future__ import annotations

import pathlib

from service.ingest import ods_ccgs, ods_events, ods_events_ccg, ods_icbs, ods_nhse, ods_pcts, ods_practices
from service.ingest.ods_common import Context, sources_graph
from service.ingest.turtle import Triples

STEMS = ("practices", "wales", "pcgs", "pcts", "ccgs", "nhs-england", "icbs", "sources-ods")


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
    ccg_graph = ods_ccgs.ccg_nodes(ctx, ccgs)
    icbs = Triples()
    stps = ods_icbs.stp_nodes(ctx, icbs)
    icb_units = ods_icbs.icb_nodes(ctx, icbs)
    ods_icbs.sub_icb_nodes(ctx, icbs, ccgs, icb_units, stps)
    ods_icbs.partnerships(ctx, ccg_graph, ccgs, stps)
    events = ods_events.transition_events(ctx, spans, hubs)
    practices, wales = ods_practices.practices_graphs(ctx, hubs)
    out = {
        "practices": practices,
        "wales": merge(wales_bodies, wales),
        "pcgs": merge(pcgs, events["pcgs"]),
        "pcts": merge(
            pct_graph,
            shas,
            events["pcts"],
            ods_pcts.sha2002_accountabilities(ctx, pcts),
            ods_pcts.sha2006_accountabilities(ctx, pcts),
        ),
        "ccgs": merge(
            ccg_graph,
            events["ccgs"],
            ods_events_ccg.wave_2013(ctx, pcts, ccgs),
            ods_events_ccg.late_mergers(ctx, ccgs),
            ods_ccgs.area_team_accountabilities(ctx, ccgs, teams),
            ods_ccgs.local_office_accountabilities(ctx, ccgs, offices),
        ),
        "nhs-england": nhse,
        "icbs": icbs,
    }
    out["sources-ods"] = sources_graph(ctx)
    return out
