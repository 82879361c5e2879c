"""Request metrics (Prometheus text format), the query log, and the security headers on every response.

Metrics live on the app state, one set per worker process; each sample carries the worker's pid so that a
scraper can sum across workers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, g, request

query_log = logging.getLogger("nhskg.query")

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
        """Count a SPARQL query by outcome (ok, timeout, syntax, rejected, busy) and log it."""
        with self.lock:
            self.queries[outcome] += 1
        query_log.info(
            json.dumps(
                {
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
            out += [
                f'nhskg_queries_total{{outcome="{k}",worker="{pid}"}} {n}'
                for k, n in sorted(self.queries.items())
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


blueprint = Blueprint("observability", __name__)


@blueprint.get("/metrics")
def metrics() -> Response:
    from service.app import state

    return Response(state().metrics.render(), mimetype="text/plain", headers={"Cache-Control": "no-store"})


def install(app: Flask, metrics_sink: Metrics) -> None:
    """Time every request, count it, and add the security headers to every response."""

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
