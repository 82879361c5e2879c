"""The README's Virtuoso load, run for real: `nhskg dump --out FILE.nq.gz`, then ld_dir, rdf_loader_run
and checkpoint through isql: tests/engines/virtuoso.py runs exactly `load_statements`, which the README
quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.store import OxigraphStore
from tests.engines import virtuoso
from tests.virtuoso_fixtures import ROOT, dump_test_data

pytestmark = pytest.mark.e2e
README = ROOT / "README.md"
# The folder and file name the README's commands use.
README_FOLDER, README_FILE = Path("/srv/nhskg"), "nhskg.nq.gz"


def test_the_readme_gives_the_load_statements_that_are_tested_here() -> None:
    text = README.read_text(encoding="utf-8")
    for statement in virtuoso.load_statements(README_FOLDER, README_FILE):
        assert statement in text, statement
    assert f"nhskg dump --out {README_FOLDER / README_FILE}" in text


def test_a_gzipped_dump_loads_into_virtuoso_whole(test_data_dump: Path) -> None:
    if not virtuoso.available():
        pytest.skip("Virtuoso is not installed: `make test-deps` installs virtuoso-opensource-7-bin")
    gzipped = dump_test_data(test_data_dump.parent, "test-data.nq.gz")
    expected = len(OxigraphStore.from_dump(test_data_dump))
    with virtuoso.virtuoso(gzipped) as server:
        assert server.quads == expected
