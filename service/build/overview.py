"""The overview: what /about, /def and the query editor show of the whole store, made once per build.

Each of them read the whole store per request or per process: /about asked for every data file's
description (4,021 of them on the real data, a second under no load, 8 s under load) and /def counted the
uses of every class and property (a full scan, 4 s); the query editor asked our endpoint for every property
used (`SELECT DISTINCT ?t WHERE { [] ?t [] }`), which runs past the time limit on the real data. They
depend on the build alone, so `nhskg build` saves them beside the store (`save_overview`), and a process
serving a build made before the overview makes it once and saves it there (`load_overview`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from service.build.catalogue import query
from service.store import Store

OVERVIEW_FILE = "overview.json"
FORMAT = 1  # the file's layout: a file of another layout is made again


@dataclass(frozen=True)
class SourceInfo:
    iri: str
    title: str
    publisher: str
    licence: str
    issued: str
    url: str
    description: str


@dataclass
class Usage:
    classes: dict[str, int]  # class IRI -> how many things have it
    properties: dict[str, int]  # property IRI -> how many triples use it


@dataclass
class Overview:
    sources: list[SourceInfo]  # the data files, by title (web pages and articles are counted, not listed)
    source_kinds: list[tuple[str, int]]  # every source by kind, the commonest first
    usage: Usage

    def completions(self) -> dict[str, list[str]]:
        """The classes and properties used in the data, the commonest first: the query editor's terms."""

        def ranked(counts: dict[str, int]) -> list[str]:
            return [iri for iri, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

        return {"classes": ranked(self.usage.classes), "properties": ranked(self.usage.properties)}


def data_sources(store: Store) -> tuple[list[SourceInfo], list[tuple[str, int]]]:
    """The data files behind the dataset (web pages and articles are counted, not listed)."""
    fields: dict[str, dict[str, str]] = defaultdict(dict)
    for row in store.select(query("sources_all")):
        name = row["p"].value.rsplit("/", 1)[-1]
        fields[row["source"].value].setdefault(name, row["o"].value)
    listed = [
        SourceInfo(
            iri,
            f.get("title", iri),
            f.get("publisher", ""),
            f.get("license", ""),
            f.get("issued", ""),
            f.get("url", ""),
            f.get("description", ""),
        )
        for iri, f in fields.items()
    ]
    kinds = [(r["cls"].value, int(r["n"].value)) for r in store.select(query("source_kinds"))]
    return sorted(listed, key=lambda s: (s.title, s.iri)), sorted(kinds, key=lambda k: (-k[1], k[0]))


def usage_counts(store: Store) -> Usage:
    """How many things each class has and how many triples use each property (a full scan)."""
    classes = {r["cls"].value: int(r["n"].value) for r in store.select(query("class_usage"))}
    props = {r["p"].value: int(r["n"].value) for r in store.select(query("property_usage"))}
    return Usage(classes, props)


def build_overview(store: Store) -> Overview:
    sources, kinds = data_sources(store)
    return Overview(sources, kinds, usage_counts(store))


def save_overview(overview: Overview, path: Path) -> None:
    """Write atomically: two processes completing an older build may race to write it."""
    data = {"format": FORMAT, **asdict(overview)}
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    partial.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def _read(path: Path) -> Overview | None:
    """The saved overview, or None when the file is of another layout or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        usage = Usage(dict(data["usage"]["classes"]), dict(data["usage"]["properties"]))
        sources = [SourceInfo(**s) for s in data["sources"]]
        kinds = [(str(c), int(n)) for c, n in data["source_kinds"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Overview(sources, kinds, usage)


def load_overview(store: Store, folder: Path | None) -> Overview:
    """The overview the build saved in `folder`, else one made from the store now (and saved in `folder`,
    when there is one and it is writable, for the processes after this one)."""
    path = folder / OVERVIEW_FILE if folder is not None else None
    found = _read(path) if path is not None and path.is_file() else None
    if found is not None:
        return found
    overview = build_overview(store)
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only build folder: this process keeps its own
            save_overview(overview, path)
    return overview
