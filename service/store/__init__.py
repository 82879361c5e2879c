"""The store: one interface and its implementations. Nothing outside this package imports pyoxigraph."""

from service.store.oxigraph import (
    BATCH,
    BATCHED_GRAPH_FORMATS,
    GRAPH_FORMATS,
    RDF_FILE_FORMATS,
    SOLUTION_FORMATS,
    OxigraphStore,
    QueryResult,
    QuerySyntaxError,
    RdfSyntaxError,
    Store,
    StoreUnavailableError,
    WrittenTriples,
    bind_values,
)

__all__ = [
    "BATCH",
    "BATCHED_GRAPH_FORMATS",
    "GRAPH_FORMATS",
    "RDF_FILE_FORMATS",
    "SOLUTION_FORMATS",
    "OxigraphStore",
    "QueryResult",
    "QuerySyntaxError",
    "RdfSyntaxError",
    "Store",
    "StoreUnavailableError",
    "WrittenTriples",
    "bind_values",
]
