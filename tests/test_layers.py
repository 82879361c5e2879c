"""The layers of the service and their one-way doors, checked on the imports every module makes.

Each module's imports are read with `ast`, including those inside functions and under TYPE_CHECKING: a
newcomer reads those too. Two rules: no import cycle among the service's modules, and each layer imports
only its own layer and the layers below it (LAYERS, lowest first; docs/architecture.md shows the same
table, written by `markdown_table`).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import service

ROOT = "service"
SERVICE = Path(service.__file__).parent


@dataclass(frozen=True)
class Layer:
    name: str
    holds: str  # what the layer is for, in a phrase
    modules: tuple[str, ...]  # modules, and packages with everything inside them


# Lowest first: a module may import its own layer and the layers above it in this table, never below.
LAYERS: tuple[Layer, ...] = (
    Layer(
        "base",
        "settings, RDF terms and IRIs, the store interface, named queries, small utilities",
        (
            "service",  # the package's own __init__ (its version) only, not everything inside it
            "service.config",
            "service.terms",
            "service.iris",
            "service.store",
            "service.queries",
            "service.bounded_cache",
            "service.huge_pages",
        ),
    ),
    Layer("ingest", "converters from the raw sources to data/ttl", ("service.ingest",)),
    Layer(
        "build", "build, reasoning, the catalogue, validation: what runs before serving", ("service.build",)
    ),
    Layer(
        "query",
        "what runs a user's query: job, policy, writers, result cache, runner, engine",
        ("service.query",),
    ),
    Layer("web", "create_app, the app's state, blueprints, pages, the server", ("service.web",)),
    Layer("cli", "the `nhskg` command", ("service.cli",)),
)


def markdown_table(layers: tuple[Layer, ...] = LAYERS) -> str:
    """The layer table as docs/architecture.md shows it, lowest first."""
    rows = ["| layer | holds | may import, besides its own layer |", "| --- | --- | --- |"]
    for i, layer in enumerate(layers):
        below = ", ".join(lower.name for lower in layers[:i]) or "nothing of the service"
        rows.append(f"| {layer.name} | {layer.holds} | {below} |")
    return "\n".join(rows) + "\n"


# --- reading the imports ------------------------------------------------------------------------


def modules_of(folder: Path, package: str = ROOT) -> dict[str, Path]:
    """Every module under `folder` by dotted name (a package by its own name, for its __init__)."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        parts = [package, *path.relative_to(folder).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a `from ... import` reads from, relative imports resolved against `module`."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    anchor = package[: len(package) - node.level + 1]  # `from .` is the package, `from ..` its parent
    return ".".join([*anchor, *([node.module] if node.module else [])])


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules one import statement loads: `import a.b` and `from a import b` (b a module) load a.b;
    `from a import c` (c a class or a function) loads a; and loading a.b first loads the package a."""
    if isinstance(node, ast.Import):
        named = {alias.name for alias in node.names}
    else:
        base = _absolute(node, module, is_package)
        members = {f"{base}.{alias.name}" for alias in node.names}
        named = (members & known) | ({base} if members - known else set())
    loaded = set()
    for name in named:
        parts = name.split(".")
        loaded |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return loaded & known


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Which of `modules` each one imports, anywhere in its body (inside functions, under TYPE_CHECKING)."""
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges |= _imported(node, name, is_package, known)
        # A module's own packages are loading already when it loads (Python imports a package before
        # anything inside it), so `from service.store.results import X` inside service.store.interface
        # is no edge back to service.store, whose __init__ re-exports both.
        parts = name.split(".")
        ancestors = {".".join(parts[:i]) for i in range(1, len(parts))}
        graph[name] = edges - {name} - ancestors
    return graph


# --- the two rules ------------------------------------------------------------------------------


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import cycle (`[a, b, c, a]`), or None: a depth-first search in a fixed order."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(sorted(graph.get(start, ())))]
        while stack:
            following = next(stack[-1], None)
            if following is None:  # every import of path[-1] explored: it is on no cycle through here
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                stack.pop()
                continue
            if following in on_path:
                return [*path[path.index(following) :], following]
            if following not in done:
                path.append(following)
                on_path.add(following)
                stack.append(iter(sorted(graph.get(following, ()))))
    return None


