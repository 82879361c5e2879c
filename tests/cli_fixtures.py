"""A copy of the tiny project of tests/data/mini as NHSKG_ROOT, for tests that run the `nhskg` command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    monkeypatch.setenv("NHSKG_ROOT", str(root))
    monkeypatch.setenv("NHSKG_CACHE_DIR", str(tmp_path / "cache"))
    return root
