"""What a page's response says beside its body: the links to the other pages of a document, and a bad
`?at=` answered in the form the reader asked for (the site's error page in HTML, plain text otherwise)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Response, abort, render_template
from werkzeug.exceptions import BadRequest

from service.web import urls
from service.web.pages.args import day_arg


def paging_links(stem: str, fmt: urls.DocFormat | None, page: int, pages: int) -> str:
    """`Link` values (RFC 8288) to the first, previous, next and last pages of a paged document, in the
    same explicit format as the request (none: negotiated); empty for a document of one page."""
    if pages <= 1:
        return ""

    def url(n: int) -> str:
        return urls.doc_url(stem, fmt, page=n if n > 1 else None)

    links = [(1, "first")]
    if page > 1:
        links.append((min(page, pages + 1) - 1, "prev"))
    if page < pages:
        links.append((page + 1, "next"))
    links.append((pages, "last"))
    return "".join(f', <{url(n)}>; rel="{rel}"' for n, rel in links)


def list_links(href: Callable[[int], str], page: int, pages: int) -> dict[str, str]:
    """A `Link` header (RFC 8288) to the first, previous, next and last pages of a paged list, where
    `href(n)` is page n's URL; none for a list of one page."""
    if pages <= 1:
        return {}
    links = [(1, "first")]
    if 1 < page <= pages:
        links.append((page - 1, "prev"))
    if page < pages:
        links.append((page + 1, "next"))
    links.append((pages, "last"))
    return {"Link": ", ".join(f'<{href(n)}>; rel="{rel}"' for n, rel in links)}


def bad_day(message: str, html: bool) -> Response:
    """400 for a malformed date: the site's page for a browser, a line of text for a machine."""
    if html:
        page = render_template("bad_request.html", message=message)
        return Response(page, status=400, mimetype="text/html")
    return Response(f"400 Bad Request: {message}\n", status=400, mimetype="text/plain")


def day_for(fmt_name: str) -> dt.date | None:
    """`?at=` for a response in `fmt_name` ("html", "turtle", ...); a malformed one ends the request."""
    try:
        return day_arg()
    except BadRequest as exc:
        abort(bad_day(str(exc.description), html=fmt_name == "html"))
