"""Error pages in the site's layout; refused operations become readable messages."""
from flask import render_template
from werkzeug.exceptions import HTTPException

from .extensions import db

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


def init_app(app):
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:  # redirects raised by routing
            return error
        return _page(error.code, error.description), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()  # nothing half-written
        app.logger.exception("Unhandled error")
        return _page(500, "The error has been logged. Please try again in a moment."), 500


def _page(code: int, description: str | None):
    return render_template(
        "errors/error.html", code=code, title=_TITLES.get(code, "Error"), description=description
    )
