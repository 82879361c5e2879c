"""The query-string arguments the pages and the home page share: a date, a page number; 400 when malformed."""

from __future__ import annotations

import datetime as dt

from flask import abort, request

from service.build.catalogue import parse_day

MAX_PAGE = 100_000


def day_arg(name: str = "at") -> dt.date | None:
    """An ISO date from the query string; 400 when present but not a date."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    day = parse_day(text) if len(text) == 10 else None
    if day is None:
        abort(400, f"{name} must be a date written YYYY-MM-DD, not {text!r}")
    return day


def whole_number(text: str, largest: int) -> int | None:
    """`text` as a whole number from 1 to `largest`, else None. ASCII digits only: str.isdigit() also
    accepts '¹' and '٣', which int() refuses, and a long run of digits is refused before int() sees it."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(largest)):
        return None
    value = int(text)
    return value if 1 <= value <= largest else None


def page_arg(name: str = "page") -> int:
    value = whole_number(request.args.get(name, "1").strip() or "1", MAX_PAGE)
    if value is None:
        abort(400, f"{name} must be a whole number from 1 to {MAX_PAGE}")
    return value
