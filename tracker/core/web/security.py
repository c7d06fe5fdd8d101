"""Request security that is the same for every page: response headers, the size limit's
proxy set-up, and login throttling.

- Every response carries a Content-Security-Policy that allows scripts, styles, fonts and
  images from this site only (no inline script anywhere: the site's pages have no script
  at all, the API docs load theirs from files), refuses framing, and keeps Referer headers
  to this site. One small `after_request` hook, so the policy can be read in one place.
- Log-ins are throttled per account and per address with Flask-Limiter. Only *failed*
  attempts count, so a person who types the right password is never slowed down; the
  refusal says the same whether or not the e-mail belongs to an account. The counters
  live in Redis when REDIS_URL is set (shared by every gunicorn worker), in memory
  otherwise (see config.py).
"""

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Bootstrap draws its form controls' arrows and ticks with data: SVG images.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors' older spelling, for older browsers
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

# Told after the limit is reached, whatever the e-mail: it must not reveal whether an
# account exists, nor whether the password was nearly right.
LOGIN_THROTTLED = (
    "Too many failed log-in attempts. Wait a few minutes, then try again; "
    "an admin can send you a set-password link if you have forgotten your password."
)

limiter = Limiter(key_func=get_remote_address)


def _typed_email() -> str:
    """The account an attempt is on; attempts with no e-mail share one counter."""
    return (request.form.get("email") or "").strip().lower() or "(no e-mail)"


def _failed_login(response) -> bool:
    """The login page answers a refused attempt with 422 (a success redirects)."""
    return response.status_code == 422


def throttle_login(view):
    """Decorate the login view: at most LOGIN_LIMIT_PER_ACCOUNT failed attempts per typed
    e-mail and LOGIN_LIMIT_PER_ADDRESS per client address."""
    per_account = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
        key_func=_typed_email,
        methods=["POST"],
        deduct_when=_failed_login,
        error_message=LOGIN_THROTTLED,
        scope="login-account",
    )
    per_address = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
        methods=["POST"],
        deduct_when=_failed_login,
        error_message=LOGIN_THROTTLED,
        scope="login-address",
    )
    return per_address(per_account(view))


def init_app(app):
    if app.config.get("TRUSTED_PROXIES"):
        # Behind N reverse proxies, the client's address and scheme come from their
        # X-Forwarded-* headers; without this every visitor would share the proxy's address.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    limiter.init_app(app)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
