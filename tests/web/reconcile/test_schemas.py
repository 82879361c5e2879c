"""The group's schemas first: each accepts its own valid examples and refuses its invalid ones, so that a
response of ours that validates means something (the spec's own check, with ajv, does the same)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web.reconcile.w3c import EXAMPLES, SCHEMAS, errors

# Example folders with no schema of that name in 0.2, and why they are not checked here.
WITHOUT_SCHEMA = {
    "data-extension-metadata": "the manifest's `extend` part; checked inside the manifest examples",
    "flyout-response": "flyout is optional and not offered by this service",
    "preview-metadata": "the manifest's `preview` part; checked inside the manifest examples",
    "preview-response": "an HTML page, not JSON",
    "reconciliation-candidate": "one item of a result batch; checked inside the result batch examples",
    "security-scheme": "the manifest's `authentication`; checked inside the manifest examples",
    "suggest-metadata": "the manifest's `suggest` part; checked inside the manifest examples",
}


def examples(kind: str) -> list[tuple[str, Path]]:
    return [
        (folder.name, path)
        for folder in sorted(EXAMPLES.iterdir())
        if (SCHEMAS / f"{folder.name}.json").is_file()
        for path in sorted((folder / kind).glob("*.json"))
    ]


def test_every_example_folder_has_its_schema_or_a_reason() -> None:
    folders = {f.name for f in EXAMPLES.iterdir()}
    checked = {name for name, _ in examples("valid") + examples("invalid")}
    assert folders - checked == set(WITHOUT_SCHEMA)
    assert len(examples("valid")) >= 20 and len(examples("invalid")) >= 10


@pytest.mark.parametrize(("schema", "path"), examples("valid"), ids=lambda v: getattr(v, "name", v))
def test_schema_accepts_its_valid_example(schema: str, path: Path) -> None:
    assert errors(schema, json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(("schema", "path"), examples("invalid"), ids=lambda v: getattr(v, "name", v))
def test_schema_refuses_its_invalid_example(schema: str, path: Path) -> None:
    assert errors(schema, json.loads(path.read_text(encoding="utf-8"))) != []
