"""The app factory: configuration, the extensions, the permission rules, every area's pages,
the API, the commands and the shared web layer — put together for one app."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import api, permissions
from .accounts import cli as accounts_cli
from .accounts.routes import admin, admin_lists, auth  # noqa: F401  (admin_lists: the admin lists, on admin.bp)
from .core import web
from .core.extensions import bootstrap, csrf, db, login_manager, migrate
from .data import cli
from .data import routes as imports
from .monitoring import routes as monitoring
from .notifications import cli as notifications_cli
from .notifications import delivery
from .notifications import routes as notifications
from .pledges import followers as pledge_followers
from .pledges import reminders as pledge_reminders
from .pledges import routes as pledges
from .public import routes as public
from .roundtables import reminders as recommendation_reminders
from .roundtables import routes as roundtables

# Every area's tables are known to the metadata (for migrations and create_all) once their
# models are imported: `permissions` imports them all.

ROOT = Path(__file__).resolve().parent.parent

# The blueprints of the areas' pages, in the order they are registered.
BLUEPRINTS = (admin.bp, imports.bp, auth.bp, notifications.bp, pledges.bp, public.bp, roundtables.bp)


def create_app(config: type | object | Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` is a config class/object or a mapping of overrides;
    without it the config named by TRACKER_ENV is used (see config.py)."""
    app = _flask_app(config)
    _plan_for_the_storage(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    delivery.init_app(app)  # Flask-Mailman: SMTP, or the console without MAIL_SERVER
    permissions.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    api.init_app(app)  # the public JSON API under /api/v1
    monitoring.init_app(app)  # /healthz, /readyz, /metrics
    cli.init_app(app)
    accounts_cli.init_app(app)
    notifications_cli.init_app(app)
    pledge_reminders.init_app(app)  # what `notifications remind` sends of them
    pledge_followers.init_app(app)  # …and the digests of their followers by e-mail
    recommendation_reminders.init_app(app)
    web.init_app(app)
    return app


def _plan_for_the_storage(app: Flask) -> None:
    """PostgreSQL connections plan with POSTGRES_RANDOM_PAGE_COST (config.py)."""
    cost = app.config.get("POSTGRES_RANDOM_PAGE_COST")
    if not cost or not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args["options"] = f"{connect_args.get('options', '')} -c random_page_cost={float(cost)}".strip()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}


def _flask_app(config: type | object | Mapping[str, Any] | None) -> Flask:
    """The Flask object, configured: templates/ and instance/ beside the package."""
    from config import INSTANCE_DIR, TestConfig, config_from_environment

    app = Flask(
        "tracker",
        template_folder=str(ROOT / "templates"),
        instance_path=str(INSTANCE_DIR),
        instance_relative_config=True,
    )
    if config is None:
        config = config_from_environment()
    if isinstance(config, Mapping):
        app.config.from_object(TestConfig)
        app.config.update(config)
    else:
        # Instantiate config classes: ProductionConfig checks the environment in __init__.
        app.config.from_object(config() if isinstance(config, type) else config)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return app
