"""The published files of a build: the whole dataset as gzipped N-Quads, one Turtle file per named graph,
and the record that names them (size, sha256, triples) with the statistics the VoID description gives.

They are written once per build, beside the store (`dumps/`, with its record `dumps/published.json`), so
a file's bytes and its sha256 never change while the build is served: the gzip header carries no file name
and no time. The service serves them at `/dumps/{file}` and describes them at `/.well-known/void`. A build
made before they existed gets them from `ensure_published` (the next `nhskg build` or `nhskg serve`, before
any worker starts), which loads the build's quads into memory once.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from service import iris
from service.build.statistics import Statistics, compute
from service.store import OxigraphStore

FOLDER = "dumps"
RECORD = "published.json"
QUADS = "quads.nq"  # the build's every quad (builder.QUADS: the builder imports this module, not the reverse)
WHOLE = "nhs-commissioning.nq.gz"
RECORD_FORMAT = 1
_GRAPH_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# No `id:`: pyoxigraph would write `id:pct\/5NT`, valid Turtle but hard to read.
TURTLE_PREFIXES = {p: iris.PREFIXES[p] for p in ("nhs", "org", "prov", "rdfs", "schema", "skos", "xsd")}


@dataclass(frozen=True)
class Dump:
    """One published file: `file` is its path under dumps/ (and under /dumps/ on the web)."""

    file: str
    graph: str | None  # the named graph it holds; None: every graph (the whole dataset)
    media_type: str
    compression: str | None  # the media type of its compression, if any
    bytes: int
    sha256: str
    triples: int


@dataclass(frozen=True)
class Published:
    dumps: tuple[Dump, ...]
    statistics: Statistics

    def whole(self) -> Dump:
        return next(d for d in self.dumps if d.graph is None)

    def of_graph(self, graph: str) -> Dump | None:
        return next((d for d in self.dumps if d.graph == graph), None)

    def by_file(self, file: str) -> Dump | None:
        return next((d for d in self.dumps if d.file == file), None)


def graph_file(graph: str) -> str:
    """`graph/ccgs.ttl` for our graph `…/graph/ccgs`; another IRI (an extra graph) by a hash of it."""
    name = graph.removeprefix(iris.GRAPH)
    if not (graph.startswith(iris.GRAPH) and _GRAPH_NAME.match(name)):
        name = "other-" + hashlib.sha256(graph.encode()).hexdigest()[:16]
    return f"graph/{name}.ttl"


def gzip_file(source: Path, target: BinaryIO) -> None:
    """`source` gzipped into `target`: no file name and time 0 in the header, so equal input, equal bytes."""
    with source.open("rb") as plain, gzip.GzipFile(filename="", mode="wb", fileobj=target, mtime=0) as sink:
        shutil.copyfileobj(plain, sink, 1 << 20)


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _graph_counts(manifest: Mapping[str, object]) -> dict[str, int]:
    graphs = manifest.get("graphs")
    return {str(g): int(n) for g, n in graphs.items()} if isinstance(graphs, dict) else {}


def write_published(
    store: OxigraphStore,
    folder: Path,
    manifest: Mapping[str, object],
    progress: Callable[[str], None] = lambda _: None,
) -> Published:
    """The dumps of the build in `folder` (whose quads file is written) and their record, from `store`
    (that build's store, in memory) and its `manifest` (the triples of each named graph)."""
    progress("writing the dumps and counting the partitions and links for VoID")
    counts = _graph_counts(manifest)
    partial = folder / f"{FOLDER}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "graph").mkdir(parents=True)
    try:
        with (partial / WHOLE).open("wb") as target:
            gzip_file(folder / QUADS, target)
        made = [_described(partial, WHOLE, None, sum(counts.values()))]
        for graph in sorted(counts):
            store.save_graph(graph, partial / graph_file(graph), TURTLE_PREFIXES)
            made.append(_described(partial, graph_file(graph), graph, counts[graph]))
        published = Published(tuple(made), compute(store))
        _save(published, partial / RECORD)
        os.replace(partial, folder / FOLDER)  # the files and their record appear together, or not at all
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return published


def _described(folder: Path, file: str, graph: str | None, triples: int) -> Dump:
    path = folder / file
    whole = graph is None
    media_type, compression = ("application/n-quads", "application/gzip") if whole else ("text/turtle", None)
    return Dump(file, graph, media_type, compression, path.stat().st_size, sha256_of(path), triples)


def _save(published: Published, path: Path) -> None:
    data = {
        "format": RECORD_FORMAT,
        "dumps": [asdict(d) for d in published.dumps],
        "statistics": published.statistics.to_json(),
    }
    path.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")


def load_published(folder: Path) -> Published | None:
    """The record of the build in `folder`, or None when it has none (a build older than the dumps)."""
    try:
        data = json.loads((folder / FOLDER / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("format") != RECORD_FORMAT:
        return None
    dumps = tuple(Dump(**d) for d in data["dumps"])
    return Published(dumps, Statistics.from_json(data["statistics"]))


def ensure_published(
    folder: Path, manifest: Mapping[str, object], progress: Callable[[str], None] = lambda _: None
) -> bool:
    """Write the dumps of an older build that has none (from its quads, loaded into memory once); whether
    it wrote them. A second process doing the same at the same moment leaves the first one's files."""
    if load_published(folder) is not None or not (folder / QUADS).is_file():
        return False
    store = OxigraphStore.from_dump(folder / QUADS)
    with contextlib.suppress(OSError):  # another process renamed its dumps/ into place first
        write_published(store, folder, manifest, progress)
    return load_published(folder) is not None
