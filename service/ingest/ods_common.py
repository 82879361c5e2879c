"""Shared plumbing of the ODS/ONS converter: readers, labels and the sources of the files read.

The files themselves and what we say about them as sources are in `raw_files`; the law and the national
nodes both converters link to are in `national`.

The `Context` carries what every part of the converter needs: the shared folder, the files read (so each
fact cites the files it came from), and a short label per organisation for the labels of relations.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from service import iris
from service.ingest.names import NameBook
from service.ingest.raw_files import EXTERNAL, FILES, describe, source_iri
from service.ingest.turtle import Triples

RAW = Path("data") / "raw"
CURATED = Path("data") / "curated"

NHS_CB = iris.org("nhs-cb", "X24")
EPCMEM_DATE = "2019-08-30"  # the date the epcmem file was generated (SOURCES.md)


def ods_date(text: str) -> str | None:
    """ISO date of an ODS YYYYMMDD field, None if blank."""
    text = text.strip()
    if not text:
        return None
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8])).isoformat()


@dataclass
class Context:
    """The shared folder, the files read so far, a short label per organisation IRI, and the names found
    by hand for bodies the files leave unnamed."""

    root: Path
    short: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    names: NameBook = field(default_factory=NameBook.load)  # names.csv: names the raw files lack
    _cache: dict[str, list[list[str]]] = field(default_factory=dict)

    def src(self, key: str) -> str:
        """The IRI of a file's source; the file is marked as used."""
        self.used.add(key)
        return source_iri(key)

    def rows(self, key: str) -> list[list[str]]:
        """All rows of a file, header included if it has one."""
        if key not in self._cache:
            data = (self.root / "data" / FILES[key].path).read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:  # a few ONS files are Windows-1252 (curly apostrophes)
                text = data.decode("cp1252")
            self._cache[key] = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
        return self._cache[key]

    def table(self, key: str) -> list[dict[str, str]]:
        """The rows of a file with a header, as dicts."""
        head, *body = self.rows(key)
        return [dict(zip(head, row, strict=False)) for row in body]

    def label_of(self, iri: str) -> str:
        return self.short.get(iri, iri.rsplit("/", 2)[-2] + " " + iri.rsplit("/", 1)[-1])


def sources_graph(ctx: Context) -> Triples:
    """One nhs:DataFile per file read."""
    g = Triples()
    for key in sorted(ctx.used - EXTERNAL):
        describe(g, key)
    return g


_SMALL = {"and", "of", "the", "on", "upon", "in", "with", "for", "by", "under", "at"}
_UPPER = {
    "NHS",
    "CCG",
    "ICB",
    "PCT",
    "H&J",
    "UK",
    "II",
    "HMP",
    "HMYOI",
    "GP",
    "PMS",
    "APMS",
    "OOH",
    "WIC",
    "UCC",
}


def title_case(text: str) -> str:
    """Proper case of an ODS upper-case name: 'NHS STOCKTON-ON-TEES CCG' -> 'NHS Stockton-on-Tees CCG'."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        out.append(_case_word(word, first=i == 0))
    return " ".join(out)


def _case_word(word: str, first: bool) -> str:
    core = word.strip("(),")
    if core.upper() in _UPPER:
        return word.upper()
    parts = re.split(r"(-)", word.lower())
    cased = []
    for j, part in enumerate(parts):
        bare = part.strip("(),")
        if bare in _SMALL and not (first and j == 0):
            cased.append(part)
        else:
            cased.append(re.sub(r"[a-z]", lambda m: m.group(0).upper(), part, count=1))
    return "".join(cased)


def expand_ccg(name: str) -> str:
    """'NHS Bolton CCG' -> 'NHS Bolton Clinical Commissioning Group'."""
    if name.endswith(" CCG"):
        return name[: -len(" CCG")] + " Clinical Commissioning Group"
    return name


def between(day: str, start: str | None, end: str | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def runs_by_value(observations: list[tuple[str, str, str]]) -> list[list[tuple[str, str, str]]]:
    """Consecutive (date, value, source) observations grouped into runs of the same value: the spans
    during which a body had one parent, as successive snapshots show it."""
    runs: list[list[tuple[str, str, str]]] = []
    for observation in observations:
        if runs and runs[-1][-1][1] == observation[1]:
            runs[-1].append(observation)
        else:
            runs.append([observation])
    return runs
