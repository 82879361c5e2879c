"""National bodies (Department of Health, NHS Commissioning Board / NHS England) and key_events.csv.

Each key event is one change event. National waves are nhs:Reorganisation nodes at the IRIs the raw
converter links its parts to; announcements, Acts and orders that change no organisation themselves are
plain org:ChangeEvent nodes, joined to their wave by dcterms:hasPart. A date the row gives only as a month
or year goes to nhs:approximateDate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service import iris
from service.ingest.curated_authorities import RENAMING_2002, SI_2002_2469
from service.ingest.curated_common import (
    DH,
    NATIONAL,
    NHS_CB,
    ReportedFigure,
    SourceBook,
    add_event,
    read_rows,
)
from service.ingest.legislation import legislation
from service.ingest.model import NHS, ORG, SCHEMA, Caveat, ChangeEvent, Organisation, Relation, cite
from service.ingest.national import (
    HA_ACT_1995,
    HCA_2022,
    HSCA_2012,
    NHS_ACT_1977,
    NHS_REFORM_ACT_2002,
    PCT_ABOLITION_2013,
    SI_2002_553,
    SI_2006_2072,
    SI_2022_634,
    WAVE_2002,
    WAVE_2022,
    WAVE_PCT_2006,
    WAVE_SHA_2006,
    add_nhs_in_england,
    body_event,
)
from service.ingest.turtle import Triples, date, en

FILE = "key_events.csv"
CBA_ORDER = legislation("uksi", 2011, 2237)
DH_FOUNDED_URL = "https://en.wikipedia.org/wiki/Secretary_of_State_for_Health_and_Social_Services"
CBA_NOTE = (
    "The row gives October 2011; the NHS Commissioning Board Authority (Establishment and Constitution) "
    "Order 2011 (SI 2011/2237) came into force on 31 October 2011."
)
MILESTONE = ORG + "ChangeEvent"


@dataclass
class Spec:
    """How one key_events row becomes an event: IRI name, class (None: a milestone), wave, links."""

    name: str
    cls: str | None
    part_of: str | None = None
    law: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    originals: list[str] = field(default_factory=list)
    day: str | None = None  # a full date to use instead of the row's (with `note`)
    note: str | None = None
    cites: str | None = None  # an event the raw converter makes: the row only adds its sources to it


def specs(groups: dict[str, list[str]]) -> dict[tuple[str, str], Spec]:
    """key (date, first word of the event) -> Spec; `groups` holds the IRIs made by other modules."""
    a1977, a2002, a2012, a2022 = NHS_ACT_1977, NHS_REFORM_ACT_2002, HSCA_2012, HCA_2022
    return {
        ("1996", "Health"): Spec(
            "health authorities established",
            "Reorganisation",
            law=[HA_ACT_1995],
            day="1996-04-01",
            note="The row gives the year 1996; the Health Authorities "
            "Act 1995 commenced on 1 April 1996 (SI 1996/709).",
        ),
        ("1999-04-01", "Primary"): Spec("pcgs established", "Reorganisation"),
        ("2000-04-01", "First"): Spec("pct first wave", "Reorganisation", law=[a1977]),
        ("2000-10-01", "Second"): Spec("pct second wave", "Reorganisation", law=[a1977]),
        ("2001-04-01", "Third"): Spec("pct third wave", "Reorganisation", law=[a1977]),
        ("2001-12-18", "Names"): Spec("strategic health authority names announced", None, WAVE_2002),
        ("2002-04-01", "95"): Spec("pcts and shas established", "Reorganisation", law=[SI_2002_553]),
        ("2002-06-25", "National"): Spec(
            "nhs reform and health care professions act 2002", None, law=[a2002]
        ),
        # The national renaming is the whole of 28 one-body renamings (curated_authorities.renamings), each
        # dcterms:isPartOf it: a wave, never a cross product of its 28 bodies.
        ("2002-10-01", "Health"): Spec(
            RENAMING_2002,
            "Reorganisation",
            law=[a2002, SI_2002_2469],
        ),
        ("2003-04-01", "Chingford"): Spec(
            "north east london pcts reorganised", "Reorganisation", law=[legislation("uksi", 2003, 1066)]
        ),
        ("2005-07", "Commissioning"): Spec("commissioning a patient-led nhs published", None, WAVE_PCT_2006),
        ("2005-10-01", "Torbay"): Spec(
            "torbay pct becomes torbay care trust", None, cites=body_event("2005-10-01", "care-trust", "TAL")
        ),
        ("2005-11-30", "Secretary"): Spec(
            "pct configuration proposals approved for consultation", None, WAVE_PCT_2006
        ),
        ("2005-12-14", "Public"): Spec("pct and sha consultation opens", None, WAVE_PCT_2006),
        ("2006-04-12", "Patricia"): Spec("sha reduction announced", None, WAVE_SHA_2006),
        ("2006-05-16", "PCT"): Spec("pct configuration announced", None, WAVE_PCT_2006),
        ("2006-07-01", "Ten"): Spec("sha reorganisation", "Reorganisation"),
        ("2006-07-24", "Primary"): Spec(
            "pct establishment and dissolution order made", None, WAVE_PCT_2006, law=[SI_2006_2072]
        ),
        ("2006-10-01", "PCT"): Spec("pct reorganisation", "Reorganisation", law=[SI_2006_2072, a1977]),
        ("2006-10-01", "Solihull"): Spec(
            "solihull care trust replaces solihull pct",
            None,
            cites=body_event("2006-10-01", "care-trust", "TAM"),
        ),
        ("2010-04-01", "West"): Spec(
            "nhs hertfordshire formed", "Merger", cites=body_event("2010-04-01", "pct", "5QV")
        ),
        ("2010-12", "First"): Spec("pathfinder first wave", None),
        ("2011-01-18", "Second"): Spec("pathfinder second wave", None),
        ("2011-03-02", "Third"): Spec("pathfinder third wave", None),
        ("2011-04", "Fourth"): Spec("pathfinder fourth wave", None),
        ("2011-04", "PCT"): Spec("pct clusters formed", "Reorganisation", results=groups["pct-cluster"]),
        ("2011-10-03", "SHA"): Spec(
            "sha clusters established", "Reorganisation", results=groups["sha-cluster"]
        ),
        ("2011-10", "NHS"): Spec(
            "nhs commissioning board authority established",
            "Establishment",
            law=[CBA_ORDER],
            results=[NHS_CB],
            day="2011-10-31",
            note=CBA_NOTE,
        ),
        ("2012-03", "Health"): Spec("health and social care act 2012", None, law=[a2012]),
        ("2012-10-01", "NHS"): Spec(
            "nhs commissioning board established", "Renaming", law=[a2012], results=[NHS_CB]
        ),
        ("2013-03-26", "NHS"): Spec(
            "nhs commissioning board operating name nhs england", "Renaming", results=[NHS_CB]
        ),
        ("2013-03-31", "PCTs"): Spec("pcts and shas abolished", "Abolition", cites=PCT_ABOLITION_2013),
        ("2013-04-01", "211"): Spec("ccgs established", "Reorganisation", law=[a2012]),
        ("2018-01-08", "Department"): Spec("department of health renamed", "Renaming", results=[DH]),
        ("2020-04-01", "Wave"): Spec("ccg mergers", "Reorganisation"),
        ("2022-04-28", "Health"): Spec("health and care act 2022", None, WAVE_2022, law=[a2022]),
        ("2022-07-01", "Integrated"): Spec("icbs established", "Reorganisation", law=[a2022, SI_2022_634]),
    }


def convert_key_events(book: SourceBook, g: Triples, groups: dict[str, list[str]]) -> list[str]:
    """Every row of key_events.csv; returns rows with no spec (none expected)."""
    csv_source = book.data_file(FILE, "Key events 1996-2022 with their legal basis.")
    table = specs(groups)
    missing = []
    for row in read_rows(book.folder, FILE):
        spec = table.get((row["date"], row["event"].split()[0]))
        if spec is None:
            missing.append(f"{row['date']} {row['event']}")
            continue
        sources = [csv_source, *book.cell(row["source_url"]), *(book.law(law) for law in spec.law)]
        if spec.cites:
            cite(g, spec.cites, sorted(set(sources)))
            continue
        when = spec.day or row["date"]
        note = " ".join(p for p in (spec.note, row["note"]) if p) or None
        event = ChangeEvent(
            iris.event(when, spec.name),
            spec.cls or "Reorganisation",
            row["event"],
            when,
            sorted(set(sources)),
            # A renaming changes a body that lives on: it is both the original and the resulting one.
            originals=spec.originals or (spec.results if spec.cls == "Renaming" else []),
            results=spec.results,
            legal_basis=spec.law,
            part_of=spec.part_of,
            caveat=Caveat(note=note),
            description=f"Bodies affected: {row['bodies_affected']}."
            + (f" Legal basis as the source gives it: {row['legal_basis']}." if row["legal_basis"] else ""),
        )
        add_event(g, event, when, None if spec.cls else MILESTONE)
    return missing


def name_use(g: Triples, body: str, name: str, span: tuple[str, str], sources: list[str]) -> None:
    node = iris.name_use(body, span[0])
    g.add(body, NHS + "hadName", node)
    g.add(node, iris.PREFIXES["rdf"] + "type", NHS + "NameUse")
    g.add(node, iris.PREFIXES["rdfs"] + "label", en(name))
    g.add(node, SCHEMA + "name", en(name))
    g.add(node, SCHEMA + "startDate", date(span[0]))
    g.add(node, SCHEMA + "endDate", date(span[1]))
    cite(g, node, sources)


def convert_national_bodies(book: SourceBook, g: Triples) -> None:
    """The Department of Health (and Social Care) and NHS England, with earlier names."""
    events = book.data_file(FILE, "Key events 1996-2022 with their legal basis.")
    renamed = [
        events,
        book.web("https://en.m.wikipedia.org/wiki/Secretary_of_State_for_Health_and_Social_Care"),
    ]
    dh_sources = [*renamed, book.web(DH_FOUNDED_URL)]
    Organisation(
        DH,
        "GovernmentDepartment",
        "Department of Health and Social Care",
        dh_sources,
        founded="1988-07-25",
        end_status="Current",
        alt_labels=["Department of Health", "DH", "DHSC"],
    ).add_to(g)
    name_use(g, DH, "Department of Health", ("1988-07-25", "2018-01-07"), dh_sources)
    cb = [
        events,
        book.web("https://en.wikipedia.org/wiki/NHS_Commissioning_Board"),
        book.web("https://www.england.nhs.uk/2012/10/nhscb-established/"),
        book.law(CBA_ORDER),
    ]
    Organisation(
        NHS_CB,
        "NHSCommissioningBoard",
        "NHS England",
        cb,
        ods="X24",
        founded="2011-10-31",
        end_status="Current",
        alt_labels=["NHS Commissioning Board", "NHS CB", "NHS Commissioning Board Authority"],
        caveat=Caveat(
            note=CBA_NOTE + " The Authority, a special health authority, was replaced on "
            "1 October 2012 by the NHS Commissioning Board, an executive non-departmental "
            "public body; both are kept as this one organisation (ODS X24)."
        ),
    ).add_to(g)
    name_use(g, NHS_CB, "NHS Commissioning Board Authority", ("2011-10-31", "2012-09-30"), cb)
    name_use(g, NHS_CB, "NHS Commissioning Board", ("2012-10-01", "2013-03-25"), cb)
    Relation(
        iris.accountability(NHS_CB, DH, "2011-10-31"),
        "Accountability",
        NHS_CB,
        DH,
        "accountableTo",
        "NHS England accountable to the Department of Health",
        cb,
        "2011-10-31",
        None,
        end_status="Current",
        legal_basis=HSCA_2012,
        caveat=Caveat(
            "High",
            "Inferred",
            "Accountable to the Secretary of State for Health (a special "
            "health authority, then an executive non-departmental public body of the "
            "Department); the cited rows do not state it.",
        ),
    ).add_to(g)


KEY_FIGURES: list[tuple[str, str, str, int, str, str, str | None]] = [
    # slug, measure, unit label, value, date, event key date, caveat note
    (
        "pcg-count-1999-04-01",
        "NumberOfPCGs",
        "primary care groups",
        481,
        "1999-04-01",
        "1999-04-01",
        "Wikipedia's figure at the outset; epcmem has 503 PCG-pattern codes.",
    ),
    (
        "ha-count-2002-03-31",
        "NumberOfHealthAuthorities",
        "health authorities",
        95,
        "2002-03-31",
        "2002-04-01",
        "Wikipedia (Health authority): 95 at their abolition. Merton, Sutton and Wandsworth was one "
        "authority from 1996 (Hansard, 25 February 2002) and the Isle of Wight and Portsmouth and South East "
        "Hampshire authorities merged in April 2001, so 95 health authorities are alive here on this day.",
    ),
    (
        "sha-count-2002-04-01",
        "NumberOfSHAs",
        "strategic health authorities",
        28,
        "2002-04-01",
        "2002-04-01",
        None,
    ),
    (
        "pct-count-2002-04-01",
        "NumberOfPCTs",
        "primary care trusts",
        303,
        "2002-04-01",
        "2002-04-01",
        "Hansard; 303 PCT and care-trust codes are active on this day in epcmem.",
    ),
    (
        "sha-count-2006-04-12",
        "NumberOfSHAs",
        "strategic health authorities",
        28,
        "2006-04-12",
        "2006-04-12",
        None,
    ),
    (
        "sha-count-2006-07-01",
        "NumberOfSHAs",
        "strategic health authorities",
        10,
        "2006-07-01",
        "2006-04-12",
        "Announced on 12 April 2006; the ten SHAs started on 1 July 2006.",
    ),
    (
        "pct-count-2006-10-01",
        "NumberOfPCTs",
        "primary care trusts",
        152,
        "2006-10-01",
        "2006-10-01",
        "152 PCT and care-trust codes are active on this day in epcmem.",
    ),
    (
        "pathfinder-count-2010-12",
        "NumberOfPathfinders",
        "pathfinder consortia",
        52,
        "2010-12",
        "2010-12",
        None,
    ),
    (
        "pathfinder-count-2011-01-18",
        "NumberOfPathfinders",
        "pathfinder consortia",
        141,
        "2011-01-18",
        "2011-01-18",
        None,
    ),
    (
        "pathfinder-count-2011-03-02",
        "NumberOfPathfinders",
        "pathfinder consortia",
        177,
        "2011-03-02",
        "2011-03-02",
        None,
    ),
    (
        "pathfinder-count-2011-04",
        "NumberOfPathfinders",
        "pathfinder consortia",
        220,
        "2011-04",
        "2011-04",
        "Month inferred from the article text.",
    ),
    (
        "ccg-count-2013-04-01",
        "NumberOfCCGs",
        "clinical commissioning groups",
        211,
        "2013-04-01",
        "2013-04-01",
        "Derived: the rows of the ONS April 2013 CCG file.",
    ),
    (
        "icb-count-2022-07-01",
        "NumberOfICBs",
        "integrated care boards",
        42,
        "2022-07-01",
        "2022-07-01",
        "Derived: the STP20/ICB count in the raw ONS files.",
    ),
]


def convert_key_figures(book: SourceBook, g: Triples) -> None:
    """The national counts that key_events.csv states, as reported figures."""
    csv_source = book.data_file(FILE, "Key events 1996-2022 with their legal basis.")
    rows = {r["date"]: r for r in reversed(read_rows(book.folder, FILE))}
    add_nhs_in_england(g)
    for slug, measure, what, value, day, key, note in KEY_FIGURES:
        row = rows.get(key)
        if row is None:
            continue
        derived = note is not None and note.startswith("Derived")
        ReportedFigure(
            iris.figure(slug),
            f"{value} {what} in England ({day})",
            NATIONAL,
            measure,
            value,
            "organisations",
            day,
            [csv_source, *book.cell(row["source_url"])],
            Caveat(evidence="Inferred" if derived else "Stated", note=note),
        ).add_to(g)
