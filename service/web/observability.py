"""Request metrics (Prometheus text format), the query log, and the security headers on every response.

Metrics live on the app state, one set per worker process; each sample carries the worker's pid so that a
scraper can sum across workers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
import time
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from flask import Blueprint, Flask, Response, g, request

query_log = logging.getLogger("nhskg.query")

# Every outcome a query can have, so that each counter exists (at 0) from the start.
OUTCOMES = ("ok", "cached", "aborted", "syntax", "rejected", "timeout", "busy", "error")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# No inline script anywhere; JSON-LD data blocks are not script execution. Styles may be inline for the
# vendored query editor.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass
class Metrics:
    """Counters and latency histograms of one worker process; thread-safe."""

    requests: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    latency: dict[str, list[int]] = field(default_factory=dict)
    latency_sum: Counter[str] = field(default_factory=Counter)
    queries: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def observe_request(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        with self.lock:
            self.requests[(method, endpoint, status)] += 1
            buckets = self.latency.setdefault(endpoint, [0] * (len(BUCKETS) + 1))
            buckets[bisect_left(BUCKETS, seconds)] += 1
            self.latency_sum[endpoint] += seconds  # type: ignore[assignment]

    def observe_query(self, sparql: str, seconds: float, rows: int | None, outcome: str) -> None:
        """Count a SPARQL query by outcome (one of OUTCOMES) and log it as one JSON line."""
        with self.lock:
            self.queries[outcome] += 1
        query_log.info(
            json.dumps(
                {
                    "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "pid": os.getpid(),
                    "query_sha256": hashlib.sha256(sparql.encode()).hexdigest()[:16],
                    "ms": round(seconds * 1000, 1),
                    "rows": rows,
                    "outcome": outcome,
                }
            )
        )

    def render(self) -> str:
        """The Prometheus text exposition of everything counted so far."""
        pid = os.getpid()
        out = [
            "# HELP nhskg_requests_total HTTP requests answered.",
            "# TYPE nhskg_requests_total counter",
        ]
        with self.lock:
            for (method, endpoint, status), n in sorted(self.requests.items()):
                labels = f'method="{method}",endpoint="{endpoint}",status="{status}",worker="{pid}"'
                out.append(f"nhskg_requests_total{{{labels}}} {n}")
            out += self._histogram(pid)
            out += [
                "# HELP nhskg_queries_total SPARQL queries by outcome.",
                "# TYPE nhskg_queries_total counter",
            ]
            counts = {outcome: 0 for outcome in OUTCOMES} | dict(self.queries)
            out += [
                f'nhskg_queries_total{{outcome="{k}",worker="{pid}"}} {n}' for k, n in sorted(counts.items())
            ]
            out += [
                "# HELP nhskg_query_timeouts_total SPARQL queries stopped at the time limit.",
                "# TYPE nhskg_query_timeouts_total counter",
                f'nhskg_query_timeouts_total{{worker="{pid}"}} {self.queries["timeout"]}',
            ]
        return "\n".join(out) + "\n"

    def _histogram(self, pid: int) -> list[str]:
        out = [
            "# HELP nhskg_request_seconds Time to answer a request.",
            "# TYPE nhskg_request_seconds histogram",
        ]
        name = "nhskg_request_seconds"
        for endpoint, buckets in sorted(self.latency.items()):
            labels = f'endpoint="{endpoint}",worker="{pid}"'
            running = 0
            for bound, n in zip((*BUCKETS, float("inf")), buckets, strict=True):
                running += n
                le = "+Inf" if bound == float("inf") else repr(bound)
                out.append(f'{name}_bucket{{{labels},le="{le}"}} {running}')
            out.append(f"{name}_sum{{{labels}}} {self.latency_sum[endpoint]}")
            out.append(f"{name}_count{{{labels}}} {running}")
        return out


def configure_logging(stream: TextIO | None = None) -> None:
    """Send the service's logs to standard error beside gunicorn's: the query log as bare JSON lines, the
    rest in gunicorn's own layout. Gunicorn configures only its own loggers, and without this the query
    log (INFO) would go nowhere. Safe to call twice."""
    target = stream or sys.stderr
    layouts = {
        "nhskg.query": "%(message)s",
        "service": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
    }
    for name, layout in layouts.items():
        logger = logging.getLogger(name)
        if any(getattr(h, "nhskg", False) for h in logger.handlers):
            continue
        handler = logging.StreamHandler(target)
        handler.setFormatter(logging.Formatter(layout, "[%Y-%m-%d %H:%M:%S %z]"))
        handler.nhskg = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def install(app: Flask, metrics_sink: Metrics) -> None:
    """Time every request, count it, add the security headers to every response, and serve the counts at
    /metrics. The blueprint is made here, around this app's metrics, so that this module needs neither the
    factory nor the app's state (service.web.context holds a Metrics, and so imports this module)."""
    blueprint = Blueprint("observability", __name__)

    @blueprint.get("/metrics")
    def metrics() -> Response:
        return Response(metrics_sink.render(), mimetype="text/plain", headers={"Cache-Control": "no-store"})

    @app.before_request
    def _start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        started = g.get("started")
        if started is not None:
            endpoint = request.endpoint or "unmatched"
            metrics_sink.observe_request(
                request.method, endpoint, response.status_code, time.perf_counter() - started
            )
        return response

    app.register_blueprint(blueprint)
