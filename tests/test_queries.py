"""The one loader of named queries (service/queries/__init__.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from service import queries
from service.store import OxigraphStore

SERVICE = Path(queries.__file__).parents[1]


def test_a_named_query_is_its_file_read_once() -> None:
    path = queries.FOLDER / "pages" / "exists.rq"
    assert queries.text("pages/exists") == path.read_text(encoding="utf-8")
    assert queries.text("pages/exists") is queries.text("pages/exists")


@pytest.mark.parametrize("folder", ["pages", "coverage", "rules", "examples"])
def test_every_named_query_parses(folder: str) -> None:
    store = OxigraphStore.in_memory()
    names = sorted(p.stem for p in (queries.FOLDER / folder).glob("*.rq"))
    assert names
    for name in names:
        # Over an empty store, with the variables bound at run time left unbound: a broken file raises
        # QuerySyntaxError.
        store.query(queries.text(f"{folder}/{name}"))


def test_the_rules_and_the_examples_live_here() -> None:
    assert queries.RULES.parent == queries.EXAMPLES.parent == queries.FOLDER
    assert list(queries.RULES.glob("*.rq")) and list(queries.EXAMPLES.glob("*.rq"))


def test_paged_adds_whole_numbers_only() -> None:
    assert queries.paged("SELECT * WHERE { ?s ?p ?o }", 10, 20).endswith("\nLIMIT 10 OFFSET 20")
    with pytest.raises(ValueError):
        queries.paged("SELECT * WHERE { ?s ?p ?o }", 10, "0 } DROP ALL #")  # type: ignore[arg-type]


def _query_paths(tree: ast.AST) -> list[str]:
    """String constants that name a path inside service/queries (`"queries"`, `"queries/pages/..."`)."""
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value == "queries" or node.value.startswith("queries/"))
    ]


# Files whose "queries" is not a path, and what it is instead.
NOT_A_PATH = {"web/reconcile/routes.py": "the Reconciliation Service API's request parameter `queries`"}


def test_only_the_loader_knows_where_the_queries_live() -> None:
    found = {
        str(path.relative_to(SERVICE)): _query_paths(ast.parse(path.read_text(encoding="utf-8")))
        for path in SERVICE.rglob("*.py")
        if path != Path(queries.__file__) and str(path.relative_to(SERVICE)) not in NOT_A_PATH
    }
    assert {name: paths for name, paths in found.items() if paths} == {}
