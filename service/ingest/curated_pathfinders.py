"""GP commissioning consortia (pathfinders.csv): kind `consortium`, keyed by the slug of the name.

The date a row gives is the date of the pathfinder wave or listing, so it is the founding date only as an
inference (the caveat says so); a month or year goes to nhs:approximateStart. A consortium is linked to a
PCT (nhs:PartnershipMembership) only where the row names the area of exactly one PCT (or of the PCTs it
lists); the table below is checked by hand against ONS PCO 2012.
"""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.ingest import local_curated
from service.ingest.curated_common import SourceBook, add_approximate, first_day, pct_iri, read_rows
from service.ingest.model import Caveat, Organisation, Relation
from service.ingest.turtle import Triples

FILE = "pathfinders.csv"
DATES_FILE = "consortium_dates.csv"
PCT_END = "2013-03-31"
END_NOTE = (
    "The link ends by 31 March 2013 at the latest, when the PCTs were abolished; no source gives an earlier "
    "end."
)
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


@dataclass(frozen=True)
class Dates:
    """This repository's dates for the consortia (data/curated/consortium_dates.csv): name -> row; "*" gives
    the end of every consortium."""

    book: SourceBook
    node: str  # the file's source node
    rows: dict[str, dict[str, str]]

    def start(self, row: dict[str, str]) -> tuple[str, dict[str, str] | None]:
        """The start the sources support (YYYY, YYYY-MM or a full date), and the row giving it if not the
        shared file's."""
        if row["date"]:
            return row["date"], None
        given = self.rows.get(row["name"])
        return (given["start_date"], given) if given else ("", None)

    def sources(self, *rows: dict[str, str] | None) -> list[str]:
        return sorted({s for r in rows if r for s in local_curated.row_sources(self.book, r, self.node)})

    @property
    def end(self) -> dict[str, str]:
        return self.rows["*"]


def _consortium(row: dict[str, str], node: str, sources: list[str], g: Triples, dates: Dates) -> str:
    """The consortium; returns its start as the sources give it."""
    when, given = dates.start(row)
    wave = f"wave {row['wave']}" if row["wave"] else "wave not stated"
    note = f"Pathfinder {wave}; area: {row['area_or_pct']}."
    if row["date"]:
        note += f" The date ({when}) is that of the wave or listing in the source, not a founding date."
    if row["note"]:
        note += f" {row['note']}"
    if given:
        note += f" Start: {given['note']}"
    note += f" End: {dates.end['note']}"
    Organisation(
        node,
        "GPCommissioningConsortium",
        row["name"],
        sorted({*sources, *dates.sources(given, dates.end)}),
        founded=first_day(when) if when else None,
        dissolved=dates.end["end_date"],
        caveat=Caveat("Low" if given else "Medium", "Inferred", note),
    ).add_to(g)
    add_approximate(g, node, start=when)
    return when


def _partnership(
    row: dict[str, str], node: str, code: str, named: bool, ctx: tuple[str, list[str], str]
) -> Relation:
    """The consortium in the area of one PCT, from its start to the PCT's abolition at the latest."""
    when, sources, area_name = ctx
    pct = pct_iri(code)
    area = row["area_or_pct"]
    caveat = (
        Caveat("High", "Stated")
        if named
        else Caveat("Medium", "Inferred", f"PCT matched to the area the source names: {area}.")
    )
    caveat.note = " ".join(p for p in (caveat.note, END_NOTE) if p)
    return Relation(
        iris.membership(node, pct, first_day(when) if when else None),
        "PartnershipMembership",
        node,
        pct,
        "partner",
        f"{row['name']} in the area of {area_name}",
        sources,
        first_day(when) if when else None,
        PCT_END,
        end_status="EndUnknown",
        caveat=caveat,
    )


def convert_pathfinders(book: SourceBook, g: Triples, names: dict[str, str]) -> list[str]:
    """The named consortia; returns rows whose area could not be tied to one PCT."""
    csv_source = book.data_file(
        FILE, "Named GP commissioning pathfinders and consortia (about 10% coverage)."
    )
    local = local_curated.data_file(
        book, DATES_FILE, "Start and end dates of the GP commissioning consortia."
    )
    dates = Dates(book, local, {r["name"]: r for r in local_curated.read(DATES_FILE)})
    unlinked = []
    for row in read_rows(book.folder, FILE):
        if row["name"].startswith(NOT_A_BODY):
            continue
        node = consortium_iri(row["name"])
        sources = [csv_source, *book.cell(row["source_url"])]
        when = _consortium(row, node, sources, g, dates)
        codes, named = AREAS.get(row["area_or_pct"], ([], False))
        if not codes:
            unlinked.append(f"{row['name']} ({row['area_or_pct']})")
        for code in codes:
            cited = sorted({*sources, *dates.sources(dates.end)})
            link = _partnership(row, node, code, named, (when, cited, names.get(pct_iri(code), code)))
            link.add_to(g)
            add_approximate(g, link.iri, start=when)
    return unlinked
