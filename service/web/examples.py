"""The query editor's examples: the competency questions, one `.rq` file each, grouped by theme.

Each file in service/queries/examples/ starts with two comment lines, its question and its theme:

    # How many PCTs did the sources report in 2006, before and after the reorganisation (303 and 152)?
    # Theme: How many bodies there were, and when
    PREFIX ...

The same files are what tests/e2e/test_competency.py runs and docs/competency-questions.md shows with their
answers, so an example is always a tested query. The editor offers each file's whole text, comments included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from service import queries

THEME = "# Theme:"
UNGROUPED = "Other examples"
NUMBERED = re.compile(r"q(\d+)-")


@dataclass(frozen=True)
class Example:
    """One example: `name` is its file's stem, `title` its question in plain words."""

    name: str
    title: str
    theme: str
    query: str

    @property
    def number(self) -> int | None:
        """The competency question's number (`q07-...` is Q7), if the file is one."""
        found = NUMBERED.match(self.name)
        return int(found[1]) if found else None

    @property
    def tab(self) -> str:
        """A short name for the editor's tab: `Q7`, else the title."""
        return f"Q{self.number}" if self.number is not None else self.title

    @property
    def body(self) -> str:
        """The query without its two header lines: what docs/competency-questions.md shows."""
        lines = self.query.splitlines(keepends=True)
        header = 0
        while header < len(lines) and header < 2 and lines[header].startswith("#"):
            header += 1
        return "".join(lines[header:])


@dataclass(frozen=True)
class Theme:
    title: str
    examples: tuple[Example, ...]


def _example(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    first = lines[0] if lines else ""
    title = first[1:].strip() if first.startswith("#") else path.stem.replace("-", " ")
    second = lines[1] if len(lines) > 1 else ""
    theme = second[len(THEME) :].strip() if second.startswith(THEME) else ""
    return Example(path.stem, title, theme or UNGROUPED, text)


@cache
def examples(folder: Path = queries.EXAMPLES) -> tuple[Example, ...]:
    """Every example in `folder`, in file-name order; read once per process (they ship with the code)."""
    return tuple(_example(path) for path in sorted(folder.glob("*.rq")))


def themes(found: tuple[Example, ...]) -> list[Theme]:
    """The examples grouped by theme, the themes in the order of their first example."""
    grouped: dict[str, list[Example]] = {}
    for example in found:
        grouped.setdefault(example.theme, []).append(example)
    return [Theme(title, tuple(members)) for title, members in grouped.items()]
