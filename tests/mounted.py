"""What a page emits that points back at this host, and which of it escapes a mount prefix: shared by the
test-client walk (tests/web/test_mounted.py) and the live server's (tests/e2e/test_mounted.py)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

PREFIX = "/kg"
# Attributes that name a URL a browser will follow, load, submit to or (data-suggest) fetch from script.
URL_ATTRIBUTES = {"href", "src", "action", "data-suggest"}
LINK_TARGET = re.compile(r"<([^>]*)>")  # RFC 8288: each link-value starts with <URI-Reference>


class Targets(HTMLParser):
    """Every URL in a page's attributes, as (tag, attribute, value), and the query editor's endpoint
    (the JSON in <script id="sparql-config">, which the editor's script posts to)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self._config: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [
            (tag, name, value) for name, value in attrs if name in URL_ATTRIBUTES and value is not None
        ]
        if tag == "script" and dict(attrs).get("id") == "sparql-config":
            self._config = []

    def handle_data(self, data: str) -> None:
        if self._config is not None:
            self._config.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._config is not None:
            self.found.append(("script", "sparql-config", json.loads("".join(self._config))["endpoint"]))
            self._config = None

    @property
    def urls(self) -> list[str]:
        return [value for _, _, value in self.found]


def link_targets(header: str | None) -> list[str]:
    """The targets of a Link header (`<a>; rel="alternate", <b>; ...`)."""
    return LINK_TARGET.findall(header or "")


def under_prefix(url: str, page: str, prefix: str = PREFIX) -> bool:
    """Whether `url`, as a browser on `page` resolves it, stays under `prefix` when it names this host.
    Fragments and query-only links resolve against the page; other hosts and data: URLs are not ours."""
    resolved, here = urlsplit(urljoin(page, url)), urlsplit(page)
    if resolved.scheme not in ("http", "https") or resolved.netloc != here.netloc:
        return True
    return resolved.path == prefix or resolved.path.startswith(prefix + "/")


def escaping(urls: list[str], page: str, prefix: str = PREFIX) -> list[str]:
    """The URLs that lose the prefix."""
    return [url for url in urls if not under_prefix(url, page, prefix)]
