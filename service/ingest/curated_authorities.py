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

from service import iris
from service.ingest.curated_common import (
    DH,
    SourceBook,
    read_rows,
    sha_2002_key,
)
from service.ingest.curated_people import People
from service.ingest.model import NHS, SCHEMA, Caveat, ChangeEvent, Organisation, Relation, cite
from service.ingest.national import HA_ACT_1995, SI_1996_709, SI_2002_553, WAVE_2002, WAVE_SHA_2006
from service.ingest.turtle import Triples, date, en

HA_FILE = "health_authorities_1996_2002.csv"
SHA_FILE = "shas_2002_2006.csv"
HA_START = "1996-04-01"
HA_END = "2002-03-31"
SHA_START = "2002-04-01"
SHA_END = "2006-06-30"
HA_ABOLISHED = iris.event("2002-04-01", "health authorities abolished")


def ha_iri(row: dict[str, str]) -> str:
    return iris.org("health-authority", row["ods_code"] or iris.slug(row["name"]))


def sha_iri(name: str) -> str:
    return iris.org("sha-2002", sha_2002_key(name))


def _ha_founding_sources(book: SourceBook) -> list[str]:
    book.titles[HA_ACT_1995] = "Health Authorities Act 1995"
    book.titles[SI_1996_709] = "The Health Authorities Act 1995 (Transitional Provisions) Order 1996"
    return [book.law(HA_ACT_1995), book.law(SI_1996_709)]


def convert_health_authorities(book: SourceBook, g: Triples, names: dict[str, str]) -> list[str]:
    """The health authorities; returns the IRIs of those without a stated successor."""
    csv_source = book.data_file(HA_FILE, "Health authorities of England 1996-2002 with their regions.")
    founding = _ha_founding_sources(book)
    note = (
        "The source gives the start year 1996; 1 April 1996 is the commencement of the Health "
        "Authorities Act 1995 (SI 1996/709). A health authority formed by a later merger would have a later "
        "founding date."
    )
    without_successor = []
    for row in read_rows(book.folder, HA_FILE):
        node = ha_iri(row)
        names[node] = row["name"]
        sources = [csv_source, *book.cell(row["source_url"])]
        Organisation(
            node,
            "HealthAuthority",
            row["name"],
            sources,
            ods=row["ods_code"] or None,
            founded=HA_START,
            dissolved=row["end_date"],
            caveat=Caveat("Medium", "Inferred", " ".join(p for p in (note, row["note"]) if p)),
            alt_labels=[row["name"].replace(" & ", " and ")],
        ).add_to(g)
        cite(g, node, founding)
        if not row["successor_2002_stated"]:
            without_successor.append(node)
    return without_successor


def convert_ha_successions(book: SourceBook, g: Triples, without_successor: list[str]) -> set[str]:
    """Mergers into the 2002 health authorities where stated, one abolition event for the rest; returns
    the 2002 authorities formed by a stated merger."""
    csv_source = book.data_file(HA_FILE, "Health authorities of England 1996-2002 with their regions.")
    law = [SI_2002_553]
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for row in read_rows(book.folder, HA_FILE):
        stated = row["successor_2002_stated"]
        if stated:
            successor = re.sub(r"\s+HA \(SHA\)$", "", stated)
            origins, sources = groups.setdefault(successor, ([], [csv_source]))
            origins.append(ha_iri(row))
            sources.extend(book.cell(row["source_url"]))
    for successor, (origins, sources) in sorted(groups.items()):
        ChangeEvent(
            iris.event("2002-04-01", f"{successor} health authority established"),
            "Merger",
            f"{successor} Health Authority formed from {len(origins)} health authorities",
            "2002-04-01",
            sorted(set(sources)),
            originals=origins,
            results=[sha_iri(successor)],
            legal_basis=law,
            part_of=WAVE_2002,
        ).add_to(g)
    _abolition(book, g, without_successor, csv_source)
    return {sha_iri(successor) for successor in groups}


def _abolition(book: SourceBook, g: Triples, without_successor: list[str], csv_source: str) -> None:
    law = [SI_2002_553]
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
    ).add_to(g)


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
    ).add_to(g)


def _establishment(row: dict[str, str], node: str, sources: list[str], g: Triples) -> None:
    ChangeEvent(
        iris.event("2002-04-01", f"{sha_2002_key(row['name'])} health authority established"),
        "Establishment",
        f"{row['name']} established as a health authority",
        "2002-04-01",
        sources,
        results=[node],
        legal_basis=[SI_2002_553],
        part_of=WAVE_2002,
    ).add_to(g)


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
