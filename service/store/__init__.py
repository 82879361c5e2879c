"""The store: one interface and its implementations. Nothing outside this package imports pyoxigraph.

interface.py  `Store` (what the service needs of a store) and the errors every implementation raises
results.py    pyoxigraph's query results in our terms, written in the standard formats by name
oxigraph.py   `OxigraphStore`, the embedded store: built in memory, saved, opened read-only to serve

The service imports from here (`from service.store import Store, OxigraphStore`), not from the modules.
"""

from service.store.interface import QuerySyntaxError, RdfSyntaxError, Store, StoreUnavailableError
from service.store.oxigraph import RDF_FILE_FORMATS, OxigraphStore, bind_values
from service.store.results import (
    BATCH,
    BATCHED_GRAPH_FORMATS,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    QueryResult,
    WrittenTriples,
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
