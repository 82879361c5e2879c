"""Nodes that both converters refer to: the national waves, the events both describe, the law, the system.

Ownership, so that no node is described twice (two labels, two dates):

- A national wave (an `nhs:Reorganisation` such as `WAVE_2013`) is described by the curated converter only
  (label, description, date, legal basis, sources, from key_events.csv). The raw converter writes nothing
  about a wave but `dcterms:hasPart` from it to the events it infers itself.
- An event the raw converter infers from the data (`body_event`, `PCT_ABOLITION_2013`) is described by the
  raw converter only; where a curated row states the same change, the curated converter adds its citations
  (`prov:wasDerivedFrom`) to that event and mints no event of its own.
- `NHS_IN_ENGLAND`, the subject of the national figures (`nhs:figureOf`), is written by `add_nhs_in_england`.

Legal basis rule, for `nhs:legalBasis` in every converter: the identifier of a whole item of legislation, Act
or statutory instrument level, `http://www.legislation.gov.uk/id/{ukpga|uksi}/{year}/{number}`
(`service.ingest.legislation`); never a section, a version (`/made`, `/enacted`) or a format (`/data.html`).
A section, where a source gives one, goes into the text (a description or note). `legislation` builds these
IRIs, each constant below is checked in `legislation.CHECKED`, and `curated_common.legislation_iri` maps any
legislation.gov.uk address to this form.
"""

from __future__ import annotations

from service import iris
from service.ingest.legislation import legislation
from service.ingest.model import LABEL, A
from service.ingest.turtle import Triples, en
from service.iris import PREFIXES

NHS_ACT_1977 = legislation("ukpga", 1977, 49)
HA_ACT_1995 = legislation("ukpga", 1995, 17)
NHS_REFORM_ACT_2002 = legislation("ukpga", 2002, 17)
HSCA_2012 = legislation("ukpga", 2012, 7)
HCA_2022 = legislation("ukpga", 2022, 31)
SI_1996_709 = legislation("uksi", 1996, 709)
SI_2002_553 = legislation("uksi", 2002, 553)
SI_2006_2072 = legislation("uksi", 2006, 2072)
SI_2022_634 = legislation("uksi", 2022, 634)

# The national waves (described by the curated converter, from key_events.csv).
WAVE_2002 = iris.event("2002-04-01", "pcts and shas established")
WAVE_SHA_2006 = iris.event("2006-07-01", "sha reorganisation")
WAVE_PCT_2006 = iris.event("2006-10-01", "pct reorganisation")
WAVE_2013 = iris.event("2013-04-01", "ccgs established")
WAVE_2022 = iris.event("2022-07-01", "icbs established")

# Events inferred by the raw converter that a curated row also states.
PCT_ABOLITION_2013 = iris.event("2013-04-01", "pct abolition")


def body_event(day: str, kind: str, code: str, what: str = "established") -> str:
    """The raw converter's event for one body on a day, e.g. `event/2005-10-01/care-trust-tal-established`."""
    return iris.event(day, f"{kind}-{code}-{what}")


NHS_IN_ENGLAND = iris.org("system", "nhs-england")
SCHEMA_THING = PREFIXES["schema"] + "Thing"


def add_nhs_in_england(g: Triples) -> str:
    """The English NHS as a whole, which national figures ("303 PCTs in England") are about.

    No class of the ontology fits (it is not an organisation with a code, dates and sources), so it is a
    `schema:Thing` with a label: enough to be named wherever it is linked.
    """
    g.add(NHS_IN_ENGLAND, A, SCHEMA_THING)
    g.add(NHS_IN_ENGLAND, LABEL, en("The NHS in England"))
    return NHS_IN_ENGLAND
