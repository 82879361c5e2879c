"""Synthetic bigger projects: the real data plus N-1 copies of data/ttl under other IRIs.

Copy k of every file has each `https://w3id.org/nhs-commissioning/id/` rewritten to `.../id/copyk/`
(the files' @base too, so relative IRIs move with it) and goes into its own named graph
(`copyk-<stem>.ttl`). The ontology and the shapes stay as they are.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

ID = "https://w3id.org/nhs-commissioning/id/"


def make_project(root: Path, factor: int) -> Path:
    """A temporary project folder with `factor` times the data of `root`; the caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix=f"nhskg-bench-x{factor}-"))
    for name in ("ontology", "shapes"):
        shutil.copytree(root / name, folder / name)
    data = folder / "data" / "ttl"
    data.mkdir(parents=True)
    for source in sorted((root / "data" / "ttl").glob("*.ttl")):
        shutil.copy(source, data / source.name)
        if factor > 1:
            text = source.read_text(encoding="utf-8")
            for k in range(2, factor + 1):
                copy = text.replace(ID, f"{ID}copy{k}/")
                (data / f"copy{k}-{source.name}").write_text(copy, encoding="utf-8")
    return folder


def turtle_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in (folder / "data" / "ttl").glob("*.ttl"))
