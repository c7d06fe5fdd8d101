"""The public lists' shared pieces, HTTP-free: search terms, filters with a count per
value, sorts, and keyset pagination that stays fast however deep a visitor goes.

A list (`Listing`) is a base condition (what the public may see), a search, facets and
sorts. Its state — `ListState` — is plain strings, as they come from a URL or an API call,
so a filtered, sorted page can be shared or bookmarked. The pledge list, the roundtable
list, the CSV exports and the API all use it (see `catalogue`).

Pages are found by key, not offset: the cursor holds the sort key of the last row shown,
and the next page is "rows after it" — an index range, as cheap on page 500 as on page 1.

A list whose filters' counts change only with some of its records' changes names that scope
(`counts_scope`, see `data_version.scoped`): without a search, its counts are then kept
until a change to that scope or to the whole site, since counting every filter's values
over every listed row is most of a list's cost. (A search's counts are never kept: the
words found change with every record written.)
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from . import data_version
from .extensions import db
from .wording import Message

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8


def search_terms(q: str | None) -> list[str]:
    """The words (or "quoted phrases") of a search box, each to be found somewhere."""
    q = (q or "")[:MAX_QUERY_LENGTH]
    q = "".join(ch if ch.isprintable() else " " for ch in q)
    terms = [phrase or word for phrase, word in re.findall(r'"([^"]+)"|(\S+)', q)]
    terms = [term.strip().strip('"') for term in terms]
    return [term for term in terms if term][:MAX_TERMS]


def contains(column, term: str):
    """`column` contains `term`, ignoring case; % and _ are just characters."""
    return column.icontains(term, autoescape=True)


@dataclass(frozen=True)
class FacetValue:
    key: str
    label: Message  # (a record's name, or a message: in the reader's language when shown)
    count: int


# A facet's counted rows: (value, its name or None, how many rows it leaves).
Counted = list[tuple[str, str | None, int]]


def alphabetical(rows: Counted) -> list[FacetValue]:
    """Values with their names A–Z whatever the case ("authorities" before "Red Cross"),
    the same on every database."""
    values = [FacetValue(key, name or key, count) for key, name, count in rows]
    return sorted(values, key=lambda value: (str(value.label).casefold(), str(value.label)))


def in_order(keys: Callable[[], Any], label_of: Callable[[str], Message]) -> Callable[[Counted], list[FacetValue]]:
    """Values in a fixed order (a workflow's states, a scale, the regions of the world):
    `keys()` in that order, each named by `label_of` (in the reader's language when shown)."""

    def shown(rows: Counted) -> list[FacetValue]:
        counts = {key: count for key, _name, count in rows}
        return [FacetValue(key, label_of(key), counts[key]) for key in keys() if counts.get(key)]

    return shown


@dataclass(frozen=True)
class Facet:
    """A filter: `param` in the URL, its `label`, the condition one value sets, and the
    values with how many rows each would leave (given the other filters)."""

    param: str
    label: Message
    condition: Callable[[str], Any]  # key -> SQL condition, or None for an unknown key
    # the matching rows' ids (a subquery) -> a SELECT of (value, name or NULL, count) rows:
    # every facet's is run in one statement (`Listing.facet_values`)
    counts: Callable[[Any], Any]
    # key -> its label, for a chosen value no listed row has (None: there is no such value)
    name_of: Callable[[str], Message | None] | None = None
    # Every listed row has exactly one of its values (a state): unchosen, its counts add up to
    # the list's total, which then needs no count of its own.
    partitions: bool = False
    # the counted rows -> the values in the order they are offered
    shown: Callable[[Counted], list[FacetValue]] = alphabetical


@dataclass(frozen=True)
class Sort:
    """An order of the list: key expressions (the last one the row's id, so the order is
    total) all ascending or all descending, and how each key comes back from a cursor."""

    label: Message
    keys: tuple
    descending: bool
    decoders: tuple  # how each key's value comes back from a cursor's JSON
    values: Callable[[Any], list]  # a loaded row's values of the keys

    def order_by(self, reverse: bool = False):
        down = self.descending != reverse
        return [key.desc() if down else key.asc() for key in self.keys]

    def after(self, values: list, reverse: bool = False):
        """Rows strictly after the row whose keys are `values`, in this order (or before it)."""
        row = sa.tuple_(*self.keys)
        bound = sa.tuple_(*[sa.literal(value, type_=key.type) for key, value in zip(self.keys, values, strict=True)])
        return row < bound if self.descending != reverse else row > bound


@dataclass(frozen=True)
class SortBySearch:
    """An order made from the search words (best match first): `make` gives it as a `Sort`."""

    label: Message
    make: Callable[[list[str]], Sort]


def as_date(value):
    return dt.date.fromisoformat(value)


def as_datetime(value):
    return dt.datetime.fromisoformat(value)


def _encode(value):
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or, going back, before) a row's sort keys; `index` is
    the position of the page's first row in the whole list (for "Showing 41–60")."""

    keys: list
    index: int
    backwards: bool = False

    def encode(self) -> str:
        raw = json.dumps([[_encode(v) for v in self.keys], self.index, self.backwards], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None, sort: Sort) -> Cursor | None:
        """The cursor in `text`, or None when it is missing or not one of ours (a visitor
        who edits the address gets the first page, not an error)."""
        if not text or len(text) > 1000:
            return None
        try:
            raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            keys, index, backwards = raw
            if len(keys) != len(sort.decoders) or not isinstance(index, int) or not 0 <= index < 10**9:
                return None
            values = [decode(v) if v is not None else None for decode, v in zip(sort.decoders, keys, strict=True)]
            if any(isinstance(value, str) and "\x00" in value for value in values):
                return None  # (no row's key holds a NUL, and PostgreSQL cannot compare one)
            if any(isinstance(value, int) and not -(2**63) <= value < 2**63 for value in values):
                return None  # (no row's key is beyond a database's 64-bit integers)
            return cls(values, index, bool(backwards))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
            return None


@dataclass(frozen=True)
class ListState:
    """What a visitor asked for: search words, one value per filter, a sort, a cursor."""

    q: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str = ""
    cursor: str | None = None

    @classmethod
    def from_args(cls, args: Mapping, listing: Listing) -> ListState:
        filters = {}
        for facet in listing.facets:
            value = args.get(facet.param)
            if isinstance(value, str) and value.strip() and len(value) <= 200:
                filters[facet.param] = value.strip()
        sort = args.get("sort")
        q = args.get("q")
        return cls(
            # (a NUL character separates words, as a space does: PostgreSQL cannot hold it)
            q=q.replace("\x00", " ").strip()[:MAX_QUERY_LENGTH] if isinstance(q, str) else "",
            filters=filters,
            sort=sort if isinstance(sort, str) and sort in listing.sorts else "",
            cursor=args.get("cursor") if isinstance(args.get("cursor"), str) else None,
        )

    def args(self, **changes) -> dict:
        """The URL arguments of this state (with `changes`; None removes one). The cursor is
        dropped unless given: a new filter or sort starts at the first page."""
        args = {"q": self.q or None, **self.filters, "sort": self.sort or None}
        args.update(changes)
        return {key: value for key, value in args.items() if value not in (None, "")}

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.filters)


