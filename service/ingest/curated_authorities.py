"""Health authorities 1996-2002 and the 28 strategic health authorities 2002-2006.

Health authorities: kind `health-authority`, keyed by the Q code the file gives, else the name slug. The file
gives the start as the year 1996; the Health Authorities Act 1995 commenced on 1 April 1996 and the health
authorities were established from that day (SI 1996/709), so the founding date is 1996-04-01, marked as
inferred for each body (a body formed later by a merger would have a later date).

The 28 SHAs: kind `sha-2002`, keyed by the slug of the name without "Strategic Health Authority" (as in the
docs/uris.md example). Each was established on 2002-04-01 as "X Health Authority" (an nhs:NameUse) and
renamed on 2002-10-01 (one national nhs:Renaming event).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service import iris
from service.ingest import local_curated
from service.ingest.curated_common import (
    DH,
    SourceBook,
    read_rows,
    sha_2002_key,
)
from service.ingest.curated_people import People
from service.ingest.legislation import legislation
from service.ingest.model import DCT, NHS, SCHEMA, Caveat, ChangeEvent, Organisation, Relation, cite
from service.ingest.national import (
    HA_ACT_1995,
    NHS_REFORM_ACT_2002,
    SI_1996_709,
    SI_2002_553,
    WAVE_2002,
    WAVE_SHA_2006,
)
from service.ingest.turtle import Triples, date, en

HA_FILE = "health_authorities_1996_2002.csv"
SHA_FILE = "shas_2002_2006.csv"
HA_START = "1996-04-01"
HA_END = "2002-03-31"
SHA_START = "2002-04-01"
SHA_END = "2006-06-30"
HA_ABOLISHED = iris.event("2002-04-01", "health authorities abolished")
CORRECTIONS = "health_authority_corrections.csv"
HA_START_NOTE = (
    "The source gives the start year 1996; 1 April 1996 is the commencement of the Health "
    "Authorities Act 1995 (SI 1996/709). A health authority formed by a later merger would have a later "
    "founding date."
)
SI_2002_2469 = legislation("uksi", 2002, 2469)
RENAMING_2002 = "health authorities renamed strategic health authorities"
RENAMED_2002 = iris.event("2002-10-01", RENAMING_2002)


def _add_event(g: Triples, event: ChangeEvent) -> None:
    """The event, and dcterms:isPartOf its national wave beside the wave's dcterms:hasPart."""
    event.add_to(g)
    if event.part_of:
        g.add(event.iri, DCT + "isPartOf", event.part_of)


def ha_iri(row: dict[str, str]) -> str:
    return iris.org("health-authority", row["ods_code"] or iris.slug(row["name"]))


def sha_iri(name: str) -> str:
    return iris.org("sha-2002", sha_2002_key(name))


def _ha_founding_sources(book: SourceBook) -> list[str]:
    book.titles[HA_ACT_1995] = "Health Authorities Act 1995"
    book.titles[SI_1996_709] = "The Health Authorities Act 1995 (Transitional Provisions) Order 1996"
    return [book.law(HA_ACT_1995), book.law(SI_1996_709)]


@dataclass(frozen=True)
class HealthAuthority:
    """One health authority of 1996-2002, from the shared file as corrected by this repository's file."""

    node: str
    name: str
    ods: str
    start: str
    end: str
    successor: str  # the 2002 authority a source states ("X HA (SHA)"), or ""
    merged_into: str  # the name of the authority it merged into before 2002, or ""
    sources: list[str]
    caveat: Caveat


def _shared_authority(row: dict[str, str], csv_source: str, book: SourceBook) -> HealthAuthority:
    note = " ".join(p for p in (HA_START_NOTE, row["note"]) if p)
    return HealthAuthority(
        ha_iri(row),
        row["name"],
        row["ods_code"],
        HA_START,
        row["end_date"],
        row["successor_2002_stated"],
        "",
        [csv_source, *book.cell(row["source_url"])],
        Caveat("Medium", "Inferred", note),
    )


def _local_authority(row: dict[str, str], local: str, csv_source: str, book: SourceBook) -> HealthAuthority:
    sources = local_curated.row_sources(book, row, local)
    if row["supersedes"]:
        sources.append(csv_source)
    return HealthAuthority(
        iris.org("health-authority", row["key"]),
        row["name"],
        "",
        row["start_date"],
        row["end_date"],
        row["successor_2002_stated"],
        row["merged_into"],
        sources,
        local_curated.row_caveat(row) or Caveat(),
    )


