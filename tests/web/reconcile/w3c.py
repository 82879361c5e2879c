"""The Reconciliation Service API 0.2 schemas (tests/w3c/reconciliation), loaded for jsonschema with every
reference resolved from the copies beside them: no network."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT7

FOLDER = Path(__file__).parents[2] / "w3c" / "reconciliation"
SCHEMAS = FOLDER / "schemas"
EXAMPLES = FOLDER / "examples"


def _read(path: Path) -> dict[str, object]:
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@cache
def registry() -> Registry:  # type: ignore[type-arg]
    """Every schema by its `$id`, and the Swagger 2.0 schema the manifest's `authentication` refers to."""
    resources = [
        (str(s["$id"]), DRAFT7.create_resource(s)) for s in map(_read, sorted(SCHEMAS.glob("*.json")))
    ]
    swagger = _read(FOLDER / "swagger" / "schema.json")
    resources.append((str(swagger["id"]).rstrip("#"), DRAFT4.create_resource(swagger)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft7Validator:
    """The validator of schemas/{name}.json (draft 7, as the group's README says)."""
    schema = _read(SCHEMAS / f"{name}.json")
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, registry=registry())


def errors(name: str, document: object) -> list[str]:
    """What is wrong with `document` under schemas/{name}.json: empty when it validates."""
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(document)
    ]
