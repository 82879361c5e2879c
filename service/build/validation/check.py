"""A fast validator for the subset of SHACL our shapes use.

pyshacl evaluates a SPARQL constraint once per focus node, which takes minutes on the whole graph. Here
each constraint of each shape is compiled into one SPARQL SELECT (service/build/validation/compiler.py) that
finds every violating focus node in a single pass over the store. The shapes stay standard SHACL, and
tests/test_validation.py checks on every fixture that pyshacl reports the same (shape, focus node) pairs.

Supported: targets sh:targetClass (read from the materialised rdf:type), sh:targetNode,
sh:targetSubjectsOf, sh:targetObjectsOf; node shapes and property shapes (sh:property, a predicate path
or its sh:inversePath); sh:minCount, sh:maxCount, sh:datatype, sh:class, sh:nodeKind, sh:pattern (with
sh:flags), sh:in, sh:hasValue, sh:languageIn, sh:uniqueLang and sh:sparql (SELECT-based, on node shapes).
Any other SHACL term on a shape is an error when the shapes are loaded.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rdflib import URIRef

from service.build.validation import shapes as validation_shapes
from service.build.validation.compiler import CompiledConstraint, check_this_is_bound, compile_shape
from service.build.validation.report import ValidationReport, ValidationResult
from service.build.validation.shapes import Shape, ShapesError
from service.store import Store
from service.terms import IRI, Row

__all__ = ["ShapesError", "ValidationReport", "ValidationResult", "compile_shapes", "load_shapes", "validate"]

WORKERS = 2  # the store answers queries in parallel; the build machine has two cores
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


def load_shapes(shapes_dir: Path) -> list[Shape]:
    """The shapes of shapes_dir/*.ttl; a ShapesError names file:line:column of anything unusable."""
    shapes = validation_shapes.load_shapes(shapes_dir)
    for shape in shapes:
        for constraint in shape.constraints:
            if constraint.component == "sparql":
                check_this_is_bound(shape, constraint)
    return shapes


def compile_shapes(shapes: list[Shape]) -> list[CompiledConstraint]:
    return [compiled for shape in shapes for compiled in compile_shape(shape)]


def validate(store: Store, shapes_dir: Path) -> ValidationReport:
    """Validate the (already materialised) store against every shape in shapes_dir."""
    started = time.perf_counter()
    shapes = load_shapes(shapes_dir)
    compiled = compile_shapes(shapes)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        batches = list(pool.map(lambda c: _run(store, c), compiled))
    results = [r for batch in batches for r in batch]
    return ValidationReport(results, len(shapes), time.perf_counter() - started)


def _run(store: Store, compiled: CompiledConstraint) -> list[ValidationResult]:
    shape = compiled.shape
    return [
        ValidationResult(
            severity=str(shape.severity),
            source_shape=str(shape.node) if isinstance(shape.node, URIRef) else f"_:{shape.node}",
            shape_name=shape.name,
            focus_node=row["this"],
            result_path=_path(compiled, row),
            value=row.get("value"),
            message=_message(compiled, row),
            component=str(compiled.component),
        )
        for row in store.select(compiled.query)
        if "this" in row
    ]


def _path(compiled: CompiledConstraint, row: Row) -> str | None:
    path = compiled.shape.path
    if path is not None and not path.inverse:
        return str(path.predicate)
    found = row.get("path")
    return found.value if isinstance(found, IRI) else None


def _message(compiled: CompiledConstraint, row: Row) -> str:
    template = compiled.constraint.message or compiled.shape.message
    if not template:
        return f"{compiled.shape.name}: {compiled.constraint.component} not met"

    def fill(match: re.Match[str]) -> str:
        # An unbound variable (a body never accountable and with no founding date) reads as "a day not known".
        term = row.get(match.group(1))
        return term.value if term is not None else "a day not known"

    return _TEMPLATE.sub(fill, template)
