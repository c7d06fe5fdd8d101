"""The public, read-only JSON API under /api/v1: published pledges and public roundtables,
as the public pages show them, for anyone to reuse.

flask-smorest writes the OpenAPI document (/api/v1/openapi.json) from the views and the
marshmallow schemas, and serves Swagger UI at /api/v1/docs — with Swagger UI's files taken
from the swagger_ui_bundle package and served here, never from a CDN.

Errors: flask-smorest would answer every error of the whole site in JSON; here `errors`
answers JSON under /api/ and the HTML error page everywhere else.
"""

from __future__ import annotations

import http
import json
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response
from swagger_ui_bundle import swagger_ui_path

from ..core.web.i18n import current_language
from . import filter_values, headers, pledges, recommendations, roundtables
from .document import translated
from .schemas import ErrorSchema

DESCRIPTION = """\
What the Pledge Tracker holds, as its public pages show it: **published pledges** with the
actions taken towards them, and **public roundtables** with their agreed outcomes and how
their agreed recommendations are followed through.

The API is **public and read-only**: no account, no key, only `GET`. Every answer is the same
whoever asks. Drafts, private roundtables, withdrawn actions, contact details and review
comments the co-chairs kept private are never in it: a draft or private record answers 404,
exactly as a slug that does not exist.

**Pages.** Lists answer `{"items": [...], "next": ..., "total": N}`. `next` is the full
address of the following page (the same search, filters, sort and `per_page`), or null on
the last page: follow it rather than building addresses yourself. `per_page` is 1 to 100
(20 by default).

**Caching.** Every `200` carries an `ETag` and a `Last-Modified`. Send the ETag back as
`If-None-Match` (or the date as `If-Modified-Since`): while nothing has changed the answer
is `304 Not Modified` with no body, which costs almost nothing. Any change to the records
gives a new ETag.

**Errors** are JSON: `{"code": 404, "status": "Not Found", "message": "..."}`; an invalid
parameter (such as `per_page=0`) gives `422` with `errors` naming it.

Dates are ISO 8601; an action's date is only as precise as it is known (`2019`, `2019-06`
or `2019-06-01`); times are UTC. Amounts are exact decimal strings (`"80000000.00"`).
Texts marked Markdown are given as written.
"""


class Api(SmorestApi):
    """flask-smorest's Api, with the site's own error pages and a local Swagger UI, whose
    every operation is documented with the rate limit's 429 and headers (`headers`)."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._documents: dict[str, str] = {}  # the document, by language
        super().__init__(*args, **kwargs)

    def _register_responses(self):
        """flask-smorest's shared responses (one per status, named as `http.HTTPStatus`, and
        DEFAULT_ERROR), each with the rate limit's headers; 429 with what it always has."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status == 429:
                response = headers.too_many_requests(self.ERROR_SCHEMA)
            elif not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            self._register_response(status.name, response)
        self._register_response("DEFAULT_ERROR", {"description": "Default error response", "schema": self.ERROR_SCHEMA})

    def _register_response(self, name: str, response: dict) -> None:
        if name != headers.TOO_MANY_REQUESTS:
            response = headers.with_rate_limit_headers(response)
        prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
        self.spec.components.response(name, response, lazy=True)

    def _register_error_handlers(self):
        """Nothing: flask-smorest's handler would turn every HTML error page of the site into
        JSON. `tracker.core.web.errors` answers JSON for /api/ addresses instead."""

    def _register_pagination_header(self):
        """Nothing: lists page with `next` links, not flask-smorest's X-Pagination header
        (whose schema would otherwise be listed in the document, unused)."""

    def _openapi_json(self):
        """The document in the reader's language (`document`): made once per language."""
        language = current_language()
        if language not in self._documents:
            self._documents[language] = json.dumps(
                translated(self.spec.to_dict(), gettext), indent=2, ensure_ascii=False
            )
        return _validated(current_app.response_class(self._documents[language], mimetype="application/json"))

    def _openapi_swagger_ui(self):
        """Swagger UI from this app's own copy of its files (see `assets`), set up by a
        script file rather than inline code."""
        return _validated(
            make_response(
                render_template(
                    "api/docs.html",
                    title=self.spec.title,
                    spec_url=url_for(f"{self._make_doc_blueprint_name()}.openapi_json"),
                )
            )
        )


def _validated(response: Response) -> Response:
    """The documentation with an ETag of its own bytes (it changes only with the code, and is
    per language): a client's copy is answered 304 while current."""
    response.add_etag()
    response.make_conditional(request)  # (in place: 304 with no body while current)
    return response


# Swagger UI's files, from the swagger_ui_bundle package (and our script that starts it):
# only these, so the bundle's own demo page (which fetches a remote example) is not served.
_ASSETS = {
    "swagger-ui.css": swagger_ui_path,
    "swagger-ui-bundle.js": swagger_ui_path,
    "favicon-32x32.png": swagger_ui_path,
    "favicon-16x16.png": swagger_ui_path,
    # This package's own: the script that starts Swagger UI, and readable colours.
    "docs.js": Path(__file__).resolve().parent / "static",
    "docs.css": Path(__file__).resolve().parent / "static",
}

assets = Blueprint("api_docs", __name__, template_folder="templates")


@assets.route("/api/v1/docs/assets/<filename>")
def asset(filename: str) -> Response:
    if filename not in _ASSETS:
        abort(404)
    return send_from_directory(_ASSETS[filename], filename, max_age=24 * 60 * 60)


def init_app(app: Flask) -> Api:
    """The API for `app` (one Api per app: the tests build many apps)."""
    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION}, "extra_plugins": [headers.RateLimitDocumented()]})
    api.register_blueprint(pledges.blp)
    api.register_blueprint(roundtables.blp)
    api.register_blueprint(recommendations.blp)
    api.register_blueprint(filter_values.blp)
    app.register_blueprint(assets)
    headers.allow_cross_origin_reading(app)
    app.extensions["tracker_api"] = api
    return api
