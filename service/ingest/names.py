"""Names of bodies that the raw files leave unnamed, from this repository's data/curated/names.csv.

ODS epcmem gives the codes of the primary care groups and trusts of 1999-2013 but not their names, and the
files that name PCTs (ONS PCO 2012, the shared folder's pcts_2002_2006.csv) miss some. The names found since
on public pages are kept in names.csv, one row per name, with the page that gives it and how the name was
matched to the code. A row with an empty `name` records the pages consulted for a code (or, with code `*`,
for every body of a kind) that name nothing.

The converters that make these bodies ask `NameBook.name_of(kind, code)`; a body with no name gets the
plain label "Primary care group 4NE42", `nhs:nameStatus nhs:NameUnknown` and an `nhs:KnownGap` of kind
`nhs:NameUnknownGap` over its life (docs/terms.md, "Known gaps"), citing the sources consulted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from service import iris
from service.ingest import local_curated
from service.ingest.curated_common import SourceBook, is_full_date
from service.ingest.model import LABEL, NHS, SCHEMA, A, Caveat, KnownGap, Organisation, cite
from service.ingest.turtle import Triples, date, en

FILE = "names.csv"
EVERY = "*"  # the code of a row that applies to every body of its kind
GAP_KIND = "NameUnknownGap"
GAP_SLUG = "name-unknown"
KINDS = {
    "pcg": "primary care group",
    "pct": "primary care trust",
    "care-trust": "care trust",
    "ccg": "clinical commissioning group",
    "lhb": "Welsh local health board",
    "practice": "GP practice",
    "local-office": "NHS England local office",
}
WELSH_GROUP = "Welsh local health group"  # an `lhb` code of five characters (1999-2003)
DESCRIPTION = (
    "Names of primary care groups, primary care trusts, care trusts and clinical commissioning groups that "
    "the raw ODS and ONS files leave unnamed, each matched to its ODS code on the evidence of the cited page."
)


@dataclass(frozen=True)
class NameRow:
    """One row of names.csv: a name (empty where none was found) of the body `kind`/`code`."""

    code: str
    kind: str
    name: str
    valid_from: str
    valid_to: str
    source_url: str
    caveat: Caveat | None

    @property
    def dated(self) -> bool:
        return bool(self.valid_from or self.valid_to)


def read_rows(folder: Path = local_curated.FOLDER) -> list[NameRow]:
    """Every row of names.csv; an unknown kind or a partial date is an error, not a skipped row."""
    rows = []
    for raw in local_curated.read(FILE, folder):
        if raw["kind"] not in KINDS:
            raise ValueError(f"{FILE}: unknown kind {raw['kind']!r} for {raw['code']}")
        for day in (raw["valid_from"], raw["valid_to"]):
            if day and not is_full_date(day):
                raise ValueError(f"{FILE}: {raw['code']} has a date that is not YYYY-MM-DD: {day!r}")
        if raw["name"] and not raw["source_url"]:
            raise ValueError(f"{FILE}: the name of {raw['code']} cites no page")
        rows.append(
            NameRow(
                raw["code"],
                raw["kind"],
                raw["name"],
                raw["valid_from"],
                raw["valid_to"],
                raw["source_url"],
                local_curated.row_caveat(raw),
            )
        )
    return rows


@dataclass(frozen=True)
class Life:
    """A body's first and last day (None while it is open)."""

    first: str
    last: str | None


