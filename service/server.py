"""Serving: gunicorn with N workers in production, Flask's reloader with --dev."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from service.app import create_app
from service.config import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """Each worker calls the factory itself, so each opens its own read-only view of the store."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self._settings
        options = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "worker_class": "gthread",
            "threads": 4,
            # gunicorn's own timeout is a last resort; the query governor stops queries first.
            "timeout": int(s.query_timeout * 3) + 10,
            "graceful_timeout": 10,
            "accesslog": "-",
            "access_log_format": '%(h)s - - %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"',
            "errorlog": "-",
            "loglevel": "info",
            "limit_request_line": 8190,
            "limit_request_field_size": 8190,
            "proc_name": "nhskg",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(self._settings)


def serve(settings: Settings, dev: bool = False) -> None:
    if dev:
        create_app(settings).run(host=settings.host, port=settings.port, debug=False, use_reloader=True)
        return
    _Gunicorn(settings).run()


def wsgi_app(**_: Any) -> Flask:
    """For `gunicorn 'service.server:wsgi_app()'`: settings from the NHSKG_* environment."""
    from service.config import from_env

    return create_app(from_env())