@dataclass
class Page:
    items: list
    total: int
    start: int  # index of the first item in the whole list
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def first(self) -> int:
        return self.start + 1

    @property
    def last(self) -> int:
        return self.start + len(self.items)


@dataclass(frozen=True)
class Found:
    """What a search found, as a condition on the listed rows (None: no search words)."""

    condition: Any


def one_of(column, ids: list[int]):
    """`column` is one of `ids` — however many: one array parameter on PostgreSQL, one JSON
    text on SQLite (a parameter per id would meet both databases' parameter limits)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.literal(list(ids), type_=postgresql.ARRAY(sa.Integer)))
    each = sa.func.json_each(json.dumps(list(ids))).table_valued("value")
    return column.in_(sa.select(each.c.value))


@dataclass(frozen=True)
class Listing:
    """A public list: `model`, the `visible` condition, how a search term matches, the
    facets and the sorts (the first is the default)."""

    model: Any
    visible: Callable[[], Any]
    matches: Callable[[str], Any]
    facets: tuple[Facet, ...]
    sorts: Mapping[str, Sort | SortBySearch]
    # The scope whose changes (and the whole site's) alone alter its filters' counts: they are
    # kept until then (`_KEPT_COUNTS`). None: counted on every call.
    counts_scope: str | None = None

    def facet(self, param: str) -> Facet:
        return next(f for f in self.facets if f.param == param)

    def default_sort(self, state: ListState) -> str:
        """The order when none is chosen: best match with search words (when the list has
        one: who searches wants the closest first), else the first."""
        if search_terms(state.q):
            by_search = [key for key, sort in self.sorts.items() if isinstance(sort, SortBySearch)]
            if by_search:
                return by_search[0]
        return next(iter(self.sorts))

    def sort_of(self, state: ListState) -> Sort:
        chosen = self.sorts[state.sort if state.sort in self.sorts else self.default_sort(state)]
        return chosen.make(search_terms(state.q)) if isinstance(chosen, SortBySearch) else chosen

    def found(self, state: ListState) -> Found:
        """The state's search, done once: the rows it finds, for the page, its count and
        every filter's counts to share (a search reads long texts; filters are cheap)."""
        terms = search_terms(state.q)
        if not terms:
            return Found(None)
        ids = db.session.scalars(sa.select(self.model.id).where(self.visible(), *map(self.matches, terms))).all()
        return Found(one_of(self.model.id, list(ids)))

    def conditions(self, state: ListState, leave_out: str | None = None, found: Found | None = None) -> list:
        """The WHERE of the list for `state` (without the filter `leave_out`). A filter
        value that names nothing matches nothing, as a search for it would."""
        found = found or self.found(state)
        conditions = [self.visible()]
        if found.condition is not None:
            conditions.append(found.condition)
        for facet in self.facets:
            if facet.param in state.filters and facet.param != leave_out:
                key = state.filters[facet.param]
                # (a NUL names nothing, and PostgreSQL refuses even to compare it)
                condition = facet.condition(key) if "\x00" not in key else None
                conditions.append(condition if condition is not None else sa.false())
        return conditions

    def select(self, state: ListState):
        """Every matching row in the state's order (for exports)."""
        return sa.select(self.model).where(*self.conditions(state)).order_by(*self.sort_of(state).order_by())

    def count(self, state: ListState, found: Found | None = None) -> int:
        return db.session.execute(
            sa.select(sa.func.count()).select_from(self.model).where(*self.conditions(state, found=found))
        ).scalar_one()

    def facet_values(
        self, state: ListState, found: Found | None = None, only: tuple[str, ...] | None = None
    ) -> dict[str, list[FacetValue]]:
        """For each facet (or those named in `only`: a chart needs a few), its values and how
        many rows each leaves, the other filters applied (so a visitor sees what choosing it
        would give) — every facet's counts in one statement, or as kept (`counts_scope`)."""
        if self.counts_scope is None or search_terms(state.q):
            return self._count(state, found or self.found(state), only)
        may_keep = db.session.get_bind().dialect.name == "postgresql" or not db.session().in_transaction()
        version = data_version.current(self.counts_scope)
        may_keep = may_keep and version.generation != 0  # (0: read from the database, no board: not kept)
        key = (self.model.__name__, version.generation, version.tag, tuple(sorted(state.filters.items())), only)
        kept = _KEPT_COUNTS.get(key)
        if kept is None:
            kept = self._count(state, found or self.found(state), only)
            if may_keep:  # (SQLite: a transaction begun before the version was read may predate it)
                _KEPT_COUNTS.put(key, kept)
        return kept

    def _count(self, state: ListState, found: Found, only: tuple[str, ...] | None) -> dict[str, list[FacetValue]]:
        facets = [facet for facet in self.facets if only is None or facet.param in only]
        if not facets:
            return {}
        branches = []
        for number, facet in enumerate(facets):
            ids = sa.select(self.model.id).where(*self.conditions(state, leave_out=facet.param, found=found))
            value, name, count = facet.counts(ids).subquery().c
            branches.append(sa.select(sa.literal(number), sa.cast(value, sa.String), sa.cast(name, sa.String), count))
        rows_of: list[Counted] = [[] for _ in facets]
        for number, value, name, count in db.session.execute(sa.union_all(*branches)):
            rows_of[number].append((value, name, count))
        return {
            facet.param: [value for value in facet.shown(rows) if value.count]
            for facet, rows in zip(facets, rows_of, strict=True)
        }

    def total_of(self, state: ListState, counts: dict[str, list[FacetValue]]) -> int | None:
        """The list's total read from its facets' counts, when one of them partitions it."""
        for facet in self.facets:
            if facet.partitions and facet.param not in state.filters:
                return sum(value.count for value in counts[facet.param])
        return None

    def page(
        self, state: ListState, per_page: int, options=(), found: Found | None = None, total: int | None = None
    ) -> Page:
        """One page of rows after (or before) the state's cursor, found by key (`total`: the
        number of rows, when known already)."""
        found = found or self.found(state)
        sort = self.sort_of(state)
        cursor = Cursor.decode(state.cursor, sort)
        backwards = cursor is not None and cursor.backwards
        query = sa.select(self.model).where(*self.conditions(state, found=found)).options(*options)
        if cursor is not None:
            query = query.where(sort.after(cursor.keys, reverse=backwards))
        rows = list(db.session.scalars(query.order_by(*sort.order_by(reverse=backwards)).limit(per_page + 1)))
        more = len(rows) > per_page
        rows = rows[:per_page]
        if backwards:
            rows.reverse()
        start = 0 if cursor is None else (max(cursor.index - per_page, 0) if backwards else cursor.index)
        total = self.count(state, found) if total is None else total
        has_next = (more and not backwards) or (backwards and cursor is not None)
        has_prev = (cursor is not None and not backwards and start > 0) or (backwards and more)
        if backwards and not more:
            start = 0  # went back to the very beginning
        return Page(
            items=rows,
            total=total,
            start=start,
            next_cursor=self._cursor(sort, rows[-1], start + len(rows)) if has_next and rows else None,
            prev_cursor=Cursor(self._keys(sort, rows[0]), start, backwards=True).encode()
            if has_prev and rows
            else None,
        )

    def _cursor(self, sort: Sort, row, index: int) -> str:
        return Cursor(self._keys(sort, row), index).encode()

    @staticmethod
    def _keys(sort: Sort, row) -> list:
        return sort.values(row)


