"""What the pages keep for the life of a process, built once by `create_app` (`build_pages_state`).

The catalogue (labels), its search index, the vocabulary, the home page's accountability rows and the build's
validation report are read at start-up; a few things are filled in later, each for its own reason (see the
fields). Views reach it with `pages_state()`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from service.bounded_cache import BoundedCache, document_cache
from service.build import coverage
from service.build.catalogue import CATALOGUE_FILE, Catalogue, load_catalogue, query
from service.build.class_index import INDEX_FILE, ClassIndex, load_index
from service.build.overview import OVERVIEW_FILE, Overview, load_overview
from service.build.search import SearchIndex
from service.build.validation.saved import SavedReport, load_report
from service.store import Store
from service.terms import Row
from service.web import context
from service.web.pages import listings, quality
from service.web.pages.ontology import Vocabulary, build_vocabulary
from service.web.pages.search import build_index


@dataclass
class PagesState:
    catalogue: Catalogue
    vocabulary: Vocabulary
    accountabilities: list[Row]  # who was accountable to whom, for the home page's landscape
    search: SearchIndex  # the catalogue's names and codes, indexed for /search (service/build/search.py)
    report: SavedReport | None = None  # the build's validation report, if the store has one
    documents: BoundedCache[bytes] = field(default_factory=document_cache)  # rendered /doc/ bodies
    # Filled in later, under `lock`: each is costly and only one rarely visited page shows it.
    shapes: quality.ShapesView | None = None  # /shapes: loads rdflib, which serving never needs else
    coverage_table: coverage.Coverage | None = None  # /coverage: a day's table, computed once that day
    # The class pages' index: the build's, read at start; made from the store on first need where the build
    # predates it (and saved there) or there is no build (a remote backend), as it reads the whole store.
    classes: ClassIndex | None = None
    built: Path | None = None  # the build's folder, if the app serves one
    # /about, /def and the query editor's terms: the build's overview, read at start (made from the store
    # on first need where the build predates it, and saved there), as it reads the whole store.
    overview: Overview | None = None
    overview_lock: threading.Lock = field(default_factory=threading.Lock)
    # The home page: the chart's counts by year, made once per process (and year); each day's view kept.
    history: listings.History | None = None
    landscapes: BoundedCache[listings.Landscape] = field(default_factory=lambda: BoundedCache(64, _one))
    # The class pages on a day: each class's dated instances (once per process), each day's filter kept.
    spans: dict[str, list[listings.Span]] = field(default_factory=dict)
    alive: BoundedCache[list[str]] = field(default_factory=lambda: BoundedCache(64 * 2**20, _weight))
    lock: threading.Lock = field(default_factory=threading.Lock)
    coverage_lock: threading.Lock = field(default_factory=threading.Lock)  # held while /coverage computes
    classes_lock: threading.Lock = field(default_factory=threading.Lock)  # held while the index is made

    def class_index(self, store: Store) -> ClassIndex:
        """The class index, made at most once per process."""
        with self.classes_lock:
            if self.classes is None:
                self.classes = load_index(store, self.catalogue, self.built)
            return self.classes

    def overview_of(self, store: Store) -> Overview:
        """The build's overview, made at most once per process."""
        with self.overview_lock:
            if self.overview is None:
                self.overview = load_overview(store, self.built)
            return self.overview

    def landscape_on(self, day: dt.date) -> listings.Landscape:
        """The home page's view of `day`: kept per day; its chart's counts kept for the process."""
        this_year = dt.date.today().year
        history = self.history
        if history is None or history.years[-1] != this_year:
            history = self.history = listings.body_history(self.catalogue, self.vocabulary, this_year)

        def make() -> listings.Landscape:
            return listings.landscape(self.catalogue, self.vocabulary, self.accountabilities, day, history)

        return self.landscapes.get_or_make((day, this_year), make)

    def alive_on(self, store: Store, class_iri: str, day: dt.date) -> list[str]:
        """The instances of a class alive on `day`, in the listing's order; kept per class and day."""
        index = self.class_index(store)

        def make() -> list[str]:
            spans = self.spans.get(class_iri)
            if spans is None:
                spans = self.spans.setdefault(
                    class_iri, listings.dated_members(index, self.catalogue, class_iri)
                )
            return listings.alive_on(spans, day)

        return self.alive.get_or_make((class_iri, day), make)

    def coverage_on(self, store: Store, today: dt.date) -> coverage.Coverage:
        """The coverage table of `today`, computed once a day per process (seconds over the real data)."""
        with self.coverage_lock:
            if self.coverage_table is None or self.coverage_table.day != today:
                self.coverage_table = coverage.coverage(store, today)
            return self.coverage_table


def build_pages_state(app_state: context.AppState) -> PagesState:
    """The pages' state for this app: from the build's folder where the app serves a build."""
    folder = app_state.built  # its catalogue and validation report, if the app serves a build
    catalogue = load_catalogue(app_state.store, folder / CATALOGUE_FILE if folder else None)
    vocabulary = build_vocabulary(app_state.store)
    state = PagesState(
        catalogue,
        vocabulary,
        app_state.store.select(query("accountabilities")),
        build_index(catalogue.entries.values(), vocabulary),
        report=load_report(folder),
        built=folder,
    )
    if folder is not None and (folder / INDEX_FILE).is_file():
        state.class_index(app_state.store)  # the build's own: a quick read
    elif folder is not None:  # a build made before the index: make it (and save it) beside the requests
        threading.Thread(target=_warm_classes, args=(state, app_state.store), daemon=True).start()
    if folder is not None and (folder / OVERVIEW_FILE).is_file():
        state.overview_of(app_state.store)  # the build's own: a quick read
    elif folder is not None:  # a build made before the overview: make it (and save it) beside the requests
        threading.Thread(target=_warm, args=(state.overview_of, app_state.store), daemon=True).start()
    if folder is not None:
        # Serving a build: compute /coverage beside the first requests, so that its first visitor does
        # not wait seconds for it. A thread, not start-up work: it depends on the day, and no page needs it.
        threading.Thread(target=_warm_coverage, args=(state, app_state.store), daemon=True).start()
    return state


def _one(_: object) -> int:
    return 1


def _weight(found: list[str]) -> int:
    """About what a kept list of IRIs weighs: its pointers (the strings are the class index's own)."""
    return 64 + 8 * len(found)


def _warm(make: Callable[[Store], object], store: Store) -> None:
    """Make something a page needs before anyone asks; a failure is left for its first visit to meet."""
    try:
        make(store)
    except Exception:  # noqa: BLE001 - a background warm-up must not die noisily; the page retries
        logging.getLogger(__name__).warning("could not make %s at start-up", make.__name__, exc_info=True)


def _warm_coverage(state: PagesState, store: Store) -> None:
    """Compute /coverage before anyone asks; a failure here is left for the first visit to meet."""
    try:
        state.coverage_on(store, dt.date.today())
    except Exception:  # noqa: BLE001 - a background warm-up must not die noisily; the page retries
        logging.getLogger(__name__).warning("could not compute /coverage at start-up", exc_info=True)


def _warm_classes(state: PagesState, store: Store) -> None:
    """Make the class index before anyone asks; a failure here is left for the first class page to meet."""
    try:
        state.class_index(store)
    except Exception:  # noqa: BLE001 - a background warm-up must not die noisily; the page retries
        logging.getLogger(__name__).warning("could not make the class index at start-up", exc_info=True)


def pages_state() -> PagesState:
    """The running app's pages state."""
    return context.part(PagesState)
