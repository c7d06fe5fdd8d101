"""A public list as a page: the visitor's search, filters and sort read from the URL, one
page of rows found by key, and each filter's values with their counts — the piece the
pledge list and the roundtable list share (their templates share `_listing.html`)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request

from .listing import FacetValue, Listing, ListState, Page


@dataclass
class FacetChoice:
    param: str
    label: str
    values: list[FacetValue]
    selected: str | None

    @property
    def selected_label(self) -> str | None:
        return next((value.label for value in self.values if value.key == self.selected), None)


@dataclass
class ListPage:
    state: ListState
    page: Page
    facets: list[FacetChoice]
    sorts: list[tuple[str, str]]  # (key, label)
    sort: str

    def args(self, **changes) -> dict:
        return self.state.args(**changes)


def list_page(listing: Listing, options=(), per_page: int | None = None) -> ListPage:
    state = ListState.from_args(request.args, listing)
    found = listing.found(state)  # the search, done once for the page and the counts
    page = listing.page(state, per_page or current_app.config["ITEMS_PER_PAGE"], options=options, found=found)
    counts = listing.facet_values(state, found)
    facets = []
    for facet in listing.facets:
        values = counts[facet.param]
        selected = state.filters.get(facet.param)
        if selected is not None and all(value.key != selected for value in values):
            values = [FacetValue(selected, selected, 0), *values]  # chosen, but nothing left with it
        facets.append(FacetChoice(facet.param, facet.label, values, selected))
    sort_keys = list(listing.sorts)
    return ListPage(
        state=state,
        page=page,
        facets=facets,
        sorts=[(key, listing.sorts[key].label) for key in sort_keys],
        sort=state.sort or sort_keys[0],
    )
