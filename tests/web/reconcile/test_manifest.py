"""The manifest, pure: what it offers from the endpoints it is given."""

from __future__ import annotations

from service.web.reconcile.kinds import Kind
from service.web.reconcile.manifest import Endpoints, manifest
from tests.web.reconcile.w3c import errors

ENDPOINTS = Endpoints("https://h/r", "https://h/r/view", "https://h/r/preview", "https://h/about")
KINDS = [Kind("https://k/A", "A", "", ()), Kind("https://k/B", "B", "a B", ("https://k/A",))]


def test_manifest_validates_and_offers_each_feature() -> None:
    written = manifest(ENDPOINTS, KINDS, "1.2.3")
    assert errors("manifest", written) == []
    assert written["versions"] == ["0.2"] and written["serviceVersion"] == "1.2.3"
    assert written["defaultTypes"] == [
        {"id": "https://k/A", "name": "A"},
        {
            "id": "https://k/B",
            "name": "B",
            "description": "a B",
            "broader": [{"id": "https://k/A", "name": "A"}],
        },
    ]
    assert written["extend"]["propose_properties"] == {
        "service_url": "https://h/r",
        "service_path": "/properties",
    }  # type: ignore[index]
    assert {s["service_path"] for s in written["suggest"].values()} == {  # type: ignore[attr-defined]
        "/suggest/entity",
        "/suggest/type",
        "/suggest/property",
    }
