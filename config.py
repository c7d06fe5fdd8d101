"""Configuration, read from the environment (see README "Configuration").

`Config` is the development default: a SQLite file under `instance/`, nothing to install.
`ProductionConfig` refuses to start without a real SECRET_KEY. `TestConfig` is used by the
test suite, which points it at SQLite or PostgreSQL.
"""

import datetime as dt
import os
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent
# This machine's own files (the SQLite database by default, the data version board without
# Redis): instance/ beside the code, or INSTANCE_PATH.
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH") or BASE_DIR / "instance").resolve()


def database_url(url: str | None) -> str:
    """Return a SQLAlchemy URL; plain `postgres://` URLs are given the psycopg 3 driver."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'tracker.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    # PostgreSQL's planner assumes spinning disks (random_page_cost 4): it then reads every
    # pledge's search words rather than the search index whenever a word is common. The
    # tracker's connections plan for solid-state storage instead (PostgreSQL's own advice
    # for it); set POSTGRES_RANDOM_PAGE_COST to what the server's storage needs, or empty.
    POSTGRES_RANDOM_PAGE_COST = os.environ.get("POSTGRES_RANDOM_PAGE_COST", "1.1")
    # Bootstrap's CSS and JS are served from the package, never from a CDN: users behind
    # strict networks (and this project's machines) have no internet.
    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # How long "Keep me logged in" lasts, and how long any login lasts on the server before it
    # must log in again (tracker/accounts/logins.py): REMEMBER_COOKIE_DAYS, 14 by default.
    REMEMBER_COOKIE_DURATION = dt.timedelta(days=int(os.environ.get("REMEMBER_COOKIE_DAYS") or 14))
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit
    # No form needs more than this; a bigger request is refused with a friendly 413 page.
    MAX_CONTENT_LENGTH = 1024 * 1024
    # …except an import's files (Administration › Import), which may be this large in all.
    IMPORT_MAX_BYTES = 20 * 1024 * 1024
    # Each evidence file attached to an action or a progress update may be this large
    # (tracker/core/files.py); a form with files may send this much in all.
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES") or 10 * 1024 * 1024)
    EVIDENCE_FORM_MAX_BYTES = 3 * EVIDENCE_MAX_BYTES + 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    # Redis (REDIS_URL, e.g. redis://127.0.0.1:6379/0) holds what every gunicorn worker must
    # share: the log-in throttle's counters. Without it they are kept in each process's memory.
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_KEY_PREFIX = "tracker"
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: throttle per process, don't fail
    # Failed log-ins allowed (Flask-Limiter syntax): on one e-mail from one address, from one
    # address, and on one e-mail from everywhere — slower, so that a stranger's guesses make
    # the stranger wait, not the account's owner. And wrong current passwords on the password
    # page, per account. README.md's Security section documents them (a test checks).
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "100 per hour"
    PASSWORD_CHECK_LIMIT = "5 per 15 minutes"
    # Behind reverse proxies (nginx, a load balancer): how many, so the client's address and
    # scheme are read from their X-Forwarded-For/-Proto headers. 0: served directly.
    # /metrics (Prometheus's format) is for admins, and for a scraper that sends this token as
    # `Authorization: Bearer <token>`; unset, only admins (tracker/monitoring).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES") or 0)
    DEMO_DATA_ALLOWED = True
    # Public pages are sent from a kept render until the data version moves (tracker/core/
    # web/render_cache.py): in each worker's memory (up to RENDER_CACHE_LOCAL_BYTES) and, when
    # REDIS_URL is set, in Redis for every worker (each render for RENDER_CACHE_TIMEOUT s).
    RENDER_CACHE = os.environ.get("TRACKER_RENDER_CACHE", "1") != "0"
    RENDER_CACHE_LOCAL_BYTES = 32 * 1024 * 1024
    RENDER_CACHE_MAX_ITEM_BYTES = 1024 * 1024
    RENDER_CACHE_TIMEOUT = 60 * 60
    # Where the data version is pinned for every worker to read without a database round
    # trip (tracker/core/version_board.py): "redis" (every machine on REDIS_URL: the default
    # when REDIS_URL is set), a file path (this machine's workers), "memory" (this process
    # only), "off" (ask the database every time); unset without Redis: instance/data-version-<db>.board.
    DATA_VERSION_BOARD = os.environ.get("DATA_VERSION_BOARD") or None
    ITEMS_PER_PAGE = 20
    # How long an invitation's (or an admin's reset) set-password link works, in seconds.
    SET_PASSWORD_LINK_MAX_AGE = 7 * 24 * 60 * 60
    # The site's public address (https://pledges.example.org), for links written outside a
    # request: the `url` column of `flask --app wsgi data export-pledges`.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    # E-mail (tracker/notifications): an SMTP server when MAIL_SERVER is set; otherwise each
    # message is written to the console, as it reads (development: `make run` needs nothing more).
    SITE_NAME = os.environ.get("SITE_NAME") or "Pledge Tracker"
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes", "on")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes", "on")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or "Pledge Tracker <no-reply@localhost>"
    MAIL_BACKEND = "smtp" if MAIL_SERVER else "tracker.notifications.delivery.ConsoleEmailBackend"
    MAIL_TIMEOUT = 30  # seconds: a server that hangs must not hold the worker forever
    # Delivery (tracker/notifications/outbox.py): a message the server does not take now is
    # tried again after MAIL_RETRY_AFTER seconds, doubling each time, and is "failed" after
    # MAIL_MAX_ATTEMPTS tries (about four hours with these).
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_AFTER = 60
    # How long the link that confirms a new e-mail address works, in seconds.
    EMAIL_CHANGE_LINK_MAX_AGE = 24 * 60 * 60
    # How long a self-service password reset link works, in seconds.
    PASSWORD_RESET_LINK_MAX_AGE = 60 * 60
    # Asking for a password reset link (Flask-Limiter syntax), per address asked about and
    # per client address: enough for a person who mistypes, too few to flood an inbox.
    PASSWORD_RESET_LIMIT_PER_ACCOUNT = "3 per hour"
    PASSWORD_RESET_LIMIT_PER_ADDRESS = "10 per hour"
    # Asking to follow pledges by e-mail, per client address (each address typed is also sent
    # at most one confirmation link an hour per pledge).
    FOLLOW_LIMIT_PER_ADDRESS = "10 per hour"
    # Requests to the JSON API (anything under /api/) from one client address, answered from
    # a kept render or not (tracker/core/web/api_rate_limit.py): API_RATE_LIMIT, in
    # Flask-Limiter's syntax; set it empty to turn the limit off.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute") or None
    # The public, read-only JSON API (tracker/api): flask-smorest writes its OpenAPI document
    # from the code. OpenAPI 3.0.3 because the bundled Swagger UI (4.x) cannot show 3.1.
    API_TITLE = "Pledge Tracker API"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Swagger UI's files come from the swagger_ui_bundle package, served by the app at this
    # address (tracker/api): never from a CDN.
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # Browsers come back over HTTPS only, for a year (served behind TLS: see README).
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    DEMO_DATA_ALLOWED = False

    def __init__(self):
        key = os.environ.get("SECRET_KEY")
        if not key or len(key) < 32:
            raise RuntimeError(
                "ProductionConfig needs a SECRET_KEY environment variable of at least "
                "32 characters, e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        self.SECRET_KEY = key


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    WTF_CSRF_ENABLED = False
    # Each test's app has its own board and render cache, like a server of its own.
    DATA_VERSION_BOARD = "memory"
    # Mail stays in memory (flask_mailman's outbox) unless a test points the app at its
    # SMTP server (tests/mail.py).
    MAIL_BACKEND = "locmem"
    MAIL_SERVER = None
    # The API is not rate limited unless a test turns the limit on (tests/test_api_web.py):
    # every test client is 127.0.0.1, and the suite asks the API far more than 600 times a minute.
    API_RATE_LIMIT = None
    PUBLIC_BASE_URL = "https://pledges.example.org"


CONFIGS = {"development": Config, "production": ProductionConfig, "test": TestConfig}


def config_from_environment():
    """The config named by TRACKER_ENV (development, production); development by default."""
    name = os.environ.get("TRACKER_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"TRACKER_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
