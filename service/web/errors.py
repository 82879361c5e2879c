"""Error responses: one short plain-text or HTML message, never a traceback."""

from __future__ import annotations

import logging

from flask import Response, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["text/plain", "text/html"], default="text/plain")
    return (
        best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/plain"]
    )


def error_response(status: int, title: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """A small error page in HTML or text, as the client prefers."""
    if _wants_html():
        heading = f"{status} {escape(title)}"
        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{heading}</title></head><body><main><h1>{heading}</h1>"
            f"<p>{escape(message)}</p></main></body></html>"
        )
        response = Response(body, status, mimetype="text/html")
    else:
        response = Response(f"{status} {title}: {message}\n", status, mimetype="text/plain")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    headers = dict(exc.get_headers()) if code == 405 else {}
    headers.pop("Content-Type", None)
    return error_response(code, exc.name, exc.description or exc.name, headers)


def unexpected_error(exc: Exception) -> Response:
    """The last line of defence: log the traceback, tell the client nothing internal."""
    if isinstance(exc, HTTPException):
        return http_error(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return http_error(InternalServerError("The server could not answer this request."))
