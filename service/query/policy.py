"""What a user query may do, and over which dataset: SERVICE allowlisting and FROM / FROM NAMED.

pyoxigraph exposes no parsed query, so the check parses with rdflib's SPARQL parser, and only when the
text (after SPARQL's \\u escapes are expanded) contains "service" or "from" at all. That pre-check is a
plain case-insensitive substring test, so comments, strings or escapes can only cause a needless parse,
never a missed one. A query that mentions SERVICE but that rdflib cannot parse is refused: it could not
be checked. FROM and FROM NAMED only select named graphs of the store; nothing is ever fetched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryRefusedError(ValueError):
    """The query is not allowed here; the message tells the client why."""


@dataclass(frozen=True, slots=True)
class Dataset:
    """The graphs a query runs over; None means the store's own (union default graph, all named)."""

    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


def expand_escapes(sparql: str) -> str:
    """The query text with its \\u (4 hex digits) and \\U (8 hex digits) escapes expanded, as the SPARQL
    grammar reads it."""

    def char(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group(0)

    return _CODEPOINT.sub(char, sparql)


def _walk(node: Any, name: str, found: list[Any]) -> list[Any]:
    """Every parse-tree node called `name` (rdflib's CompValue is a dict with a name)."""
    if isinstance(node, dict):
        if getattr(node, "name", None) == name:
            found.append(node)
        for value in node.values():
            _walk(value, name, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _walk(value, name, found)
    return found


def _parse(sparql: str) -> Any:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    return translateQuery(parseQuery(sparql)).algebra


def check_query(sparql: str, service_allowlist: Sequence[str]) -> Dataset:
    """The dataset named by FROM / FROM NAMED; QueryRefusedError if it calls a SERVICE not allowed."""
    text = expand_escapes(sparql).lower()
    mentions_service, mentions_from = "service" in text, "from" in text
    if not (mentions_service or mentions_from):
        return Dataset()
    try:
        algebra = _parse(sparql)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "could not check"
        if mentions_service:
            raise QueryRefusedError(
                f"the query mentions SERVICE and could not be checked against the allowlist: {exc}"
            ) from exc
        return Dataset()
    for service in _walk(algebra, "ServiceGraphPattern", []):
        term = dict.get(service, "term")
        endpoint = str(term)
        if type(term).__name__ != "URIRef":
            raise QueryRefusedError(f"SERVICE with a variable endpoint (?{endpoint}) is not allowed here")
        if endpoint not in service_allowlist:
            raise QueryRefusedError(
                f"SERVICE <{endpoint}> is not allowed: this endpoint only federates with "
                + (", ".join(f"<{s}>" for s in service_allowlist) or "no other endpoint")
            )
    # rdflib's CompValue.get answers the key itself when it is missing: read them as plain dicts.
    clauses = dict.get(algebra, "datasetClause") or []
    if not clauses:
        return Dataset()
    default = tuple(str(dict.get(c, "default")) for c in clauses if dict.get(c, "default") is not None)
    named = tuple(str(dict.get(c, "named")) for c in clauses if dict.get(c, "named") is not None)
    return Dataset(default, named)


def resolve_dataset(
    sparql: str,
    service_allowlist: Sequence[str],
    default_graph_uris: Sequence[str],
    named_graph_uris: Sequence[str],
) -> Dataset:
    """The dataset to run over: the protocol's default-graph-uri / named-graph-uri override the query's."""
    in_query = check_query(sparql, service_allowlist)
    if default_graph_uris or named_graph_uris:
        return Dataset(tuple(default_graph_uris), tuple(named_graph_uris))
    return in_query
