"""What differs between SPARQL 1.1 servers behind the same protocol: one `Dialect` per kind of backend.

The remote store (service/store/remote.py) speaks the SPARQL 1.1 Protocol to any server; a dialect adds
what that server needs beyond the standard, and reads what it says outside it:

- the query parameters of one request: the default graph (our named graphs, so that a server's own system
  graphs never join the answer) and the server's own per-query timeout, in the unit it expects;
- the error an answer hides in its headers: a server that times out may answer 200 with partial results,
  which must never reach a user as if complete.

`STANDARD` is the protocol alone (Oxigraph server, Fuseki, QLever, GraphDB); `OXIGRAPH` adds Oxigraph
server's own union of its graphs (an optional `union_params`, read by the remote store where present).
Other dialects live beside them and are chosen by name (`--backend-dialect`) or from the server's answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


class PartialAnswerError(RuntimeError):
    """The backend answered, but only part of the answer (it stopped at its own time limit)."""


class Dialect(Protocol):
    @property
    def name(self) -> str:
        """What `--backend-dialect` calls it."""
        ...

    def query_params(self, default_graphs: Sequence[str], timeout: float | None) -> list[tuple[str, str]]:
        """Parameters to send with one query besides `query` itself: `default_graphs` are the graphs whose
        union is the query's default graph (empty: the server's own default), `timeout` in seconds."""
        ...

    def answer_error(self, status: int, headers: Mapping[str, str]) -> Exception | None:
        """The error an answer carries outside its status code (None: the answer is whole)."""
        ...


@dataclass(frozen=True)
class StandardDialect:
    """The SPARQL 1.1 Protocol: `default-graph-uri` per graph; no per-query timeout (the server's own)."""

    name: str = "standard"

    def query_params(self, default_graphs: Sequence[str], timeout: float | None) -> list[tuple[str, str]]:
        return [("default-graph-uri", g) for g in default_graphs]

    def answer_error(self, status: int, headers: Mapping[str, str]) -> Exception | None:
        return None


@dataclass(frozen=True)
class OxigraphDialect(StandardDialect):
    """Oxigraph server: the protocol, and its `union-default-graph` parameter. A default graph named graph
    by graph is evaluated as a union, graph by graph: with our 20 graphs, 10-25 times slower than the
    server's own union of every named graph (competency question 19: 26 s against 1 s). The remote store
    asks for that union, through `union_params`, only when every named graph on the server is ours."""

    name: str = "oxigraph"

    def union_params(self) -> list[tuple[str, str]]:
        """Parameters that make the default graph the union of every named graph on the server."""
        return [("union-default-graph", "true")]


STANDARD = StandardDialect()
OXIGRAPH = OxigraphDialect()
DIALECTS: dict[str, Dialect] = {d.name: d for d in (STANDARD, OXIGRAPH)}
