"""How much of each body's life has an accountability or a stated gap: the figures of issue 15, part 3.

Usage: `nhskg query --file docs/queries/accountability-spans.rq --format csv | python -m
tests.ingest.accountability_coverage [today]`. Prints one row per kind of body: bodies, bodies accountable on
every day of their life, bodies with a stated gap, bodies with a day neither covers, and those days.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Life:
    founded: str
    dissolved: str
    accountable: list[tuple[str, str]] = field(default_factory=list)
    gaps: list[tuple[str, str]] = field(default_factory=list)


def _days(spans: Iterable[tuple[str, str]], first: str, last: str) -> set[dt.date]:
    out: set[dt.date] = set()
    lo, hi = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    for start, end in spans:
        day = max(lo, dt.date.fromisoformat(start or first))
        stop = min(hi, dt.date.fromisoformat(end or last))
        while day <= stop:
            out.add(day)
            day += dt.timedelta(days=1)
    return out


def lives(rows: Iterable[dict[str, str]], today: str) -> dict[tuple[str, str], Life]:
    out: dict[tuple[str, str], Life] = {}
    for r in rows:
        kind = r["kind"].rsplit("#", 1)[-1]
        life = out.setdefault((kind, r["body"]), Life(r["founded"], r["dissolved"] or today))
        span = (r["start"], r["end"])
        if r["what"] == "accountability":
            life.accountable.append(span)
        elif r["what"] == "gap":
            life.gaps.append(span)
    return out


def uncovered(life: Life) -> tuple[int, int, int]:
    """(days of life, days with an accountability, days with neither accountability nor gap)."""
    if not life.founded:
        return 0, 0, 0
    total = (dt.date.fromisoformat(life.dissolved) - dt.date.fromisoformat(life.founded)).days + 1
    held = _days(life.accountable, life.founded, life.dissolved)
    stated = _days(life.gaps, life.founded, life.dissolved)
    return total, len(held), total - len(held | stated)


def table(all_lives: dict[tuple[str, str], Life]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (kind, _body), life in all_lives.items():
        total, held, missing = uncovered(life)
        row = out[kind]
        row["bodies"] += 1
        row["undated"] += not life.founded
        row["accountable every day"] += bool(total) and held == total
        row["with a stated gap"] += bool(life.gaps)
        row["with an uncovered day"] += missing > 0
        row["days uncovered"] += missing
    return out


def main() -> None:
    today = sys.argv[1] if len(sys.argv) > 1 else dt.date.today().isoformat()
    figures = table(lives(csv.DictReader(sys.stdin), today))
    columns = ["bodies", "undated", "accountable every day", "with a stated gap", "with an uncovered day"]
    columns.append("days uncovered")
    print("kind," + ",".join(columns))
    for kind in sorted(figures):
        print(kind + "," + ",".join(str(figures[kind][c]) for c in columns))


if __name__ == "__main__":
    main()
