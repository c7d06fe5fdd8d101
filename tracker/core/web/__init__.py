"""The request-bound half of the core: what every page shares — the forms' base and fields,
refusals shown beside a form, lists as pages, error pages, security headers, log-in
throttling and the API's rate limit, templating, conditional requests and kept renders."""

from __future__ import annotations

from flask import Flask

from . import api_rate_limit, errors, i18n, render_cache, security, templating


def init_app(app: Flask) -> None:
    """The page's language, kept renders (a WSGI layer in front of the app), the API's rate
    limit, error pages, security headers and the proxy set-up, and the templates' filters."""
    i18n.init_app(app)  # the page's language first: the kept renders are keyed by it
    render_cache.init_app(app)
    api_rate_limit.init_app(app)  # before any other check: every API request counts
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
