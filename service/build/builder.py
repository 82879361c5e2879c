"""The build: parse -> materialise -> validate -> write a persistent store, atomically.

A store lives in `<cache>/stores/<key>/` where the key is a hash of every input (ontology, data, shapes,
rules, extra graphs and this package's version). Building unchanged inputs is a no-op; a build that fails
or is interrupted never replaces the last good store, because it writes into a `.partial` folder that is
renamed into place only when everything has passed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from service import __version__, iris, queries
from service.build import dumps
from service.config import Settings
from service.store import OxigraphStore, RdfSyntaxError, Store, StoreUnavailableError

if TYPE_CHECKING:
    from service.build.validation.check import ValidationReport

MANIFEST = "manifest.json"
LAST_GOOD = "LAST_GOOD"
DB = "oxigraph"
QUADS = "quads.nq"  # every quad as N-Quads, which the query engine loads into memory
STORE_FORMAT = 2  # part of the key: 2 added QUADS

Progress = Callable[[str], None]


class BuildError(RuntimeError):
    """The build refused to produce a store; the message says why."""


class InputError(BuildError):
    """An input cannot be read or parsed (exit code 2)."""


class NonConformingError(BuildError):
    """The data violates the shapes (exit code 1)."""


@dataclass(frozen=True)
class BuildResult:
    path: Path
    key: str
    reused: bool
    seconds: float
    manifest: dict[str, object]


def input_files(settings: Settings) -> list[tuple[str, Path]]:
    """Every RDF input with the named graph it goes into, in a stable order."""
    files = [(iris.graph("ontology"), p) for p in sorted(settings.ontology_dir.glob("*.ttl"))]
    files += [(iris.graph(p.stem), p) for p in sorted(settings.data_dir.glob("*.ttl"))]
    files += list(settings.extra_graphs)
    return files


def _code_files(settings: Settings) -> list[Path]:
    # The catalogue's query too: the catalogue saved beside the store is made from it.
    catalogue_query = queries.FOLDER / "pages" / "catalogue.rq"
    return sorted(settings.shapes_dir.glob("*.ttl")) + sorted(queries.RULES.glob("*.rq")) + [catalogue_query]


def input_key(settings: Settings) -> str:
    """A hash of everything a store is built from; equal keys mean an identical store."""
    head = f"nhskg {__version__} format={STORE_FORMAT} validate={settings.validate_on_build}\n"
    digest = hashlib.sha256(head.encode())
    for graph, path in input_files(settings):
        digest.update(f"{graph}\n{path.name}\n".encode())
        digest.update(_file_digest(path))
    for path in _code_files(settings):
        digest.update(f"{path.name}\n".encode())
        digest.update(_file_digest(path))
    return digest.hexdigest()[:20]


def _file_digest(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc


def store_dir(settings: Settings, key: str) -> Path:
    return settings.cache / "stores" / key


def current_store(settings: Settings) -> Path | None:
    """The built store for the current inputs, if there is one."""
    if settings.store_path is not None:
        return settings.store_path
    path = store_dir(settings, input_key(settings))
    return path if (path / MANIFEST).is_file() else None


def last_good_store(settings: Settings) -> Path | None:
    """The store of the last build that succeeded, whatever the inputs are now."""
    marker = settings.cache / "stores" / LAST_GOOD
    if not marker.is_file():
        return None
    path = store_dir(settings, marker.read_text(encoding="utf-8").strip())
    return path if (path / MANIFEST).is_file() else None


def read_manifest(path: Path) -> dict[str, object]:
    with (path / MANIFEST).open(encoding="utf-8") as handle:
        data: dict[str, object] = json.load(handle)
    return data


@dataclass(frozen=True)
class OpenedBuild:
    """A build's store opened read-only, with its manifest and its folder (catalogue, report, quads)."""

    folder: Path
    store: OxigraphStore
    manifest: dict[str, object]

    @property
    def store_path(self) -> Path:
        return self.folder / DB


def open_built(settings: Settings, folder: Path | None = None) -> OpenedBuild:
    """The build in `folder`, else the one for the current inputs (`current_store`: `settings.store_path`,
    or found by hashing every input), opened read-only; StoreUnavailableError when there is none."""
    folder = folder or current_store(settings)
    if folder is None:
        raise StoreUnavailableError("no store is built for the current inputs: run `nhskg build`")
    return OpenedBuild(folder, OxigraphStore.open_read_only(folder / DB), read_manifest(folder))


