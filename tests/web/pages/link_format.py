"""A strict reader of RFC 6690 link-format (and of RFC 8288 Link header values, the same grammar), for
tests: `parse(text)` -> [(target, {param: value})], `rel` a set of the space-separated relation types."""

from __future__ import annotations

import re

_NAME_CHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PARAM = re.compile(rf"\s*;\s*({_NAME_CHARS})(?:\s*=\s*({_QUOTED}|{_NAME_CHARS}))?")
_TARGET = re.compile(r"\s*<([^<>\s]*)>")
_SEPARATOR = re.compile(r"\s*,")


class LinkFormatError(ValueError):
    pass


Link = tuple[str, dict[str, str | set[str]]]


def parse(text: str) -> list[Link]:
    """Every link-value of `text`, in order; LinkFormatError at the first character the grammar refuses."""
    links: list[Link] = []
    at = 0
    while True:
        target = _TARGET.match(text, at)
        if target is None:
            raise LinkFormatError(f"expected <URI> at {at}: {text[at : at + 40]!r}")
        params: dict[str, str | set[str]] = {}
        at = target.end()
        while (param := _PARAM.match(text, at)) is not None:
            name, value = param.group(1).lower(), param.group(2) or ""
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            params[name] = set(value.lower().split()) if name == "rel" else value
            at = param.end()
        links.append((target.group(1), params))
        separator = _SEPARATOR.match(text, at)
        if separator is None:
            if text[at:].strip():
                raise LinkFormatError(f"unexpected text at {at}: {text[at : at + 40]!r}")
            return links
        at = separator.end()


def with_rel(links: list[Link], rel: str) -> list[Link]:
    """The links among `links` with relation type `rel`."""
    return [link for link in links if rel in link[1].get("rel", set())]
