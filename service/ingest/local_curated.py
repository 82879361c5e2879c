"""Hand-researched facts kept in this repository, in data/curated/*.csv (beside the generated data/ttl/).

The shared folder's curated files are read-only inputs from earlier research. Facts found since (names,
dates, corrections, each checked against a public page) live here, under version control with the code
that converts them, so `nhskg ingest` stays reproducible. Every file has the columns `source_url` (one or
more addresses, ` ; `-separated), `confidence` (High, Medium or Low), `evidence` (Stated or Inferred) and
`note` (the curator's note, which becomes `skos:editorialNote`); data/curated/README.md lists the files.
"""

from __future__ import annotations

from pathlib import Path

from service import iris
from service.ingest.curated_common import SourceBook, caveat_or_none, read_rows
from service.ingest.model import Caveat, Source

FOLDER = Path(__file__).resolve().parents[2] / "data" / "curated"
PUBLISHER = "NHS commissioning knowledge graph contributors"


def read(name: str, folder: Path = FOLDER) -> list[dict[str, str]]:
    """The rows of one of this repository's curated files, every value stripped."""
    return read_rows(folder, name)


def data_file(book: SourceBook, name: str, description: str) -> str:
    """The source node of one of this repository's curated files."""
    node = iris.source("project-" + name.removesuffix(".csv"))
    Source(
        node,
        "DataFile",
        f"{description.rstrip('.')} (curated facts of the NHS commissioning knowledge graph)",
        publisher=PUBLISHER,
        description=description,
        upstream=f"file:data/curated/{name}",
    ).add_to(book.triples)
    return node


def row_caveat(row: dict[str, str]) -> Caveat | None:
    """How sure the row is, from its `confidence`, `evidence` and `note` cells."""
    return caveat_or_none(row.get("confidence") or None, row.get("evidence") or None, row.get("note") or None)


def row_sources(book: SourceBook, row: dict[str, str], file_node: str) -> list[str]:
    """The file itself and every page the row cites."""
    return [file_node, *book.cell(row.get("source_url", ""))]
