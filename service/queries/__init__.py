"""The named SPARQL queries (one `.rq` file each) and their one loader.

    pages/     what the pages ask of the store (`text("pages/exists")`)
    coverage/  the /coverage table
    rules/     the reasoner's rules and consistency checks, applied in file-name order (`RULES`)
    examples/  the query editor's one-click examples (`EXAMPLES`)

Values go in through the store's bindings (SEP-0007 substitution), never spliced into the text; the one
exception is `paged`, for LIMIT and OFFSET, which are integers.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent
RULES = FOLDER / "rules"
EXAMPLES = FOLDER / "examples"


@cache
def text(name: str) -> str:
    """The text of service/queries/{name}.rq, read once per process: `text("pages/exists")`."""
    return (FOLDER / f"{name}.rq").read_text(encoding="utf-8")


def paged(sparql: str, limit: int, offset: int) -> str:
    """The query with LIMIT/OFFSET: integers, which SEP-0007 substitution cannot bind."""
    return f"{sparql}\nLIMIT {int(limit)} OFFSET {int(offset)}"
