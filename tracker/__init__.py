"""Pledge Tracker: pledges and roundtable recommendations, followed through in the open."""
from pathlib import Path

from flask import Flask

from .extensions import bootstrap, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app. `config` is a config class/object or a mapping of overrides;
    without it the config named by TRACKER_ENV is used (see config.py)."""
    from config import INSTANCE_DIR, config_from_environment

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(INSTANCE_DIR),
        instance_relative_config=True,
    )
    if config is None:
        config = config_from_environment()
    if isinstance(config, dict):
        from config import TestConfig

        app.config.from_object(TestConfig)
        app.config.update(config)
    else:
        # Instantiate config classes: ProductionConfig checks the environment in __init__.
        app.config.from_object(config() if isinstance(config, type) else config)
    INSTANCE_DIR.mkdir(exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)

    from . import data_version, models  # noqa: F401  (the tables; the data version's session hooks)
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .pledges import bp as pledges_bp
    from .public import bp as public_bp
    from .roundtables import bp as roundtables_bp

    app.register_blueprint(admin_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(pledges_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(roundtables_bp)

    from . import api

    api.init_app(app)  # the public JSON API under /api/v1

    from . import cli, errors, render_cache, security, templating

    render_cache.init_app(app)
    cli.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    return app

