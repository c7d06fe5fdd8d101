"""The running app's settings, for code that must not touch Flask's request machinery.

Domain code (models, workflows, operations, queries) reads the app's configuration
through here, so the same operation serves a request, a CLI command and a test; an
import-linter contract keeps `flask` itself out of the domain.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_app_context


def setting(name: str, default: Any = None) -> Any:
    """The current app's config value `name` (`default` when unset, or outside an app)."""
    if not has_app_context():
        return default
    return current_app.config.get(name, default)


def secret_key() -> str | bytes:
    """The key the app signs with (set-password links)."""
    key = current_app.secret_key
    if key is None:
        raise RuntimeError("The app has no SECRET_KEY.")
    return key


def app_or_none() -> Flask | None:
    """The current app object, or None outside an app context (a session event fired by a
    script that has no app)."""
    return current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]
