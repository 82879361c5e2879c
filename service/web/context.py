"""The app's state and the typed helper that reaches it: what every blueprint imports instead of the factory.

`create_app` (service/web/app.py) builds an `AppState` and hangs it on `app.extensions`; a view reads it with
`state()`. This module imports no blueprint and not the factory, so that every module of the web layer can
import it and none has to import `service.web.app` (which imports the blueprints): no import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from service.config import Settings
from service.store import Store
from service.web.observability import Metrics

EXTENSION = "nhskg"


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
    value = current_app.extensions[EXTENSION]
    if not isinstance(value, AppState):
        raise RuntimeError("the app was not made by create_app")
    return value
