"""The one way lists are paged, so every list survives any `?page=` a visitor types."""
from flask import current_app, request

from .extensions import db

# Beyond this no list has pages; a larger number would overflow the database's integers.
MAX_PAGE = 1_000_000


def paginate(query, per_page: int | None = None):
    """A page of `query` for `?page=` (1 when missing, malformed, below 1 or absurdly large)."""
    page = request.args.get("page", 1, type=int)
    if page is None or not 1 <= page <= MAX_PAGE:
        page = 1
    per_page = per_page or current_app.config["ITEMS_PER_PAGE"]
    return db.paginate(query, page=page, per_page=per_page, max_per_page=per_page, error_out=False, count=True)
