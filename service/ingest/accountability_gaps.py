"""Known gaps in accountability: the spans of a body's life for which no source consulted says to whom it
answered (nhs:KnownGap of kind nhs:AccountabilityUnknown), stated on the body instead of guessed.

- Primary care groups (1999-2002) were committees of their health authority, but no source consulted names
  the health authority of any PCG code: ODS epcmem lists a PCG's practices and nothing above it, and the
  curated list of health authorities 1996-2002 has names and regions, no PCG codes. The digits of a PCG code
  do not follow health authority areas either: practices under codes sharing the last two digits lie in
  unrelated postcode areas (epraccur 2019-10), so they cannot be grouped by code.
- Primary care trusts before 1 April 2002 answered to their health authority (the strategic health
  authorities began that day); no source consulted says which, for the same reasons.
"""

from __future__ import annotations

from service import iris
from service.ingest.model import KnownGap, long_date
from service.ingest.ods_common import Context
from service.ingest.ods_practices import Span, parent_kind
from service.ingest.turtle import Triples

KIND = "AccountabilityUnknown"
HA_END = "2002-03-31"  # the health authorities of 1996 were abolished from 1 April 2002 (SI 2002/553)
HA_LIST = iris.source("curated-health_authorities_1996_2002")

PCG_WORDS = (
    "A primary care group was a committee of its health authority, but no source consulted says which "
    "health authority this one belonged to, so the graph does not say to whom it was accountable. ODS epcmem "
    "lists the group's GP practices and nothing above it; the curated list of health authorities 1996-2002 "
    "gives no PCG codes; and PCG codes do not follow health authority areas."
)
PCT_WORDS = (
    "Before 1 April 2002 a primary care trust answered to its health authority, but no source consulted says "
    "which health authority this one answered to. ODS epcmem lists its GP practices and nothing above it; "
    "the curated lists of health authorities 1996-2002 and of PCTs 2002-2006 do not link the two."
)


def gap(ctx: Context, body: str, start: str, end: str, words: str, sources: list[str]) -> KnownGap:
    return KnownGap(
        iri=iris.gap(body, "accountability-unknown", start),
        body=body,
        kind=KIND,
        label=f"Accountability of {ctx.label_of(body)} unknown, {long_date(start)} to {long_date(end)}",
        description=words,
        start=start,
        end=end,
        sources=sources,
    )


def pcg_gaps(ctx: Context, spans: dict[str, Span]) -> Triples:
    """Every English PCG, for its whole life."""
    g = Triples()
    sources = [ctx.src("ods-epcmem-2019-08"), ctx.src("derived-epcmem-parent-spans"), HA_LIST]
    for code, span in sorted(spans.items()):
        if parent_kind(code, set()) == "pcg" and span.last:
            gap(ctx, iris.org("pcg", code), span.first, span.last, PCG_WORDS, sources).add_to(g)
    return g


def pct_gaps(ctx: Context, pcts: dict[str, Span]) -> Triples:
    """Every PCT or care trust founded before 1 April 2002, from its founding to 31 March 2002."""
    g = Triples()
    sources = [
        ctx.src("ods-epcmem-2019-08"),
        ctx.src("derived-epcmem-parent-spans"),
        ctx.src("curated-pcts-2002-2006"),
        HA_LIST,
    ]
    for code, span in sorted(pcts.items()):
        if span.first <= HA_END:
            end = min(span.last or HA_END, HA_END)
            body = iris.org(parent_kind(code, set()), code)
            gap(ctx, body, span.first, end, PCT_WORDS, sources).add_to(g)
    return g