def health_authorities(book: SourceBook) -> list[HealthAuthority]:
    """The shared file's rows less those the corrections supersede, and the corrections' own rows."""
    csv_source = book.data_file(HA_FILE, "Health authorities of England 1996-2002 with their regions.")
    local = local_curated.data_file(
        book, CORRECTIONS, "Corrections to the health authorities of 1996-2002, each with its source."
    )
    corrections = local_curated.read(CORRECTIONS)
    dropped = {n.strip() for r in corrections for n in r["supersedes"].split(";") if n.strip()}
    found = [
        _shared_authority(row, csv_source, book)
        for row in read_rows(book.folder, HA_FILE)
        if row["name"] not in dropped
    ]
    found += [_local_authority(row, local, csv_source, book) for row in corrections]
    return sorted(found, key=lambda ha: ha.node)


def convert_health_authorities(
    book: SourceBook, g: Triples, names: dict[str, str], authorities: list[HealthAuthority]
) -> list[str]:
    """The health authorities; returns the IRIs of those abolished in 2002 without a stated successor."""
    founding = _ha_founding_sources(book)
    without_successor = []
    for ha in authorities:
        names[ha.node] = ha.name
        Organisation(
            ha.node,
            "HealthAuthority",
            ha.name,
            ha.sources,
            ods=ha.ods or None,
            founded=ha.start,
            dissolved=ha.end,
            caveat=ha.caveat,
            alt_labels=[ha.name.replace(" & ", " and ")],
        ).add_to(g)
        if ha.start == HA_START:
            cite(g, ha.node, founding)
        if not ha.successor and not ha.merged_into:
            without_successor.append(ha.node)
    return without_successor


def _earlier_mergers(g: Triples, authorities: list[HealthAuthority]) -> None:
    """Mergers of health authorities before 2002 (into an authority the corrections name)."""
    by_name = {ha.name: ha for ha in authorities}
    groups: dict[str, list[HealthAuthority]] = {}
    for ha in authorities:
        if ha.merged_into:
            groups.setdefault(ha.merged_into, []).append(ha)
    for name, origins in sorted(groups.items()):
        result = by_name[name]
        _add_event(
            g,
            ChangeEvent(
                iris.event(result.start, f"{iris.slug(name)} formed"),
                "Merger",
                f"{name} formed from {len(origins)} health authorities",
                result.start,
                sorted({s for ha in origins for s in ha.sources}),
                originals=[ha.node for ha in origins],
                results=[result.node],
                caveat=Caveat("High", "Stated", result.caveat.note),
            ),
        )


def convert_ha_successions(book: SourceBook, g: Triples, authorities: list[HealthAuthority]) -> set[str]:
    """Mergers into the 2002 health authorities where stated (and earlier mergers), one abolition event for
    the rest; returns the 2002 authorities formed by a stated merger."""
    csv_source = book.data_file(HA_FILE, "Health authorities of England 1996-2002 with their regions.")
    law = [SI_2002_553]
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for ha in authorities:
        if ha.successor:
            successor = re.sub(r"\s+HA \(SHA\)$", "", ha.successor)
            origins, sources = groups.setdefault(successor, ([], [csv_source]))
            origins.append(ha.node)
            sources.extend(ha.sources)
    for successor, (origins, sources) in sorted(groups.items()):
        _add_event(
            g,
            ChangeEvent(
                iris.event("2002-04-01", f"{successor} health authority established"),
                "Merger",
                f"{successor} Health Authority formed from {len(origins)} health authorities",
                "2002-04-01",
                sorted(set(sources)),
                originals=sorted(origins),
                results=[sha_iri(successor)],
                legal_basis=law,
                part_of=WAVE_2002,
            ),
        )
    _earlier_mergers(g, authorities)
    without = [ha.node for ha in authorities if not ha.successor and not ha.merged_into]
    _abolition(book, g, without, csv_source)
    return {sha_iri(successor) for successor in groups}


def _abolition(book: SourceBook, g: Triples, without_successor: list[str], csv_source: str) -> None:
    law = [SI_2002_553]
    _add_event(
        g,
        ChangeEvent(
            HA_ABOLISHED,
            "Abolition",
            "Health authorities abolished (successors not stated)",
            "2002-04-01",
            [csv_source, book.law(SI_2002_553)],
            originals=without_successor,
            legal_basis=law,
            part_of=WAVE_2002,
            caveat=Caveat(
                note="The schedule of SI 2002/553, which maps old to new authorities, was "
                "not available; successors are stated only for the Essex and Hampshire "
                "health authorities."
            ),
        ),
    )


def _sha_org(row: dict[str, str], node: str, sources: list[str], g: Triples) -> None:
    alts = [a.strip().strip('"') for a in re.split(r"\s*;\s*", row["alternative_names"]) if a]
    alts = [re.sub(r"\s*\(.*\)$", "", a).strip('"') for a in alts]
    note = row["note"]
    if "inferred" in row["nhs_region_2004"]:
        note += f". Region 2004: {row['nhs_region_2004']}"
    Organisation(
        node,
        "StrategicHealthAuthority",
        row["name"],
        sources,
        founded=row["start_date"],
        dissolved=row["end_date"],
        alt_labels=alts,
        caveat=Caveat(note=note),
    ).add_to(g)
    short = re.sub(r"\s+Strategic Health Authority$", "", row["name"])
    first = iris.name_use(node, row["start_date"])
    g.add(node, NHS + "hadName", first)
    g.add(first, iris.PREFIXES["rdf"] + "type", NHS + "NameUse")
    g.add(first, iris.PREFIXES["rdfs"] + "label", en(f"{short} Health Authority"))
    g.add(first, SCHEMA + "name", en(f"{short} Health Authority"))
    g.add(first, SCHEMA + "startDate", date(row["start_date"]))
    g.add(first, SCHEMA + "endDate", date("2002-09-30"))
    cite(g, first, sources)


