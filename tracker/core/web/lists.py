"""Lists as pages. A public list (`list_page`): the visitor's search, filters and sort read
from the URL, one page of rows found by key, and each filter's values with their counts —
the piece the pledge list and the roundtable list share (their templates share
`_listing.html`). Every other list (`paginate`): numbered pages that survive any `?page=`
a visitor types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _

from ..extensions import db
from ..listing import FacetValue, Listing, ListState, Page, SortBySearch
from ..wording import Message

# Beyond this no list has pages; a larger number would overflow the database's integers.
MAX_PAGE = 1_000_000


@dataclass
class FacetChoice:
    param: str
    label: Message
    values: list[FacetValue]
    selected: str | None
    unknown: bool = False  # the chosen value is none of this filter's: it matches nothing

    @property
    def selected_label(self) -> Message | None:
        if self.unknown:
            return _("no such %(filter)s “%(value)s”", filter=str(self.label).lower(), value=self.selected)
        return next((value.label for value in self.values if value.key == self.selected), None)


@dataclass
class ListPage:
    state: ListState
    page: Page
    facets: list[FacetChoice]
    sorts: list[tuple[str, Message]]  # (key, label)
    sort: str

    def args(self, **changes) -> dict:
        return self.state.args(**changes)


def list_page(listing: Listing, options=(), per_page: int | None = None) -> ListPage:
    state = ListState.from_args(request.args, listing)
    found = listing.found(state)  # the search, done once for the page and the counts
    counts = listing.facet_values(state, found)
    per_page = per_page or current_app.config["ITEMS_PER_PAGE"]
    page = listing.page(state, per_page, options=options, found=found, total=listing.total_of(state, counts))
    facets = []
    for facet in listing.facets:
        values = counts[facet.param]
        selected = state.filters.get(facet.param)
        unknown = False
        if selected is not None and all(value.key != selected for value in values):
            # Chosen, but no listed row has it: by its label when there is such a value.
            name = facet.name_of(selected) if facet.name_of else None
            if name is not None:
                values = [FacetValue(selected, name, 0), *values]
            unknown = name is None
        facets.append(FacetChoice(facet.param, facet.label, values, selected, unknown))
    # An order made from the search words is offered when there are some.
    sort_keys = [key for key, sort in listing.sorts.items() if state.q or not isinstance(sort, SortBySearch)]
    return ListPage(
        state=state,
        page=page,
        facets=facets,
        sorts=[(key, listing.sorts[key].label) for key in sort_keys],
        sort=state.sort or listing.default_sort(state),
    )


def paginate(query: Any, per_page: int | None = None) -> Any:
    """A page of `query` for `?page=` (1 when missing, malformed, below 1 or absurdly large)."""
    page = request.args.get("page", 1, type=int)
    if page is None or not 1 <= page <= MAX_PAGE:
        page = 1
    per_page = per_page or current_app.config["ITEMS_PER_PAGE"]
    return db.paginate(query, page=page, per_page=per_page, max_per_page=per_page, error_out=False, count=True)
