"""Error pages in the site's layout; refused operations become readable messages."""
from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .permissions import PermissionDenied

_TITLES = {
    400: "The request could not be understood",
    403: "You may not do this",
    404: "Page not found",
    405: "Not allowed here",
    409: "This could not be done",
    413: "Too large",
    422: "Please check what you entered",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}


# A CSRF refusal is almost always a form left open across a log-out or a restart.
CSRF_REFUSED = (
    "This form could not be accepted because it was out of date or sent from another site. "
    "Go back, reload the page and try again."
)


_PLAIN_WORDS = {
    404: "There is no page at this address. It may have moved, or it may not be public.",
    405: "This page cannot be used this way: use the buttons and links on the site.",
}


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _page(400, CSRF_REFUSED, title="The form had expired"), 400

    @app.errorhandler(PermissionDenied)
    def permission_denied(refusal: PermissionDenied):
        db.session.rollback()
        return _page(403, str(refusal)), 403

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:  # redirects raised by routing
            return error
        # Keep the exception's own headers (Allow on a 405, Retry-After on a 429).
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        description = error.description
        if description == type(error).description:  # Werkzeug's stock sentence: say it plainly
            description = _PLAIN_WORDS.get(error.code, description)
        return _page(error.code, description), error.code, headers

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()  # nothing half-written
        app.logger.exception("Unhandled error")
        return _page(500, "The error has been logged. Please try again in a moment."), 500


def _page(code: int, description: str | None, title: str | None = None):
    return render_template(
        "errors/error.html", code=code, title=title or _TITLES.get(code, "Error"), description=description
    )
