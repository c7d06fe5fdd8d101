"""Error pages in the site's layout; refused operations become readable messages. Under
/api/ the same errors are JSON in flask-smorest's shape (`{"code", "status", "message"}`,
documented as the API's error schema), so a program never has to read an HTML page."""

from flask import Flask, abort, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ..access import PermissionDenied
from ..extensions import db

_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not do this"),
    404: _l("Page not found"),
    405: _l("Not allowed here"),
    409: _l("This could not be done"),
    413: _l("Too large"),
    422: _l("Please check what you entered"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}


# A CSRF refusal is almost always a form left open across a log-out or a restart.
CSRF_REFUSED = _l(
    "This form could not be accepted because it was out of date or sent from another site. "
    "Go back, reload the page and try again."
)


_PLAIN_WORDS = {
    404: _l("There is no page at this address. It may have moved, or it may not be public."),
    405: _l("This page cannot be used this way: use the buttons and links on the site."),
}


# The API's words: it has no buttons or links to point to.
_API_WORDS = {
    404: _l("There is nothing at this address. It may not exist, or it may not be public."),
    405: _l("The API is read-only: use GET."),
    422: _l("Some parameters are not valid; `errors` says which."),
    500: _l("Something went wrong on our side. The error has been logged; please try again in a moment."),
}


NUL_REFUSED = _l("The request contains a NUL character, which no page, search or form accepts.")


def _has_nul(fields) -> bool:
    """Does any value of these fields (a MultiDict: every value of a repeated field) hold a NUL?"""
    return any("\x00" in value for _name, values in fields.lists() for value in values)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(PermissionDenied, permission_denied)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, server_error)


def refuse_nul_characters() -> None:
    """No text a person types holds a NUL, and PostgreSQL refuses to store or compare
    one: such a request is refused plainly instead of failing in the database. (The API takes
    any text its document allows, and answers it: a NUL names nothing there.)"""
    if _is_api():
        return
    if "\x00" in request.path or _has_nul(request.args) or (request.method == "POST" and _has_nul(request.form)):
        abort(400, str(NUL_REFUSED))


def csrf_error(error: CSRFError) -> ResponseReturnValue:
    if _is_api():
        return _json(400, error.description)
    return _page(400, str(CSRF_REFUSED), title=_("The form had expired")), 400


def permission_denied(refusal: PermissionDenied) -> ResponseReturnValue:
    db.session.rollback()
    if _is_api():
        return _json(403, str(refusal))
    return _page(403, str(refusal)), 403


def http_error(error: HTTPException) -> ResponseReturnValue | HTTPException:
    if error.code is None or error.code < 400:  # redirects raised by routing
        return error
    # Keep the exception's own headers (Allow on a 405, Retry-After on a 429).
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if _is_api():
        return _api_error(error, headers)
    if error.code == 405 and request.method == "GET" and (page := _page_above(request.path)):
        return redirect(page, 303)  # a button's address, reloaded or shared: its page
    description = error.description
    if error.code == 413:
        description = too_large()
    elif description == type(error).description:  # Werkzeug's stock sentence: say it plainly
        description = str(_PLAIN_WORDS.get(error.code, description))
    return _page(error.code, description), error.code, headers


def _page_above(path: str) -> str | None:
    """The nearest page above a POST-only address — /recommendations/6 for
    /recommendations/6/transitions/send_back — that answers GET, if any."""
    adapter = current_app.url_map.bind("localhost")
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) or "/"
        try:
            adapter.match(candidate, method="GET")
        except HTTPException:  # no page there (or only a redirect to one)
            continue
        return candidate
    return None


def too_large() -> str:
    """How much was sent and how much a form may send: what to cut, in the person's terms."""
    most = _size(request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    sent = request.content_length
    if (request.endpoint or "").startswith("imports."):
        if sent:
            return _(
                "An import may send at most %(most)s of files. What you sent was %(sent)s; nothing was imported: "
                "split the files, then send them one by one.",
                most=most,
                sent=_size(sent),
            )
        return _(
            "An import may send at most %(most)s of files. What you sent was more than that; nothing was imported: "
            "split the files, then send them one by one.",
            most=most,
        )
    if sent:
        return _(
            "A form may send at most %(most)s. What you sent was %(sent)s; nothing was saved. The longest texts "
            "take at most 50,000 characters: shorten what you typed (or split it), then send it again.",
            most=most,
            sent=_size(sent),
        )
    return _(
        "A form may send at most %(most)s. What you sent was more than that; nothing was saved. The longest texts "
        "take at most 50,000 characters: shorten what you typed (or split it), then send it again.",
        most=most,
    )


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return _("%(size)s MB", size=format(count / (1024 * 1024), ".1f"))
    return _("%(size)s KB", size=max(count // 1024, 1))


def server_error(error: Exception) -> ResponseReturnValue:
    db.session.rollback()  # nothing half-written
    current_app.logger.exception("Unhandled error")
    if _is_api():
        return _json(500, str(_API_WORDS[500]))
    return _page(500, _("The error has been logged. Please try again in a moment.")), 500


def _page(code: int, description: str | None, title: str | None = None):
    return render_template(
        "errors/error.html", code=code, title=title or _TITLES.get(code) or _("Error"), description=description
    )


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _api_error(error: HTTPException, headers: list):
    """An HTTP error under /api/ as JSON. A parameter refused by the API's schemas (webargs
    puts its messages in `error.data`) says which and why, in `errors`."""
    data = getattr(error, "data", None) or {}
    code = error.code or 500  # (only errors, 4xx and 5xx, are handled here)
    message = error.description
    if message == type(error).description:  # Werkzeug's stock sentence
        message = str(_API_WORDS.get(code, message))
    errors = data.get("errors") or data.get("messages")
    headers = headers + list((data.get("headers") or {}).items())
    return _json(code, data.get("message", message), errors=errors, headers=headers)


def _json(code: int, message: str | None, errors=None, headers=()):
    payload = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": str(message or "")}
    if errors:
        payload["errors"] = errors
    return payload, code, list(headers)
