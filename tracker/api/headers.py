"""What every API answer tells beyond its body, for programs and for scripts on other sites'
pages, and how the OpenAPI document says so:

- (`Link: <…>; rel="next"`, the body's `next` in a header, is added where `next` is made:
  `common.next_link`.)
- CORS: a script on any site may read the API (`Access-Control-Allow-Origin: *`), without
  credentials (the API has no accounts, and a wildcard forbids them anyway), and may read the
  validators, the Link and the rate-limit headers. Preflights for GET are answered (Flask's
  automatic OPTIONS, which also answers a plain OPTIONS with `Allow`). Only under /api/v1/:
  the site's own pages allow no other origin.
- The rate limit (`tracker.core.web.api_rate_limit`): `RateLimitDocumented` adds to every
  operation its 429 and, to each of its answers, the RateLimit-* headers (not required: the
  operator may turn the limit off); `Api` gives its shared error answers the same.
"""

from __future__ import annotations

from typing import Any

from apispec import BasePlugin
from flask import Flask
from flask_cors import CORS

# A browser may send these with a cross-origin GET (Accept-Language is safe-listed already).
CORS_REQUEST_HEADERS = ["If-None-Match", "If-Modified-Since", "Accept-Language"]
# …and its script may read these of the answer (Last-Modified is safe-listed already).
CORS_EXPOSED_HEADERS = [
    "ETag",
    "Last-Modified",
    "Link",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
]
CORS_MAX_AGE = 24 * 60 * 60  # a preflight's answer is good for a day (Chromium keeps it 2 h)


def allow_cross_origin_reading(app: Flask) -> None:
    """CORS for the API's public GETs: any origin, no credentials, only under /api/v1/."""
    CORS(
        app,
        resources={r"/api/v1/.*": {}},
        origins="*",
        send_wildcard=True,  # "*", never the Origin echoed: the answer is the same for every site
        always_send=True,  # …with or without Origin, so a kept render carries it too
        supports_credentials=False,
        methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        max_age=CORS_MAX_AGE,
        vary_header=False,
        intercept_exceptions=False,  # error answers pass through after_request like any other
    )


# --- the rate limit in the document -------------------------------------------------------------------

RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {
        "description": "How many requests one client address may make in the current window (the IETF "
        "draft's RateLimit header fields). Sent while the server limits the API's requests.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "RateLimit-Remaining": {
        "description": "How many of them are left in the current window, this one counted.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Reset": {
        "description": "Seconds until the window starts again and the count starts from zero.",
        "schema": {"type": "integer", "minimum": 0},
    },
}

RETRY_AFTER = {
    "description": "Seconds to wait before asking again.",
    "schema": {"type": "integer", "minimum": 1},
}

TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"  # the 429's name among the document's responses


def too_many_requests(error_schema: Any) -> dict:
    """The 429 answer: the API's error, and every header it always has."""
    return {
        "description": "Too Many Requests: this client address made more requests than the limit allows in "
        "the current window. Wait `Retry-After` seconds.",
        "schema": error_schema,
        "headers": {
            name: {**header, "required": True}
            for name, header in {**RATE_LIMIT_HEADERS, "Retry-After": RETRY_AFTER}.items()
        },
    }


def with_rate_limit_headers(response: dict) -> dict:
    """A response of the document, with the RateLimit-* headers any answer may carry."""
    return {**response, "headers": {**response.get("headers", {}), **{name: name for name in RATE_LIMIT_HEADERS}}}


class RateLimitDocumented(BasePlugin):
    """Every operation may answer 429, and any of its answers carries the RateLimit-* headers
    (referred to by name: `register_components` registers them)."""

    def init_spec(self, spec) -> None:
        for name, header in RATE_LIMIT_HEADERS.items():
            spec.components.header(name, header, lazy=True)

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, response in responses.items():
                if isinstance(response, dict):  # (a name is a shared response: `Api` gives those theirs)
                    responses[status] = with_rate_limit_headers(response)
            responses.setdefault("429", TOO_MANY_REQUESTS)