def layer_of(module: str, layers: tuple[Layer, ...] = LAYERS) -> int | None:
    """The index in `layers` of the module's layer (the longest listed name that holds it), or None."""
    best: tuple[int, int] | None = None
    for index, layer in enumerate(layers):
        for name in layer.modules:
            holds = module == name or (name != ROOT and module.startswith(name + "."))
            if holds and (best is None or len(name) > best[0]):
                best = (len(name), index)
    return best[1] if best else None


def upward_imports(graph: Mapping[str, set[str]], layers: tuple[Layer, ...] = LAYERS) -> list[str]:
    """Every import of a higher layer by a lower one, as `importer (layer) imports imported (layer)`."""
    found = []
    for module in sorted(graph):
        own = layer_of(module, layers)
        for imported in sorted(graph[module]):
            theirs = layer_of(imported, layers)
            if own is not None and theirs is not None and theirs > own:
                found.append(f"{module} ({layers[own].name}) imports {imported} ({layers[theirs].name})")
    return found


# --- the service as it is -----------------------------------------------------------------------


def test_no_import_cycle_among_the_service_modules() -> None:
    cycle = find_cycle(import_graph(modules_of(SERVICE)))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_each_layer_imports_only_the_layers_below_it() -> None:
    assert upward_imports(import_graph(modules_of(SERVICE))) == []


def test_every_module_belongs_to_a_layer() -> None:
    assert [m for m in modules_of(SERVICE) if layer_of(m) is None] == []


# --- the checks catch what they are for -------------------------------------------------------


def test_a_planted_cycle_is_found_and_named() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"b", "c"}}) is None


def test_a_planted_upward_import_is_found_and_named() -> None:
    graph = {
        "service.build.builder": {"service.web.pages.quality", "service.config"},
        "service.web.pages.quality": {"service.build.validation.saved", "service.web.urls"},
        "service.build.validation.saved": set(),
        "service.web.urls": set(),
        "service.config": set(),
    }
    assert upward_imports(graph) == ["service.build.builder (build) imports service.web.pages.quality (web)"]


def test_imports_inside_functions_and_relative_imports_are_read(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (package / "low.py").write_text("def f():\n    from pkg.sub import high\n", encoding="utf-8")
    (package / "sub" / "high.py").write_text("from .. import low\nfrom ..low import f\n", encoding="utf-8")
    graph = import_graph(modules_of(package, "pkg"))
    # Loading pkg.sub.high loads the package pkg.sub first (pkg, their own package, is loading already);
    # `from ..low import f` loads pkg.low.
    assert graph["pkg.low"] == {"pkg.sub", "pkg.sub.high"}
    assert graph["pkg.sub.high"] == {"pkg.low"}
    assert find_cycle(graph) == ["pkg.low", "pkg.sub.high", "pkg.low"]


def test_a_package_that_re_exports_its_modules_is_no_cycle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg.a import A\nfrom pkg.b import B\n", encoding="utf-8")
    (package / "a.py").write_text("from pkg.b import B\nA = B\n", encoding="utf-8")
    (package / "b.py").write_text("B = 1\n", encoding="utf-8")
    graph = import_graph(modules_of(package, "pkg"))
    assert graph == {"pkg": {"pkg.a", "pkg.b"}, "pkg.a": {"pkg.b"}, "pkg.b": set()}
    assert find_cycle(graph) is None


def test_the_root_package_holds_only_its_own_init() -> None:
    assert layer_of("service") == 0
    assert layer_of("service.anything_new") is None  # a new module must be given a layer
    assert layer_of("service.web.pages.routes") == [layer.name for layer in LAYERS].index("web")


def test_the_table_for_the_docs_lists_each_layer_with_those_below() -> None:
    table = markdown_table()
    assert table.splitlines()[2].startswith("| base |") and "nothing of the service" in table
    assert "| cli | the `nhskg` command | base, ingest, build, query, web |" in table


def test_the_architecture_page_shows_the_layer_table_of_this_test() -> None:
    page = (SERVICE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    start, end = (
        "<!-- layers: written by tests/test_layers.py markdown_table(); keep the two equal -->\n",
        "<!-- /layers -->",
    )
    shown = page[page.index(start) + len(start) : page.index(end)]
    assert shown == markdown_table()
