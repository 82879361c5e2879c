"""Shared pieces of the curated-facts converter: reading the CSVs, sources, partial dates, figures.

The curated files (data/curated in the shared folder) are hand-researched facts with their web sources.
Every node made from a row cites the CSV file as an `nhs:DataFile` and every web page of the row's
`source_url` cell as an `nhs:WebPage` (or an `nhs:Legislation` node for a legislation.gov.uk address).

Partial dates (`YYYY`, `YYYY-MM`) never go into `schema:*Date` or `dcterms:date` of an event, which are
`xsd:date`: a relation or organisation gets `nhs:approximateStart` / `nhs:approximateEnd`, an event
`nhs:approximateDate`, typed `xsd:gYear` or `xsd:gYearMonth`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as date_cls
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from service import iris
from service.ingest.legislation import CHECKED, Checked, document, fallback_title, legislation
from service.ingest.legislation import parts as law_parts
from service.ingest.model import (
    DCT,
    LABEL,
    NHS,
    OWL,
    RDF,
    SKOS,
    A,
    Caveat,
    ChangeEvent,
    Source,
    cite,
)
from service.ingest.national import NHS_IN_ENGLAND
from service.ingest.raw_files import describe, key_for_path
from service.ingest.turtle import Lit, Triples, en, integer
from service.ingest.turtle import decimal as decimal_lit
from service.iris import PREFIXES

XSD = PREFIXES["xsd"]
CURATED = Path("data") / "curated"
NATIONAL = NHS_IN_ENGLAND  # the subject of national figures (nhs:figureOf), see service.ingest.national
DH = iris.org("department", "department-of-health")
NHS_CB = iris.org("nhs-cb", "X24")
_FULL = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL = re.compile(r"^\d{4}(-\d{2})?$")
_LEGISLATION = re.compile(
    r"legislation\.(?:data\.)?gov\.uk\.?(?::443)?/(?:id/)?(?:cy/)?(ukpga|uksi)/(\d{4})/(\d+)", re.IGNORECASE
)

# The title of the shared curated files (their README): a data file's source title names it after the table.
COLLECTION = "Curated facts: English NHS commissioning bodies 1996–2022"
PUBLISHERS: dict[str, str] = {
    "api.parliament.uk": "UK Parliament (Hansard)",
    "hansard.parliament.uk": "UK Parliament (Hansard)",
    "publications.parliament.uk": "UK Parliament (Hansard)",
    "en.wikipedia.org": "Wikipedia",
    "en.m.wikipedia.org": "Wikipedia",
    "www.hsj.co.uk": "HSJ",
    "www.pulsetoday.co.uk": "Pulse",
    "www.theguardian.com": "The Guardian",
    "news.bbc.co.uk": "BBC News",
    "www.bbc.co.uk": "BBC News",
    "www.england.nhs.uk": "NHS England",
    "www.gov.uk": "GOV.UK",
}


def read_rows(folder: Path, name: str) -> list[dict[str, str]]:
    """The rows of one curated CSV, every value stripped."""
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def is_full_date(text: str) -> bool:
    return bool(_FULL.match(text))


def full_or_none(text: str) -> str | None:
    return text if is_full_date(text) else None


def partial_literal(text: str) -> Lit:
    """`YYYY` as xsd:gYear, `YYYY-MM` as xsd:gYearMonth."""
    if not _PARTIAL.match(text):
        raise ValueError(f"not a partial date: {text!r}")
    return Lit(text, XSD + ("gYear" if len(text) == 4 else "gYearMonth"))


def any_date_literal(text: str) -> Lit:
    return Lit(text, XSD + "date") if is_full_date(text) else partial_literal(text)


def first_day(text: str) -> str:
    """The earliest day a date given as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` can mean."""
    if is_full_date(text):
        return text
    return f"{text}-01-01" if len(text) == 4 else f"{text}-01"


def last_day(text: str) -> str:
    """The latest day a date given as `YYYY`, `YYYY-MM` or `YYYY-MM-DD` can mean."""
    if is_full_date(text):
        return text
    if len(text) == 4:
        return f"{text}-12-31"
    year, month = (int(part) for part in text.split("-"))
    following = date_cls(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).isoformat()


def add_approximate(g: Triples, node: str, start: str = "", end: str = "") -> None:
    """Record partial start / end dates that cannot be an xsd:date."""
    if start and not is_full_date(start):
        g.add(node, NHS + "approximateStart", partial_literal(start))
    if end and not is_full_date(end):
        g.add(node, NHS + "approximateEnd", partial_literal(end))


def add_event(g: Triples, event: ChangeEvent, when: str, cls_iri: str | None = None) -> None:
    """Add a change event whose date may be partial, or whose class is not one of ours (`cls_iri`)."""
    if is_full_date(when) and cls_iri is None:
        event.day = when
        event.add_to(g)
        return
    event.day = when if is_full_date(when) else "0001-01-01"
    scratch = Triples()
    event.add_to(scratch)
    for s, p, o in scratch:
        if p == DCT + "date" and not is_full_date(when):
            continue
        if p == A and s == event.iri and cls_iri is not None:
            o = cls_iri
        g.add(s, p, o)
    if not is_full_date(when):
        g.add(event.iri, NHS + "approximateDate", partial_literal(when))


def legislation_iri(url: str) -> str | None:
    """The Act or statutory instrument (the legal-basis rule of service.ingest.national) of any address on
    legislation.gov.uk: a section, version or format of it maps to the whole item."""
    match = _LEGISLATION.search(url)
    if not match:
        return None
    kind, year, number = match.groups()
    return legislation(kind.lower(), int(year), int(number))


def legislation_source(law: str) -> str:
    """Our source node for an item of legislation (its IRI predates the use of legislation.gov.uk's own)."""
    kind, year, number = law_parts(law)
    return iris.source(f"{kind}-{year}-{number}")


def page_title(url: str) -> str:
    """A readable title for a page whose title is not known: its publisher (or host) and the words of the
    last part of its path, `HSJ: pct cluster discussions revealed`."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.").rstrip(".")
    segments = [s for s in unquote(parts.path).split("/") if s]
    tail = segments[-1] if segments else ""
    if re.fullmatch(r"[\d.]+article|\d+|print|printable|data\.html|made", tail) and len(segments) > 1:
        tail = segments[-2]
    tail = re.sub(r"\.(html?|stm|aspx?)$", "", tail)
    words = " ".join(re.split(r"[-_+]+", tail)).strip()
    name = PUBLISHERS.get(parts.netloc.lower(), host)
    return f"{name}: {words}" if words else name


def publisher(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return PUBLISHERS.get(host, host.removeprefix("www."))


@dataclass
class SourceBook:
    """Every source the converter cites, written once to the sources file."""

    folder: Path
    triples: Triples = field(default_factory=Triples)
    titles: dict[str, str] = field(default_factory=dict)  # legislation IRI -> title

    def data_file(self, name: str, description: str) -> str:
        node = iris.source("curated-" + name.removesuffix(".csv"))
        Source(
            node,
            "DataFile",
            f"{description.rstrip('.')} ({COLLECTION})",
            publisher="NHS commissioning knowledge graph contributors",
            description=description,
            upstream=f"file:shared/data/curated/{name}",
        ).add_to(self.triples)
        return node

    def raw_file(self, path: str) -> str:
        """The one source node of a raw file, as the raw converter describes it (service.ingest.raw_files)."""
        return describe(self.triples, key_for_path(path))

    def law(self, law: str, title: str | None = None) -> str:
        """The source node of an Act or instrument: its document as schema:url, legislation.gov.uk's
        identifier as owl:sameAs, and, for an item named by number in the code, the page that checks it."""
        node = legislation_source(law)
        checked = CHECKED.get(law)
        name = title or (checked.title if checked else None) or self.titles.get(law) or fallback_title(law)
        Source(node, "Legislation", name, "legislation.gov.uk", url=document(law)).add_to(self.triples)
        self.triples.add(node, OWL + "sameAs", law)
        if checked:
            cite(self.triples, node, [self._checking_page(checked)])
        return node

    def _checking_page(self, checked: Checked) -> str:
        """The page an item was checked on: a web page like any other, except that a page on
        legislation.gov.uk, which `web` would take for the item itself, is kept as the page it is."""
        if legislation_iri(checked.page) is None:
            return self.web(checked.page)
        page = iris.web_source(checked.page)
        Source(page, "WebPage", checked.page_title, "legislation.gov.uk", url=checked.page).add_to(
            self.triples
        )
        return page

    def web(self, url: str, title: str | None = None, issued: str | None = None) -> str:
        law = legislation_iri(url)
        if law:
            return self.law(law)
        node = iris.web_source(url)
        Source(
            node, "WebPage", title or page_title(url), publisher=publisher(url), url=url, issued=issued
        ).add_to(self.triples)
        return node

    def cell(self, cell: str) -> list[str]:
        """The sources of a `source_url` cell (` ; `-separated; `raw/...` paths are data files)."""
        found = []
        for part in (p.strip() for p in cell.split(";")):
            if part.startswith("raw/"):
                found.append(self.raw_file(part))
            elif part.startswith("http"):
                found.append(self.web(part))
        return found

    def urls_in(self, text: str) -> list[str]:
        """Sources for the addresses written inside a free-text cell."""
        return [self.web(u.rstrip(".,)")) for u in re.findall(r"https?://\S+", text)]


@dataclass
class ReportedFigure:
    """An nhs:ReportedFigure: a number a source gives about a body or the national system."""

    iri: str
    label: str
    figure_of: str
    measure: str  # local name of an nhs: measure concept
    value: int | str  # an int, or a decimal written as text
    unit: str
    day: str  # ISO date, or YYYY / YYYY-MM
    sources: list[str]
    caveat: Caveat | None = None
    related: list[str] = field(default_factory=list)  # dcterms:relation, e.g. the bodies counted

    def add_to(self, g: Triples) -> None:
        s = self.iri
        g.add(s, A, NHS + "ReportedFigure")
        g.add(s, LABEL, en(self.label))
        g.add(s, NHS + "figureOf", self.figure_of)
        g.add(s, NHS + "measure", NHS + self.measure)
        value = integer(self.value) if isinstance(self.value, int) else decimal_lit(self.value)
        g.add(s, RDF + "value", value)
        g.add(s, PREFIXES["schema"] + "unitText", Lit(self.unit))
        # A month or year goes to nhs:approximateDate, never dcterms:date (docs/terms.md, "Added terms").
        if is_full_date(self.day):
            g.add(s, DCT + "date", any_date_literal(self.day))
        else:
            g.add(s, NHS + "approximateDate", partial_literal(self.day))
        for other in self.related:
            g.add(s, DCT + "relation", other)
        if self.caveat:
            self.caveat.add_to(g, s)
        cite(g, s, self.sources)


def pct_iri(code: str) -> str:
    """A PCT or care trust by its ODS code (care trusts have `T..` codes; see docs/uris.md)."""
    return iris.org("care-trust" if code.startswith("T") else "pct", code)


def sha_2002_key(name: str) -> str:
    """The key of a 2002-06 SHA: the slug of its name without the title (docs/uris.md example)."""
    return iris.slug(re.sub(r"\s+Strategic Health Authority$", "", name))


def pco_2012(source: Path) -> dict[str, str]:
    """ODS code -> name of the 151 PCTs and care trusts of 2012 (ONS PCO 2012)."""
    path = source / "data" / "raw" / "openprescribing" / "PCO_2012.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["PCO12CDO"]: r["PCO12NM"] for r in csv.DictReader(handle)}


def sha_2012(source: Path) -> dict[str, str]:
    path = source / "data" / "raw" / "openprescribing" / "SHA_2012.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["SHA12NM"]: r["SHA12CDO"] for r in csv.DictReader(handle)}


def notes(*parts: str) -> str | None:
    text = " ".join(p for p in parts if p)
    return text or None


def caveat_or_none(confidence: str | None, evidence: str | None, note: str | None) -> Caveat | None:
    if not (confidence or evidence or note):
        return None
    return Caveat(confidence, evidence, note)


def alt_labels(g: Triples, node: str, labels: Iterable[str]) -> None:
    for label in labels:
        g.add(node, SKOS + "altLabel", en(label))


def in_wave(g: Triples, wave: str, part: str) -> None:
    g.add(wave, DCT + "hasPart", part)
