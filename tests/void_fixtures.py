"""The tiny project of tests/data/mini with links out (tests/data/void/links.ttl): what the dumps and VoID
tests build, in process or behind a live server."""

from __future__ import annotations

import shutil
from pathlib import Path

from service.config import Settings

DATA = Path(__file__).parent / "data"


def void_project(folder: Path) -> Settings:
    """A copy of the mini project in `folder/project`, with the links as the graph `links`; its cache in
    `folder/cache`."""
    root = folder / "project"
    shutil.copytree(DATA / "mini", root)
    shutil.copy(DATA / "void" / "links.ttl", root / "data" / "ttl" / "links.ttl")
    return Settings(root=root, cache_dir=folder / "cache")
