"""The store interface: what the service needs of a store, and the errors every implementation raises.

Callers see plain term objects (`IRI`, `Literal`, `BNode`), rows as dicts, and query results that serialise
themselves into the standard formats by name (`QueryResult`, service/store/results.py). Two implementations:
the embedded `OxigraphStore` and `RemoteStore`, over any SPARQL 1.1 Protocol endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from service.store.results import QueryResult
from service.terms import Bindings, Row, Triple


class QuerySyntaxError(ValueError):
    """The query is not SPARQL 1.1; the message carries the parser's position."""


class RdfSyntaxError(ValueError):
    """An RDF file does not parse; `location` is `file:line:column`."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


class StoreUnavailableError(RuntimeError):
    """The store cannot be read (missing or damaged folder, I/O error; a remote store's server is down,
    unreachable or failing)."""


class StoreTimeoutError(StoreUnavailableError):
    """A remote store's server gave no whole answer in time: it stopped at its own time limit (a partial
    answer is never passed on), or ours ran out first."""


class Store(Protocol):
    """What the service needs of a store. Reads only: building is `OxigraphStore`'s own business.

    `bindings` give variables fixed values before evaluation, so a value from a request is never spliced
    into query text: each value is checked and written as an RDF term by pyoxigraph itself, in an inline
    VALUES block at the start of the query's WHERE group. An invalid IRI in a binding raises ValueError.
    """

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Bindings | None = None,
    ) -> QueryResult: ...

    def select(self, sparql: str, bindings: Bindings | None = None) -> list[Row]: ...

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool: ...

    def construct(self, sparql: str, bindings: Bindings | None = None) -> list[Triple]: ...

    def describe(self, iri: str) -> list[Triple]: ...

    def graphs(self) -> list[str]: ...

    def triple_counts(self) -> dict[str, int]: ...

    def ping(self) -> bool: ...


class Shortcuts:
    """`select`, `ask` and `construct` as every store has them: one query, its answer taken whole. A store
    defines `query` (as `Store` has it) and inherits these."""

    query: Callable[..., QueryResult]

    def select(self, sparql: str, bindings: Bindings | None = None) -> list[Row]:
        return list(self.query(sparql, bindings=bindings).rows())

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        return self.query(sparql, bindings=bindings).boolean

    def construct(self, sparql: str, bindings: Bindings | None = None) -> list[Triple]:
        return list(self.query(sparql, bindings=bindings).triples())
