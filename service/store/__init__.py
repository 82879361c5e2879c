"""The store: one interface and its implementations. Nothing outside it imports pyoxigraph.

interface.py  `Store` (what the service needs of a store) and the errors every implementation raises
results.py    pyoxigraph's query results in our terms, written in the standard formats by name
oxigraph.py   `OxigraphStore`, the embedded store: built in memory, saved, opened read-only to serve
remote.py     `RemoteStore`, any SPARQL 1.1 Protocol endpoint as a store (pooled HTTP, urllib3)
dialect.py    what differs between the servers behind that protocol

The service imports from here (`from service.store import Store, OxigraphStore`), not from the modules.
"""

from service.store.interface import (
    QuerySyntaxError,
    RdfSyntaxError,
    Store,
    StoreTimeoutError,
    StoreUnavailableError,
)
from service.store.oxigraph import RDF_FILE_FORMATS, OxigraphStore, bind_values
from service.store.remote import RemoteStore
from service.store.results import (
    BATCH,
    BATCHED_GRAPH_FORMATS,
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    OxigraphResult,
    QueryResult,
    WrittenTriples,
)

__all__ = [
    "BATCH",
    "BATCHED_GRAPH_FORMATS",
    "GRAPH_FORMATS",
    "RDF_FILE_FORMATS",
    "SOLUTION_FORMATS",
    "OxigraphResult",
    "OxigraphStore",
    "QueryResult",
    "QuerySyntaxError",
    "RdfSyntaxError",
    "RemoteStore",
    "Store",
    "StoreTimeoutError",
    "StoreUnavailableError",
    "WrittenTriples",
    "bind_values",
]