@dataclass
class NameBook:
    """The names of names.csv by (kind, code); what naming the bodies adds (earlier names, gaps) and the
    source nodes of the file and of the pages it cites, written to their own output file."""

    rows: list[NameRow]
    book: SourceBook = field(default_factory=lambda: SourceBook(local_curated.FOLDER))
    triples: Triples = field(default_factory=Triples)

    @classmethod
    def load(cls, folder: Path = local_curated.FOLDER) -> NameBook:
        return cls(read_rows(folder), SourceBook(folder))

    def output(self) -> Triples:
        """The gaps, earlier names and source nodes added so far."""
        out = Triples()
        out.extend(self.triples)
        out.extend(self.book.triples)
        return out

    def file_node(self) -> str:
        return local_curated.data_file(self.book, FILE, DESCRIPTION)

    def names(self, kind: str, code: str) -> list[NameRow]:
        """The named rows of one body, the current (or last) name last."""
        found = [r for r in self.rows if r.kind == kind and r.code == code and r.name]
        return sorted(found, key=lambda r: (r.valid_to or "9999", r.valid_from))

    def name_of(self, kind: str, code: str) -> NameRow | None:
        """The body's name (its last, if it changed), or None where no source consulted names it."""
        found = self.names(kind, code)
        return found[-1] if found else None

    def cite(self, row: NameRow) -> list[str]:
        """The source nodes of one row: names.csv and each page of its `source_url`."""
        return [self.file_node(), *self.book.cell(row.source_url)]

    def consulted(self, kind: str, code: str) -> list[str]:
        """The sources of the empty rows for this body and for its whole kind: pages that name nothing."""
        rows = [r for r in self.rows if r.kind == kind and r.code in (code, EVERY) and not r.name]
        pages = sorted({page for r in rows for page in self.book.cell(r.source_url)})
        return [self.file_node(), *pages]

    def name_or_gap(self, node: Organisation, kind: str, code: str, life: Life) -> str | None:
        """Name `node`, made by a converter whose own files do not name it, from names.csv; or give it the
        plain label and a gap. Returns the name found, None if there is none. A named node is left alone."""
        if node.name_known:
            return None
        row = self.name_of(kind, code)
        if row is None:
            node.label = plain_label(kind, code)
            consulted = sorted({*node.sources, *self.consulted(kind, code)})
            self._gap(node.iri, kind, code, life, consulted)
            return None
        node.label, node.name_known = row.name, True
        node.sources.extend(self.cite(row))
        node.alt_labels.extend(self._earlier(node.iri, kind, code))
        note = match_note(row)
        if node.caveat is None:
            node.caveat = Caveat(note=note)
        else:
            node.caveat.note = f"{node.caveat.note} {note}" if node.caveat.note else note
        return row.name

    def _gap(self, body: str, kind: str, code: str, life: Life, sources: list[str]) -> None:
        words = kind_words(kind, code)
        KnownGap(
            iri=iris.gap(body, GAP_SLUG, life.first),
            body=body,
            kind=GAP_KIND,
            label=f"No source consulted names {words} {code}",
            description=f"No source consulted gives the name of this {words}.",
            start=life.first,
            end=life.last,
            sources=sources,
        ).add_to(self.triples)

    def _earlier(self, body: str, kind: str, code: str) -> list[str]:
        """An nhs:NameUse for every dated name of the body but its last; returns those names."""
        g, rows = self.triples, self.names(kind, code)
        for row in rows[:-1]:
            if not (row.valid_from and row.valid_to):
                raise ValueError(f"{FILE}: the earlier name {row.name!r} of {code} needs both dates")
            node = iris.name_use(body, row.valid_from)
            g.add(body, NHS + "hadName", node)
            g.add(node, A, NHS + "NameUse")
            g.add(node, LABEL, en(row.name))
            g.add(node, SCHEMA + "name", en(row.name))
            g.add(node, SCHEMA + "startDate", date(row.valid_from))
            g.add(node, SCHEMA + "endDate", date(row.valid_to))
            if row.caveat:
                row.caveat.add_to(g, node)
            cite(g, node, self.cite(row))
        return [row.name for row in rows[:-1]]


def kind_words(kind: str, code: str) -> str:
    """What the body is, in words: "primary care group"."""
    return WELSH_GROUP if kind == "lhb" and len(code) == 5 else KINDS[kind]


def plain_label(kind: str, code: str) -> str:
    """The label of a body no source names: its kind and code, "Primary care group 4NE42"."""
    words = kind_words(kind, code)
    return f"{words[0].upper()}{words[1:]} {code}"


def match_note(row: NameRow) -> str:
    """The part of a body's editorial note that says where its name comes from."""
    how = row.caveat.note if row.caveat and row.caveat.note else "see the cited page"
    sure = f" Confidence: {row.caveat.confidence}." if row.caveat and row.caveat.confidence else ""
    return f"Name from {FILE}: {how}{sure}"
