"""Real Virtuosos, one per dataset for the whole session (a load costs seconds on the fixtures, 25-75 s on
the real build): the test data's dump, for the tests of the Virtuoso dialect and of our queries on it (the
embedded store over the same dump is beside it); and the pages' fixture graphs (`pages_virtuoso`), which the
page tests run over as over Oxigraph server. The real build's Virtuoso (`real_virtuoso`) is in
tests/remote_fixtures.py, the SPARQL protocol suites' in tests/sparql_fixtures.py; tests/engines/virtuoso.py
starts each.

The test data is the page tests' Manchester graph (tests/data/pages/manchester.ttl) with the real ontology,
built and dumped by `nhskg dump` as a user would, so that the file Virtuoso loads is the command's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from service import iris
from service.store import OxigraphStore
from tests.engines import virtuoso
from tests.live import NHSKG

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data" / "pages" / "manchester.ttl"


@dataclass(frozen=True)
class LoadedVirtuoso:
    """A running Virtuoso, the dump it loaded, and our graphs in it (those under `iris.GRAPH`)."""

    server: virtuoso.Virtuoso
    dump: Path
    graphs: tuple[str, ...]

    @property
    def sparql(self) -> str:
        return self.server.sparql


def dump_test_data(folder: Path, name: str = "test-data.nq") -> Path:
    """A project of the real ontology and the Manchester data in `folder` (made once, built once), dumped
    with `nhskg dump --out folder/name`."""
    project = folder / "project"
    if not project.is_dir():
        (project / "data" / "ttl").mkdir(parents=True)
        (project / "shapes").mkdir()
        shutil.copytree(ROOT / "ontology", project / "ontology")
        shutil.copy(DATA, project / "data" / "ttl" / DATA.name)
    out = folder / name
    env = {
        **os.environ,
        "NHSKG_ROOT": str(project),
        "NHSKG_CACHE_DIR": str(folder / "cache"),
        "NHSKG_VALIDATE_ON_BUILD": "false",
    }
    subprocess.run([str(NHSKG), "dump", "--out", str(out)], env=env, check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def test_data_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test data's dump; its folder keeps the project and its build for other dumps of it."""
    return dump_test_data(tmp_path_factory.mktemp("test-data-dump"))


@contextmanager
def loaded_virtuoso(dump: Path, graphs: tuple[str, ...] | None = None) -> Iterator[LoadedVirtuoso]:
    """A Virtuoso with `dump` loaded (`graphs`: ours in it, read from the dump when not given); skipped
    where Virtuoso is not installed, as `make test-deps` installs it."""
    if not virtuoso.available():
        pytest.skip("Virtuoso is not installed: `make test-deps` installs virtuoso-opensource-7-bin")
    if graphs is None:
        graphs = tuple(g for g in OxigraphStore.from_dump(dump).graphs() if g.startswith(iris.GRAPH))
    with virtuoso.virtuoso(dump) as server:
        yield LoadedVirtuoso(server, dump, graphs)


@pytest.fixture(scope="session")
def virtuoso_server(test_data_dump: Path) -> Iterator[LoadedVirtuoso]:
    """Virtuoso with the test data's dump loaded, for the session."""
    with loaded_virtuoso(test_data_dump) as server:
        yield server


@pytest.fixture(scope="session")
def pages_virtuoso(pages_quads: Path) -> Iterator[LoadedVirtuoso]:
    """Virtuoso holding the pages' fixture graphs, the same quads as `pages_backend`'s Oxigraph server."""
    with loaded_virtuoso(pages_quads) as server:
        yield server


@pytest.fixture(scope="session")
def embedded_store(test_data_dump: Path) -> OxigraphStore:
    """The embedded store over the same dump: the answers Virtuoso's must equal."""
    return OxigraphStore.from_dump(test_data_dump)


def xfail_on_virtuoso(request: pytest.FixtureRequest, fixture: str, reason: str | None) -> None:
    """This test is a known Virtuoso bug (`reason`, listed in docs/backends.md) where the engine fixture
    `fixture` is Virtuoso: strict, so a fixed Virtuoso fails it and the list is updated."""
    if reason is not None and request.node.callspec.params.get(fixture) == "virtuoso":
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
