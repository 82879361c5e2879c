"""Shared fixtures. Each area keeps its own in a module of its own, imported here in one line."""

from tests.cli_fixtures import project  # noqa: F401
from tests.pages_fixtures import app, client, pages_backend  # noqa: F401
from tests.remote_fixtures import backend, real_backend  # noqa: F401
from tests.sparql_fixtures import (  # noqa: F401
    protocol_server,
    remote_sparql_server,
    sparql_app,
    sparql_client,
    sparql_engine,
    sparql_server,
)
from tests.virtuoso_fixtures import embedded_store, test_data_dump, virtuoso_server  # noqa: F401
