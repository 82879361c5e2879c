"""Shared fixtures. Each area keeps its own in a module of its own, imported here in one line."""

from tests.cli_fixtures import project  # noqa: F401
from tests.pages_fixtures import app, client, pages_backend, pages_quads  # noqa: F401
from tests.remote_fixtures import backend, real_backend, real_virtuoso  # noqa: F401
from tests.sparql_fixtures import (  # noqa: F401
    protocol_server,
    remote_sparql_server,
    sparql_app,
    sparql_client,
    sparql_engine,
    sparql_server,
    virtuoso_sparql_server,
)
from tests.virtuoso_fixtures import (  # noqa: F401
    embedded_store,
    pages_virtuoso,
    test_data_dump,
    virtuoso_server,
)
