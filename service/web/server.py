"""Serving: gunicorn with N workers in production, Flask's reloader with --dev."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from service.build import builder
from service.config import Settings, from_env
from service.query.engine import Engine
from service.web import observability
from service.web.app import create_app

PAGE_THREADS = 2
# The Combined Log Format (what log tools read), then the time taken in milliseconds.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)s'


def threads_per_worker(settings: Settings) -> int:
    """A thread for each query slot and PAGE_THREADS more, so that pages answer while every slot is busy
    (a query beyond the slots holds a thread only for the governor's brief wait before its 503)."""
    return max(4, settings.query_slots_per_worker + PAGE_THREADS)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """Each worker calls the factory itself, so each opens its own read-only view of the store; all of
    them send user queries to the one query engine the server started."""

    def __init__(self, settings: Settings, engine: Path | None) -> None:
        self._settings = settings
        self._engine = engine
        super().__init__()

    def load_config(self) -> None:
        s = self._settings
        options = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "worker_class": "gthread",
            "threads": threads_per_worker(s),
            # gunicorn's own timeout is a last resort; the query governor stops queries first.
            "timeout": int(s.query_timeout * 3) + 10,
            "graceful_timeout": 10,
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "loglevel": "info",
            "limit_request_line": 8190,
            "limit_request_field_size": 8190,
            "proc_name": "nhskg",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        observability.configure_logging()
        app = create_app(self._settings, engine=self._engine)
        # What the app holds for its whole life (the catalogue: ~150,000 objects) leaves the collector's
        # view, so that no request pays a full collection that walks it (42 ms each on the real data).
        gc.freeze()
        return app


def serve(settings: Settings, dev: bool = False) -> None:
    if dev:
        create_app(settings).run(host=settings.host, port=settings.port, debug=False, use_reloader=True)
        return
    store = builder.current_store(settings) if settings.backend_url is None else None
    if store is not None:  # every worker serves this one, without hashing the inputs again to find it
        settings = settings.with_overrides(store_path=store)
    engine = Engine.for_settings(store, settings) if store is not None else None
    if engine is not None:
        engine.supervise()
    try:
        _Gunicorn(settings, engine.folder if engine else None).run()
    finally:
        if engine is not None:
            engine.stop()


def wsgi_app(**_: Any) -> Flask:
    """For `gunicorn 'service.web.server:wsgi_app()'`: settings from the NHSKG_* environment."""
    return create_app(from_env())
