"""The query mix (bench/queries/*.rq): how to ask for each, and how to count and compare what comes back."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from bench.load import GRAPH_TYPE, SELECT_TYPE, percentile
from service.store import OxigraphStore

QUERIES = Path(__file__).parent / "queries"
_GRAPH_FORM = re.compile(r"^\s*(DESCRIBE|CONSTRUCT)\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Query:
    name: str
    text: str

    @property
    def is_graph(self) -> bool:
        return _GRAPH_FORM.search(self.text) is not None

    @property
    def accept(self) -> str:
        return GRAPH_TYPE if self.is_graph else SELECT_TYPE

    @property
    def in_process_format(self) -> str:
        return "ntriples" if self.is_graph else "json"


def load_queries(names: list[str] | None = None) -> list[Query]:
    files = sorted(QUERIES.glob("*.rq"))
    queries = [Query(f.stem, f.read_text(encoding="utf-8")) for f in files]
    return [q for q in queries if names is None or q.name in names]


@dataclass(frozen=True)
class Answer:
    """What one system answered: a result count and a normalised, order-free fingerprint."""

    status: int
    count: int
    fingerprint: frozenset[tuple[tuple[str, str], ...]] | None

    def to_json(self) -> dict[str, object]:
        return {"status": self.status, "results": self.count}


def _graph_syntax(content_type: str, body: bytes) -> str:
    if "n-triples" in content_type or "ntriples" in content_type or "text/plain" in content_type:
        return "nt"
    if body.lstrip().startswith(b"<?xml") or "rdf+xml" in content_type:
        return "xml"
    if "json" in content_type:
        return "json-ld"
    return "turtle"


def read_answer(status: int, headers: dict[str, str], body: bytes, query: Query) -> Answer:
    """Count the triples of a graph result, or the rows of a SELECT result (as JSON)."""
    if status != 200:
        return Answer(status, -1, None)
    content_type = headers.get("content-type", "")
    if query.is_graph:
        graph = Graph().parse(data=body, format=_graph_syntax(content_type, body))
        rows = frozenset(((("s", str(s)), ("p", str(p)), ("o", str(o))) for s, p, o in graph))
        return Answer(status, len(graph), rows)
    bindings = json.loads(body)["results"]["bindings"]
    normal = frozenset(tuple(sorted((k, _value(v)) for k, v in row.items())) for row in bindings)
    return Answer(status, len(bindings), normal)


def _value(term: dict[str, str]) -> str:
    """A term's value, with numbers normalised (one system says 12, another 12.0 or "12"^^xsd:int)."""
    value = term["value"]
    if term.get("type") in ("literal", "typed-literal") and "datatype" in term:
        try:
            return repr(float(value))
        except ValueError:
            return value
    return value


def in_process(
    store: OxigraphStore, query: Query, max_requests: int = 200, max_seconds: float = 5.0
) -> list[float]:
    """Latencies of query + full serialisation, in this process, one after another (the floor)."""
    latencies: list[float] = []
    deadline = time.perf_counter() + max_seconds
    while len(latencies) < max_requests and time.perf_counter() < deadline:
        started = time.perf_counter()
        store.query(query.text).serialize(query.in_process_format)
        latencies.append(time.perf_counter() - started)
    return latencies


def in_process_summary(latencies: list[float]) -> dict[str, float]:
    return {
        "requests": len(latencies),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 3),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
    }