class _Kept:
    """Filters' counts kept in this process, by (list, version, filters), least recently used
    out first: a version gone is never asked for again."""

    def __init__(self, size: int):
        self._size = size
        self._entries: OrderedDict[tuple, dict[str, list[FacetValue]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> dict[str, list[FacetValue]] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, counts: dict[str, list[FacetValue]]) -> None:
        with self._lock:
            self._entries[key] = counts
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


_KEPT_COUNTS = _Kept(1024)


def with_state(state: ListState, **changes) -> ListState:
    return replace(state, **changes)


# --- the pieces of a facet --------------------------------------------------------------------


def as_id(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() and len(key) < 10 else None


def _id_of(key: str, named_by: tuple | None):
    """The id a filter's key names: the key itself when it is a number, else (with
    `named_by`, a record's id and slug columns) the id of the record with that slug."""
    number = as_id(key)
    if number is not None or named_by is None:
        return number
    record_id, slug = named_by
    return sa.select(record_id).where(slug == key).scalar_subquery()


def by_id(column, named_by: tuple | None = None):
    """The condition "column = the id the key names" (`_id_of`), or None for a key that
    names no id."""

    def condition(key: str):
        record_id = _id_of(key, named_by)
        return None if record_id is None else column == record_id

    return condition


def linked_by_id(owner_id, link_owner, link_target, named_by: tuple | None = None):
    """The condition "the record is linked (in a link table) to the one the key names"."""

    def condition(key: str):
        record_id = _id_of(key, named_by)
        return None if record_id is None else owner_id.in_(sa.select(link_owner).where(link_target == record_id))

    return condition


def named(key, label, *, by_number: bool = False, slug=None) -> Callable[[str], str | None]:
    """The label of the record whose `key` (or `slug`) is the value a visitor chose (None:
    no such record)."""

    def name_of(value: str) -> str | None:
        wanted: Any = as_id(value) if by_number else value
        if wanted is not None:
            return db.session.scalar(sa.select(label).where(key == wanted))
        if slug is not None:
            return db.session.scalar(sa.select(label).where(slug == value))
        return None

    return name_of


def counted(key, label, link, linked_record, link_owner):
    """Facet values counted through a link: `key` and `label` of each record on the other
    side of `link` (joined where `linked_record`), with how many of the listed ids
    (`link_owner`) it is linked to — one grouped query."""

    def counts(ids):
        return (
            sa.select(key, label, sa.func.count())
            .join(link, linked_record)
            .where(link_owner.in_(ids))
            .group_by(key, label)
        )

    return counts
