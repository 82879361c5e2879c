"""The app's state and the typed helpers that reach it: what every blueprint imports instead of the factory.

`create_app` (service/web/app.py) builds an `AppState`, and the parts of the state that belong to one area
(the pages' `PagesState`, the SPARQL endpoint's `SparqlState`), and hangs them on `app.extensions`; a view
reads them with `state()` and `part(PagesState)`. This module imports no blueprint and not the factory, so
that every module of the web layer can import it and none has to import `service.web.app` (which imports
the blueprints): no import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from flask import Flask, current_app

from service.config import Settings
from service.store import Store
from service.web.observability import Metrics

EXTENSION = "nhskg"
Part = TypeVar("Part")


@dataclass
class AppState:
    """What every request may need, created once per process by `create_app`."""

    settings: Settings
    store: Store
    manifest: dict[str, object]
    metrics: Metrics = field(default_factory=Metrics)
    store_path: Path | None = None  # the folder of an on-disk store, watched by /healthz
    built: Path | None = None  # the build's folder (catalogue, report, dump) when the app serves its store
    engine: Path | None = None  # the socket folder of the server's query engine, if it has one

    @property
    def data_version(self) -> str:
        return str(self.manifest.get("key", "unknown"))


def state() -> AppState:
    """The running app's state (inside a request or app context)."""
    value = current_app.extensions.get(EXTENSION)
    if not isinstance(value, AppState):
        raise RuntimeError("the app was not made by create_app")
    return value


def attach(app: Flask, value: object) -> None:
    """Hang one part of the app's state on `app`, found again by its type (`part`)."""
    app.extensions[f"{EXTENSION}.{type(value).__name__}"] = value


def part(kind: type[Part]) -> Part:
    """The running app's part of this type (`part(PagesState)`), as `create_app` attached it."""
    value = current_app.extensions.get(f"{EXTENSION}.{kind.__name__}")
    if not isinstance(value, kind):
        raise RuntimeError(f"the app holds no {kind.__name__}: it was not made by create_app")
    return value