def build(settings: Settings, progress: Progress = lambda _: None) -> BuildResult:
    """Build the store for the current inputs, or reuse the one already built for them."""
    started = time.perf_counter()
    key = input_key(settings)
    final = store_dir(settings, key)
    if (final / MANIFEST).is_file():
        progress(f"store {key} is up to date")
        dumps.ensure_published(final, read_manifest(final), progress)  # a build older than the dumps
        return BuildResult(final, key, True, time.perf_counter() - started, read_manifest(final))
    _remove_stale_partials(final.parent)
    partial = final.parent / f"{key}.partial-{os.getpid()}"
    partial.mkdir(parents=True)
    try:
        manifest = _build_into(settings, partial, key, progress)
        os.replace(partial, final)
    except OSError as exc:  # a full disk, a file-size limit, a read-only cache: one line, nothing left
        shutil.rmtree(partial, ignore_errors=True)
        reason = exc.strerror or str(exc).rsplit(": ", 1)[-1]
        raise BuildError(f"cannot write the store in {final.parent}: {reason}") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    (final.parent / LAST_GOOD).write_text(key, encoding="utf-8")
    _prune_old_stores(final.parent, keep=final)
    seconds = time.perf_counter() - started
    progress(f"store {key} built in {seconds:.1f} s")
    return BuildResult(final, key, False, seconds, manifest)


def _build_into(settings: Settings, folder: Path, key: str, progress: Progress) -> dict[str, object]:
    # Imported here: serving processes never build, and need not load rdflib and the validator.
    from service.build import catalogue as pages_catalogue
    from service.build import class_index, overview, reasoning
    from service.build.validation import check as validation
    from service.build.validation import saved

    store = OxigraphStore.in_memory()
    load_files(store, input_files(settings), progress)
    progress("materialising inferred triples")
    inferred = reasoning.materialise(store, iris.graph("inferred"))
    progress(f"added {inferred} inferred triples")
    if settings.validate_on_build:
        progress("validating against the shapes")
        report = validation.validate(store, settings.shapes_dir)
        if not report.conforms:
            raise NonConformingError(f"the data does not conform to the shapes:\n{report.to_text()}")
        saved.save_report(report, folder)  # the warnings, for /validation and the entity pages
    manifest = _manifest(store, key)
    progress("writing the page catalogue")
    catalogue = pages_catalogue.build_catalogue(store)
    pages_catalogue.save_catalogue(catalogue, folder / pages_catalogue.CATALOGUE_FILE)
    progress("writing the class index")
    class_index.save_index(class_index.build_index(store, catalogue), folder / class_index.INDEX_FILE)
    progress("writing the overview (sources, and the classes and properties used)")
    overview.save_overview(overview.build_overview(store), folder / overview.OVERVIEW_FILE)
    progress("writing the store to disk")
    store.save_to(folder / DB, folder / QUADS)
    dumps.write_published(store, folder, manifest, progress)
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return manifest


def load_files(store: OxigraphStore, files: list[tuple[str, Path]], progress: Progress) -> None:
    """Parse each file into its graph; a broken file stops everything with file:line:column."""
    for graph, path in files:
        progress(f"loading {path.name}")
        try:
            store.load_file(path, graph)
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        except RdfSyntaxError as exc:
            raise InputError(str(exc)) from exc


CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class
"""


def _manifest(store: Store, key: str | None = None) -> dict[str, object]:
    """What a build records of its store; `key` None: a store not built here (a remote backend), whose data
    version is then a digest of its triple counts per graph, so that it changes when the data do."""
    classes = {row["class"].value: int(row["n"].value) for row in store.select(CLASS_COUNTS)}
    counts = store.triple_counts()
    if key is None:
        key = "backend-" + hashlib.sha256(json.dumps(counts, sort_keys=True).encode()).hexdigest()[:20]
    return {
        "key": key,
        "version": __version__,
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "triples": sum(counts.values()),
        "graphs": counts,
        "classes": classes,
    }


def describe_backend(store: Store) -> dict[str, object]:
    """The manifest of a store served without a build (a remote backend), computed through the store."""
    return _manifest(store)


def _remove_stale_partials(stores: Path) -> None:
    """Partial folders whose builder is gone (killed mid-build) are rubbish."""
    if not stores.is_dir():
        return
    for folder in stores.glob("*.partial-*"):
        pid = int(folder.name.rsplit("-", 1)[-1])
        if not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _prune_old_stores(stores: Path, keep: Path, spare: int = 1) -> None:
    """Keep the new store and the `spare` most recent others (a running server may still use one)."""
    others = [p for p in stores.iterdir() if p.is_dir() and p != keep and ".partial-" not in p.name]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[spare:]:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)


def check_files(
    settings: Settings, files: list[Path], progress: Progress = lambda _: None
) -> ValidationReport:
    """Validate data files with the ontology, materialised, in memory: no store is touched."""
    from service.build import reasoning
    from service.build.validation import check as validation

    store = OxigraphStore.in_memory()
    ontology = [(iris.graph("ontology"), p) for p in sorted(settings.ontology_dir.glob("*.ttl"))]
    load_files(store, ontology + [(iris.graph(p.stem), p) for p in files], progress)
    progress("materialising inferred triples")
    reasoning.materialise(store, iris.graph("inferred"))
    progress("validating against the shapes")
    return validation.validate(store, settings.shapes_dir)
