"""HTTP caching and CORS for every response: one helper for /sparql, the pages and the documents.

A response changes only when the build does (and, for a page that draws "today", when the day does), so the
validators come from the build's identity (the manifest's key) and the variant asked for (the path, the
query string, the format chosen): a weak `ETag`, `Last-Modified` from the build time, `Cache-Control`.
`If-None-Match` (or, without it, `If-Modified-Since`) that matches is answered `304 Not Modified`
(RFC 9110, section 13). Every response carries `Access-Control-Allow-Origin: *` (the data is open and
needs no credentials), and a preflight `OPTIONS` the methods and headers a script may send.

Routes that can tell a 304 before doing the work (a document, a SPARQL answer) call `validators` and
`not_modified` themselves; `install` gives every other GET of a page the same validators after it has
been made (saving the transfer, not the work).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email.utils import format_datetime, parsedate_to_datetime

from flask import Flask, Request, Response, request

from service.web import context

CACHE_CONTROL = "public, max-age=300"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Link, Content-Location, X-SPARQL-Max-Rows, X-SPARQL-Truncated, Retry-After, "
        "Cache-Status, "
        "Memento-Datetime"
    ),
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Datetime, Content-Type, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}
# The headers a 304 carries from the 200 it stands for (RFC 9110, section 15.4.5).
KEPT_ON_304 = ("ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Location", "Expires")
# Pages whose validators `install` adds after the fact: the pages and the home page, not /healthz or
# /metrics (which must never be served from a cache).
CACHED_BLUEPRINTS = ("pages",)
CACHED_ENDPOINTS = ("home.index",)


def _midnight_today() -> dt.datetime:
    return dt.datetime.combine(dt.date.today(), dt.time.min).astimezone(dt.UTC)


def last_modified(daily: bool = False) -> dt.datetime | None:
    """The build time (the manifest's `built`); for a page that depends on the day, the later of it and
    the start of today."""
    built = context.state().manifest.get("built")
    try:
        modified = dt.datetime.strptime(str(built), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return max(modified, _midnight_today()) if daily else modified


def validators(*parts: object, daily: bool = False) -> dict[str, str]:
    """ETag (from the data version and what was asked), Last-Modified, Cache-Control and Vary."""
    day = dt.date.today().isoformat() if daily else None
    digest = hashlib.sha256(repr((context.state().data_version, day, *parts)).encode()).hexdigest()
    headers = {"ETag": f'W/"{digest[:32]}"', "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
    modified = last_modified(daily)
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    return headers


def _tag_matches(header: str, etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110, 13.1.2): W/"x" and "x" are the same tag."""
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def not_modified(req: Request, headers: dict[str, str]) -> bool:
    """Whether the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    if "If-None-Match" in req.headers:
        return _tag_matches(req.headers["If-None-Match"], headers["ETag"])
    since, modified = req.headers.get("If-Modified-Since"), headers.get("Last-Modified")
    if since is None or modified is None:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
    except (TypeError, ValueError):
        return False


def not_modified_response(headers: dict[str, str]) -> Response:
    """The 304 for a response that would carry `headers`."""
    return Response(status=304, headers={k: v for k, v in headers.items() if k in KEPT_ON_304})


def _cached_here() -> bool:
    blueprint = request.blueprint
    return blueprint in CACHED_BLUEPRINTS or request.endpoint in CACHED_ENDPOINTS


def finish(response: Response) -> Response:
    """CORS on every response; validators (and a 304 when they match) on a page's GET that has none."""
    response.headers.update(CORS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT)
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and "ETag" not in response.headers
        and _cached_here()
    ):
        variant = (request.script_root, request.path, sorted(request.args.items(multi=True)))
        headers = validators(*variant, response.headers.get("Content-Type"), daily=True)
        headers["Vary"] = response.headers.get("Vary", "Accept")
        if not_modified(request, headers):
            response = not_modified_response(headers)
            response.headers.update(CORS)
            return response
        response.headers.update(headers)
    return response


def install(app: Flask) -> None:
    app.after_request(finish)
