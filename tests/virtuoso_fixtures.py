"""A real Virtuoso loaded with the dump of the test data, for the tests of the Virtuoso dialect and of our
queries on it (tests/engines/virtuoso.py starts it; the embedded store over the same dump is beside it).

The test data is the page tests' Manchester graph (tests/data/pages/manchester.ttl) with the real ontology,
built and dumped by `nhskg dump` as a user would, so that the file Virtuoso loads is the command's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def virtuoso_server(test_data_dump: Path) -> Iterator[LoadedVirtuoso]:
    """Virtuoso with the test data's dump loaded, for the session; skipped where it is not installed."""
    if not virtuoso.available():
        pytest.skip("Virtuoso is not installed: `make test-deps` installs virtuoso-opensource-7-bin")
    graphs = tuple(OxigraphStore.from_dump(test_data_dump).graphs())
    with virtuoso.virtuoso(test_data_dump) as server:
        yield LoadedVirtuoso(server, test_data_dump, tuple(g for g in graphs if g.startswith(iris.GRAPH)))


@pytest.fixture(scope="session")
def embedded_store(test_data_dump: Path) -> OxigraphStore:
    """The embedded store over the same dump: the answers Virtuoso's must equal."""
    return OxigraphStore.from_dump(test_data_dump)