def _sha_successor(row: dict[str, str], node: str, sources: list[str], g: Triples) -> None:
    stated = row["successor_basis"] == "stated"
    caveat = (
        Caveat("High", "Stated")
        if stated
        else Caveat(
            "Medium",
            "Inferred",
            "Successor inferred from geography (successor_basis "
            f"{row['successor_basis']}): NHS {row['successor_sha_2006']} covers its area.",
        )
    )
    _add_event(
        g,
        ChangeEvent(
            iris.event(
                "2006-07-01", f"{sha_2002_key(row['name'])} succeeded by sha {row['successor_sha_2006_ods']}"
            ),
            "Merger",
            f"{row['name']} merged into the {row['successor_sha_2006']} SHA",
            "2006-07-01",
            sources,
            originals=[node],
            results=[iris.org("sha", row["successor_sha_2006_ods"])],
            part_of=WAVE_SHA_2006,
            caveat=caveat,
        ),
    )


def _establishment(row: dict[str, str], node: str, sources: list[str], g: Triples) -> None:
    _add_event(
        g,
        ChangeEvent(
            iris.event("2002-04-01", f"{sha_2002_key(row['name'])} health authority established"),
            "Establishment",
            f"{row['name']} established as a health authority",
            "2002-04-01",
            sources,
            results=[node],
            legal_basis=[SI_2002_553],
            part_of=WAVE_2002,
        ),
    )


def _renaming(row: dict[str, str], node: str, sources: list[str], g: Triples) -> None:
    """The one body's renaming as a strategic health authority: the body lives on under a new name, so the
    event's original and result are the same IRI (no succession); it is part of the national renaming."""
    short = re.sub(r"\s+Strategic Health Authority$", "", row["name"])
    day = row["renamed_sha_date"] or "2002-10-01"
    _add_event(
        g,
        ChangeEvent(
            iris.event(
                day, f"{sha_2002_key(row['name'])} health authority renamed strategic health authority"
            ),
            "Renaming",
            f"{short} Health Authority renamed {row['name']}",
            day,
            sources,
            originals=[node],
            results=[node],
            legal_basis=[NHS_REFORM_ACT_2002, SI_2002_2469],
            part_of=RENAMED_2002,
        ),
    )


def convert_shas_2002(book: SourceBook, g: Triples, people: People, merged: set[str]) -> list[str]:
    """The 28 SHAs with names, successors, accountability and chief executives; returns their IRIs."""
    csv_source = book.data_file(SHA_FILE, "The 28 strategic health authorities of 2002-2006.")
    nodes = []
    for row in read_rows(book.folder, SHA_FILE):
        node = sha_iri(row["name"])
        nodes.append(node)
        people.names[node] = row["name"]
        sources = [csv_source, *book.cell(row["source_url"])]
        _sha_org(row, node, sources, g)
        _sha_successor(row, node, sources, g)
        _renaming(row, node, sources, g)
        if node not in merged:
            _establishment(row, node, sources, g)
        Relation(
            iris.accountability(node, DH, row["start_date"]),
            "Accountability",
            node,
            DH,
            "accountableTo",
            f"{row['name']} accountable to the Department of Health",
            sources,
            row["start_date"],
            row["end_date"],
            caveat=Caveat(
                "High",
                "Inferred",
                "Strategic health authorities were accountable to "
                "the Secretary of State for Health; the cited rows do not state it.",
            ),
        ).add_to(g)
        _sha_chief_executives(book, row, node, csv_source, people)
    return nodes


def _sha_chief_executives(
    book: SourceBook, row: dict[str, str], node: str, csv_source: str, people: People
) -> None:
    """'Name (CE, as of Oct 2004) URL' entries: holdings without dates; the status goes to the note."""
    for entry in filter(None, re.split(r"\s*;\s*(?=[A-Z])", row["chief_executives_found"])):
        match = re.match(r"([^()]+?)\s*\(([^)]*)\)\s*(\S*)", entry)
        if not match:
            continue
        name, status, url = match.groups()
        sources = [csv_source, *book.urls_in(url)]
        people.hold(
            name,
            node,
            "Chief Executive",
            ("", ""),
            sources,
            Caveat(note=f"Source: {status}; dates not given."),
            merge=True,
        )
