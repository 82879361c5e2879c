"""Synthetic bigger projects: the real data plus N-1 copies of data/ttl under other IRIs.

Copy k of every file has each `https://w3id.org/nhs-commissioning/id/` rewritten to `.../id/copyk/`
(the files' @base too, so relative IRIs move with it) and goes into its own named graph
(`copyk-<stem>.ttl`). The ontology and the shapes stay as they are.

The OWL-Time nodes are not copied: an interval's IRI is its dates (`id/interval/{start}--{end}`,
shapes#IntervalKeyShape), so that one interval, and one instant, is shared by every relation with
those dates. A copy's relations point at the same shared intervals and instants, as a second real
dataset over the same dates would, and time.ttl, which holds only those nodes, is not copied.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

ID = "https://w3id.org/nhs-commissioning/id/"
SHARED = ("interval/", "instant/")  # IRIs keyed by their dates: one node per date, shared
SHARED_FILES = ("time.ttl",)  # holds only the shared nodes
_SHARED = "|".join(re.escape(s) for s in SHARED)
_RELATIVE_SHARED = re.compile(rf"<({_SHARED})")
_COPIED = re.compile(rf"{re.escape(ID)}(?!{_SHARED})")


def copy_text(text: str, k: int) -> str:
    """Copy k of a Turtle file: every IRI under id/ moves to id/copyk/, except the shared ones."""
    absolute = _RELATIVE_SHARED.sub(lambda m: f"<{ID}{m.group(1)}", text)  # so @base no longer moves them
    return _COPIED.sub(f"{ID}copy{k}/", absolute)


def make_project(root: Path, factor: int) -> Path:
    """A temporary project folder with `factor` times the data of `root`; the caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix=f"nhskg-bench-x{factor}-"))
    for name in ("ontology", "shapes"):
        shutil.copytree(root / name, folder / name)
    data = folder / "data" / "ttl"
    data.mkdir(parents=True)
    for source in sorted((root / "data" / "ttl").glob("*.ttl")):
        shutil.copy(source, data / source.name)
        if factor > 1 and source.name not in SHARED_FILES:
            text = source.read_text(encoding="utf-8")
            for k in range(2, factor + 1):
                (data / f"copy{k}-{source.name}").write_text(copy_text(text, k), encoding="utf-8")
    return folder


def turtle_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in (folder / "data" / "ttl").glob("*.ttl"))
