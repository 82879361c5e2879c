"""tests/ mirrors service/: each module has a test module at the same path that imports it.

service/web/pages/rdf.py is tested by tests/web/pages/test_rdf*.py, which imports service.web.pages.rdf.
A module without one is listed in EXCEPTIONS with the reason; ingest/ (converters with tests of their own
shape in tests/ingest/) and package __init__ files are outside the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
SERVICE = ROOT / "service"
TESTS = ROOT / "tests"
OUTSIDE = ("ingest",)
# Modules without a test module at the mirrored path, and why. Each is a debt: remove its line when the test
# moves or is written (test_each_exception_is_still_needed fails until it is).
EXCEPTIONS: dict[str, str] = {
    "service.build.catalogue": "tested directly in tests/web/pages/test_routes.py (search,"
    " the saved catalogue) and test_as_of.py (holds_on)",
    "service.build.validation.report": "tested directly in tests/web/pages/test_quality.py and, through"
    " validate, in tests/build/validation/test_check.py",
    "service.iris": "used by every fixture and tests/web/test_urls.py; its builders have no"
    " test of their own",
    "service.web.pages.entity": "tested directly in tests/web/pages/test_as_of.py, which spans"
    " entity and timeline",
    "service.web.server": "tested directly in tests/web/test_hardening.py (gunicorn's options, dev mode)",
}


def modules() -> list[str]:
    """Every module of the service under the rule, as a dotted name."""
    found = []
    for path in sorted(SERVICE.rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        if path.name != "__init__.py" and relative.parts[1] not in OUTSIDE:
            found.append(".".join(relative.parts))
    return found


def imported(path: Path) -> set[str]:
    """The modules a test file imports, `from service.web import sparql` counting as service.web.sparql."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def mirrored_tests(module: str) -> list[Path]:
    """tests/<the module's folder>/test_<its name>*.py."""
    *folders, name = module.split(".")[1:]
    return sorted(TESTS.joinpath(*folders).glob(f"test_{name}*.py"))


def untested() -> list[str]:
    return [m for m in modules() if not any(m in imported(t) for t in mirrored_tests(m))]


def test_the_rule_reads_imports_and_paths() -> None:
    # The check itself: a module is found, its mirrored test file is found, and the import counts.
    assert "service.web.pages.rdf" in modules() and "service.ingest.ods" not in modules()
    assert TESTS / "web" / "test_urls.py" in mirrored_tests("service.web.urls")
    assert "service.web.urls" in imported(TESTS / "web" / "test_urls.py")


def test_every_module_has_a_test_module_at_its_mirrored_path_that_imports_it() -> None:
    missing = [m for m in untested() if m not in EXCEPTIONS]
    assert missing == [], "give each a tests/<path>/test_<name>.py that imports it, or list it in EXCEPTIONS"


def test_each_exception_is_still_needed() -> None:
    # An exception whose module now has its test (or no longer exists) is removed from the table.
    assert sorted(set(EXCEPTIONS) - set(untested())) == []
