"""/healthz, /readyz and /metrics: for load balancers and the operator's monitoring.

The first two are plain JSON, never kept, cached or throttled: a load balancer asks often.
/metrics is Prometheus's text format, from prometheus-flask-exporter (every request's
duration and status, by endpoint) and the tracker's own counters (the kept renders: sent,
answered 304, rendered); with gunicorn, set PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py
does) and every worker's numbers are summed.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request
from flask_login import current_user
from prometheus_client import CollectorRegistry
from prometheus_flask_exporter import PrometheusMetrics

from ..core import access
from ..core.web import conditional
from . import checks
from .scrapes import Scrape

bp = Blueprint("monitoring", __name__)

_NOT_MEASURED = [r"^/static/", r"^/metrics$", r"^/healthz$", r"^/readyz$", r"^/api/v1/docs/assets/"]


@bp.route("/healthz")
def healthz() -> Response:
    """Liveness: the process answers (nothing else is asked)."""
    return _uncached(jsonify(status="ok"))


@bp.route("/readyz")
def readyz() -> Response:
    """Readiness: 200 when the database (and Redis, if configured) answer, else 503."""
    results = checks.readiness()
    ready = all(check.ok for check in results)
    response = jsonify(
        status="ready" if ready else "not ready",
        checks={check.name: check.detail for check in results},
    )
    response.status_code = 200 if ready else 503
    return _uncached(response)


@bp.route("/metrics")
def metrics() -> Response:
    scrape = Scrape(_bearer_token(), current_app.config.get("METRICS_TOKEN") or None)
    if access.refusal(current_user, "read_metrics", scrape):
        abort(404)  # not public: the address is not even confirmed
    text, content_type = current_app.extensions["metrics"].generate_metrics(request.headers.get("Accept"))
    return _uncached(Response(text, content_type=content_type))


def _bearer_token() -> str | None:
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _uncached(response: Response) -> Response:
    response.cache_control.no_store = True
    return response


def init_app(app: Flask) -> None:
    registry = CollectorRegistry(auto_describe=True)  # this app's (the tests build many)
    registry.register(conditional.KEPT_RENDERS)
    app.extensions["metrics"] = PrometheusMetrics(
        app, path=None, registry=registry, group_by="endpoint", excluded_paths=_NOT_MEASURED
    )
    app.register_blueprint(bp)
