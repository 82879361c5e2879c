"""The store interface (service/store/interface.py): every implementation offers each method of `Store`
with the same parameters, and raises the interface's errors (the remote one's: tests/store/test_remote.py)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from service import iris
from service.store import OxigraphStore, RemoteStore
from service.store.interface import QuerySyntaxError, RdfSyntaxError, Store, StoreUnavailableError

SERVICE = Path(__file__).parents[2] / "service"
IMPLEMENTATIONS = [OxigraphStore, RemoteStore]
METHODS = sorted(
    name for name, _ in inspect.getmembers(Store, inspect.isfunction) if not name.startswith("_")
)


def test_the_interface_is_the_read_side_only() -> None:
    assert METHODS == ["ask", "construct", "describe", "graphs", "ping", "query", "select", "triple_counts"]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize("method", METHODS)
def test_each_implementation_offers_each_method_with_the_same_parameters(
    implementation: type, method: str
) -> None:
    wanted = inspect.signature(getattr(Store, method))
    offered = inspect.signature(getattr(implementation, method))
    assert [(p.name, p.kind, p.default) for p in offered.parameters.values()] == [
        (p.name, p.kind, p.default) for p in wanted.parameters.values()
    ]
    assert offered.return_annotation == wanted.return_annotation


def test_the_errors_are_what_callers_catch() -> None:
    # Callers catch ValueError for a query or file they were given, and RuntimeError for the store itself.
    assert issubclass(QuerySyntaxError, ValueError) and issubclass(RdfSyntaxError, ValueError)
    assert issubclass(StoreUnavailableError, RuntimeError)
    error = RdfSyntaxError("a.ttl:3:11", "unexpected end of file")
    assert (str(error), error.location, error.message) == (
        "a.ttl:3:11: unexpected end of file",
        "a.ttl:3:11",
        "unexpected end of file",
    )


def test_the_embedded_store_raises_the_interfaces_errors(tmp_path: Path) -> None:
    store = OxigraphStore.in_memory()
    with pytest.raises(QuerySyntaxError):
        store.query("SELECT ?s WHERE {")
    with pytest.raises(RdfSyntaxError):
        store.load_file(tmp_path / "data.csv", iris.graph("x"))
    with pytest.raises(StoreUnavailableError):
        OxigraphStore.open_read_only(tmp_path / "nothing-here")


def test_nothing_outside_the_store_package_imports_pyoxigraph() -> None:
    importers = []
    for path in sorted(SERVICE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        if any(name.split(".")[0] == "pyoxigraph" for name in names):
            importers.append(path.relative_to(SERVICE).as_posix())
    assert importers and all(p.startswith("store/") for p in importers), importers
