"""The request-bound half of the core: what every page shares — the forms' base and fields,
refusals shown beside a form, lists as pages, error pages, security headers and log-in
throttling, templating, conditional requests and kept renders."""

from __future__ import annotations

from flask import Flask

from . import errors, i18n, render_cache, security, templating


def init_app(app: Flask) -> None:
    """The page's language, kept renders (a WSGI layer in front of the app), error pages,
    security headers and the proxy set-up, and the templates' filters."""
    i18n.init_app(app)  # the page's language first: the kept renders are keyed by it
    render_cache.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
