"""GP commissioning consortia (pathfinders.csv): kind `consortium`, keyed by the slug of the name.

The date a row gives is the date of the pathfinder wave or listing, so it is the founding date only as an
inference (the caveat says so); a month or year goes to nhs:approximateStart. A consortium is linked to a
PCT (nhs:PartnershipMembership) only where the row names the area of exactly one PCT (or of the PCTs it
lists); the table below is checked by hand against ONS PCO 2012.
"""

from __future__ import annotations

from service import iris
from service.ingest.curated_common import SourceBook, add_approximate, full_or_none, pct_iri, read_rows
from service.ingest.model import Caveat, Organisation, Relation
from service.ingest.turtle import Triples

FILE = "pathfinders.csv"
NOT_A_BODY = "(fourth wave"  # the wave-4 row records totals only (kept as a figure in key events)

# area_or_pct -> PCT codes (ONS PCO 2012) where the area is plainly one PCT's; True when the row names
# the PCT itself ("NHS Somerset"), False when the PCT is matched to a place name
AREAS: dict[str, tuple[list[str], bool]] = {
    "Somerset (NHS Somerset)": (["5QL"], True),
    "Hounslow": (["5HY"], False),
    "Manchester": (["5NT"], False),
    "County Durham and Darlington": (["5ND", "5J9"], False),
    "Bexley": (["TAK"], False),
    "Huntingdon, Cambridgeshire (NHS Cambridgeshire)": (["5PP"], True),
    "Cambridgeshire": (["5PP"], False),
    "Northamptonshire": (["5PD"], False),
    "Wakefield": (["5N3"], False),
    "Leeds": (["5N1"], False),
    "North East Lincolnshire": (["TAN"], False),
    "Cornwall": (["5QP"], False),
    "Lambeth": (["5LD"], False),
    "Ashton, Wigan and Leigh": (["5HG"], False),
    "Milton Keynes": (["5CQ"], False),
    "Great Yarmouth and Waveney": (["5PR"], False),
    "Sutton and Merton": (["5M7"], False),
    "Surrey (NHS Surrey)": (["5P5"], True),
}


def consortium_iri(name: str) -> str:
    return iris.org("consortium", iris.slug(name))


def _consortium(row: dict[str, str], node: str, sources: list[str], g: Triples) -> None:
    when = row["date"]
    wave = f"wave {row['wave']}" if row["wave"] else "wave not stated"
    note = f"Pathfinder {wave}; area: {row['area_or_pct']}."
    if when:
        note += f" The date ({when}) is that of the wave or listing in the source, not a founding date."
    if row["note"]:
        note += f" {row['note']}"
    Organisation(
        node,
        "GPCommissioningConsortium",
        row["name"],
        sources,
        founded=full_or_none(when),
        end_status="EndUnknown",
        caveat=Caveat(evidence="Inferred" if when else None, note=note),
    ).add_to(g)
    add_approximate(g, node, start=when)


def convert_pathfinders(book: SourceBook, g: Triples, names: dict[str, str]) -> list[str]:
    """The named consortia; returns rows whose area could not be tied to one PCT."""
    csv_source = book.data_file(
        FILE, "Named GP commissioning pathfinders and consortia (about 10% coverage)."
    )
    unlinked = []
    for row in read_rows(book.folder, FILE):
        if row["name"].startswith(NOT_A_BODY):
            continue
        node = consortium_iri(row["name"])
        sources = [csv_source, *book.cell(row["source_url"])]
        _consortium(row, node, sources, g)
        codes, named = AREAS.get(row["area_or_pct"], ([], False))
        if not codes:
            unlinked.append(f"{row['name']} ({row['area_or_pct']})")
        for code in codes:
            pct = pct_iri(code)
            start = full_or_none(row["date"])
            link = iris.membership(node, pct, start)
            Relation(
                link,
                "PartnershipMembership",
                node,
                pct,
                "partner",
                f"{row['name']} in the area of {names.get(pct, code)}",
                sources,
                start,
                None,
                end_status="EndUnknown",
                caveat=Caveat("High", "Stated")
                if named
                else Caveat(
                    "Medium", "Inferred", f"PCT matched to the area the source names: {row['area_or_pct']}."
                ),
            ).add_to(g)
            add_approximate(g, link, start=row["date"])
    return unlinked
