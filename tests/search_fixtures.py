"""The search tests' graph: the ontology, the pages' fixture (tests/data/pages) and tests/data/search (the
Greater Manchester ICB, two sub-ICB locations, one with a former name, and a practice named Manchester)."""

from __future__ import annotations

from pathlib import Path

from service import iris
from service.store import OxigraphStore

ROOT = Path(__file__).parents[1]
FOLDERS = (ROOT / "ontology", ROOT / "tests" / "data" / "pages", ROOT / "tests" / "data" / "search")


def search_store() -> OxigraphStore:
    store = OxigraphStore.in_memory()
    for folder in FOLDERS:
        for path in sorted(folder.glob("*.ttl")):
            store.load_file(path, iris.graph(f"{folder.name}-{path.stem}"))
    return store
