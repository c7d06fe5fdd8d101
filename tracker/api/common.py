"""Pieces every API view shares: the documentation of caching and of errors, path
parameters, and the `next` link of a list."""

from __future__ import annotations

from flask import after_this_request, request, url_for

from ..core.listing import Listing, ListState, Page
from .arguments import PER_PAGE_DEFAULT
from .schemas import ErrorSchema

# Response headers of a 200 (and of a 304): the validators a client sends back.
VALIDATOR_HEADERS = {
    "ETag": {
        "description": "This response's version. Send it back as If-None-Match to get 304 Not Modified "
        "while nothing has changed.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {
        "description": "When the tracker's records last changed (or midnight UTC today, if later).",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "public, no-cache: a cache may keep the response but must revalidate it.",
        "schema": {"type": "string"},
    },
}

# Response headers of a list's 200: the validators, and the Link to the next page that every
# list answer carries beside its body's `next` (added where `next` is made, `next_link`).
LIST_HEADERS = {
    **VALIDATOR_HEADERS,
    "Link": {
        "description": 'The next page, the same address as the body\'s `next` (RFC 8288): `<https://…>; rel="next"`. '
        "Not sent on the last page.",
        "schema": {"type": "string", "pattern": '^<[^>]+>; rel="next"$'},
    },
}

CONDITIONAL_PARAMETERS = [
    {
        "in": "header",
        "name": "If-None-Match",
        "required": False,
        "description": "The ETag of a copy you already have: 304 Not Modified (no body) while it is current.",
        "schema": {"type": "string"},
    },
    {
        "in": "header",
        "name": "If-Modified-Since",
        "required": False,
        "description": "The Last-Modified of a copy you already have (used when If-None-Match is not sent).",
        "schema": {"type": "string"},
    },
]

NOT_MODIFIED = {
    "description": "Not Modified: the copy named by If-None-Match (or If-Modified-Since) is current. No body.",
    "headers": VALIDATOR_HEADERS,
}

NOT_FOUND = {
    "description": "Not Found: nothing public has this slug (a draft or private record is answered the same way).",
    "schema": ErrorSchema,
}


def _path_parameter(noun: str, key: str) -> dict:
    return {
        "in": "path",
        "name": key,
        "required": True,
        "description": f"The {noun}'s {key} (its `{key}` in a list item).",
        "schema": {"type": "string"},
    }


def path_parameters(noun: str, key: str = "slug") -> list[dict]:
    """The parameters of a `/<things>/<slug>` (or `/<things>/<id>`) path."""
    return [_path_parameter(noun, key), *CONDITIONAL_PARAMETERS]


def findable(slug: str) -> bool:
    """Whether a record could have this slug: never with a NUL character, which PostgreSQL
    refuses even to compare (404 rather than a database error)."""
    return "\x00" not in slug


def list_state(args: dict, listing: Listing) -> ListState:
    """The list's state from the checked arguments (filters as the list takes them: text)."""
    return ListState.from_args({name: str(value) for name, value in args.items()}, listing)


def next_link(endpoint: str, state: ListState, page: Page, per_page: int) -> str | None:
    """The absolute address of the page after `page`, keeping the search, filters, sort, page
    size and language asked for (and, the same, the answer's `Link` header); None on the last
    page."""
    if page.next_cursor is None:
        return None
    size = per_page if per_page != PER_PAGE_DEFAULT else None
    lang = request.args.get("lang")
    link = url_for(endpoint, **state.args(cursor=page.next_cursor, per_page=size, lang=lang), _external=True)

    @after_this_request
    def _link_header(response):  # RFC 8288, for clients that follow links in headers; kept renders keep it
        response.headers["Link"] = f'<{link}>; rel="next"'
        return response

    return link


def file_data(file, url: str) -> dict:
    """An evidence file as the API gives it: what it is, and where to download it."""
    return {"filename": file.filename, "content_type": file.content_type, "size": file.size, "url": url}
