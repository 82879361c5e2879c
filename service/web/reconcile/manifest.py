"""The service manifest (schemas/manifest.json): what a client reads first, at GET /reconcile."""

from __future__ import annotations

from dataclasses import dataclass

from service import iris
from service.web.reconcile.kinds import Kind, kind_json
from service.web.reconcile.preview import HEIGHT, WIDTH

NAME = "NHS commissioning knowledge graph (England, 1996-2026)"
IDENTIFIER_SPACE = iris.ID  # an entity's id is its IRI, which begins here
SCHEMA_SPACE = iris.DEF  # types are our classes


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Absolute URLs on the serving host (under its path prefix), built by the routes."""

    service: str  # /reconcile itself
    view: str  # a page about an entity, `?id=` to follow
    preview: str  # its preview card, `?id=` to follow
    documentation: str


def manifest(endpoints: Endpoints, kinds: list[Kind], version: str) -> dict[str, object]:
    by_iri = {k.iri: k for k in kinds}
    return {
        "versions": ["0.2"],
        "name": NAME,
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "documentation": endpoints.documentation,
        "serviceVersion": version,
        "view": {"url": endpoints.view + "?id={{id}}"},
        "preview": {"url": endpoints.preview + "?id={{id}}", "width": WIDTH, "height": HEIGHT},
        "defaultTypes": [kind_json(k, by_iri) for k in kinds],
        "suggest": {
            name: {"service_url": endpoints.service, "service_path": f"/suggest/{name}"}
            for name in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": endpoints.service, "service_path": "/properties"},
            "property_settings": [
                {
                    "type": "text",
                    "name": "date",
                    "label": "On date (YYYY-MM-DD)",
                    "default": "",
                    "help_text": "For 'Parent on a date': the day to read the parent on; today if empty.",
                }
            ],
        },
    }
