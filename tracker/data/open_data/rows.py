"""An import's rows: each data row of pledges.csv or actions.csv checked cell by cell into
a new pledge or action, with every problem reported where a spreadsheet shows it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ...accounts.models import Organisation
from ...core import indicators
from ...core.changes import RESERVED_SLUGS, OperationRefused
from ...core.dates import DatePrecision
from ...core.extensions import db
from ...core.i18n import _l
from ...core.limits import is_blank
from ...core.sources import DEFAULT_LANGUAGE, check_language, check_source_url, check_text_format
from ...core.text import PLAIN, first_sentence, slugify
from ...core.workflow import RuleNotMet
from ...pledges import operations
from ...pledges.evidence import EvidenceLink
from ...pledges.indicators import PledgeIndicator
from ...pledges.models import ActionFigure, ActionTaken, Pledge, PledgeSignatory
from ...pledges.workflow import PledgeWorkflow
from .batch import Batch, Derived, RowError
from .cells import (
    Invalid,
    column_length,
    moment,
    parse_budget,
    parse_currency,
    parse_day,
    parse_state,
    parse_year,
    partial_date,
    prose,
    short_text,
)
from .columns import PLEDGE_NAMES
from .structured import figures, indicator_rows, links, translations


class Row:
    """One data row being checked: its cells, and the errors found in them."""

    def __init__(self, batch: Batch, file: str | None, number: int, cells: dict[str, str]):
        self.batch, self.file, self.number, self.cells = batch, file, number, cells
        self.valid = True

    def error(self, column: str | None, message: object) -> None:
        """A problem with the row (`message`: words, or a lazy `_l` message, kept in the
        reader's language)."""
        message = str(message)
        message = message[:1].upper() + message[1:]
        self.batch.errors.append(RowError(self.number, column, message.rstrip(".") + ".", self.file))
        self.valid = False

    def derive(self, column: str, value: str, how: object) -> None:
        """Say that the import made `value` for `column` (the file does not give it); `how`
        in words (a lazy `_l` message, kept in the reader's language)."""
        self.batch.derived.append(Derived(self.number, column, value, str(how), self.file))

    def check(self) -> None:
        """Check the row's cells: its record, or its errors, go to the batch."""
        raise NotImplementedError

    def cell(self, column: str, parse: Callable, *args, **kwargs):
        """`parse` of the column's cell; None (and an error) when it is refused."""
        try:
            return parse(self.cells.get(column, ""), *args, **kwargs)
        except (Invalid, OperationRefused, RuleNotMet) as problem:
            self.error(column, str(problem))
            return None


class PledgeRow(Row):
    def __init__(self, batch, file, number, cells, taken: set[str]):
        super().__init__(batch, file, number, cells)
        self.taken = taken

    def check(self) -> None:
        # Cells are read in the file's column order, so that errors are reported in it.
        values = {**self._what(), **self._period(), **self._budget(), **self._who_and_when(), **self._source()}
        if values["status"] is not None:
            self._check_dates(values["status"], values["published_on"], values["completed_on"])
        if self.valid:
            self._derive_title(values)
        if self.valid and values["slug"] is None:
            values["slug"] = self._derived_slug(values["title"])
        slug = values["slug"]
        if not self.valid:
            # Its actions (in the same import) are not checked against another pledge.
            self.batch._new.setdefault(self.cells.get("slug", "").strip(), None)
            return
        pledge = _pledge(values)
        if pledge.status != PledgeWorkflow.draft.value:
            # The workflow's rule for starting (publishing) a pledge: a pledge imported as
            # published must meet it too.
            self.cell("text", lambda _value: pledge.workflow.check_ready_to_publish())
            if not self.valid:
                self.batch._new[slug] = None
                return
        self.batch._new[slug] = pledge
        self.batch.pledges.append(pledge)
        self.batch.alias(pledge.source_reference or "", slug)
        self.batch.alias(pledge.title, slug)

    def _what(self) -> dict[str, Any]:
        names = self.batch.names
        return {
            "slug": self.cell("slug", self._slug),
            "title": self.cell("title", self._title),
            "status": self.cell("state", parse_state),
            "forum": self.cell("forum", lambda v: names.forums.find(v) if v.strip() else None),
            "themes": self.cell("themes", names.themes.find_all),
            "countries": self.cell("countries", names.countries.find_all),
            "region": self.cell("region", short_text, Pledge, "region"),
        }

    def _period(self) -> dict[str, Any]:
        start = self.cell("period_start", parse_year)
        end = self.cell("period_end", parse_year)
        if start is not None and end is not None and end < start:
            self.error(
                "period_end", _l("the last year (%(last)s) is before the first (%(first)s).", last=end, first=start)
            )
        note = self.cell("period_note", short_text, Pledge, "period_note")
        return {"period_start": start, "period_end": end, "period_note": note}

    def _budget(self) -> dict[str, Any]:
        amount = self.cell("budget_amount", parse_budget)
        currency = self.cell("budget_currency", parse_currency)
        if amount is not None and currency is None and not self.cells.get("budget_currency", "").strip():
            self.error("budget_currency", _l("say which currency the budget is in, e.g. AUD."))
        if currency is not None and amount is None and not self.cells.get("budget_amount", "").strip():
            self.error("budget_amount", _l("give the budget amount too, or leave the currency empty."))
        note = self.cell("budget_note", short_text, Pledge, "budget_note")
        return {"budget_amount": amount, "budget_currency": currency, "budget_note": note}

    def _who_and_when(self) -> dict[str, Any]:
        return {
            "lead": self.cell("lead_signatory", self._organisation),
            "others": self.cell("other_signatories", self.batch.names.organisations.find_all),
            "signatories_note": self.cell("signatories_note", short_text, Pledge, "signatories_note"),
            "published_on": self.cell("published_on", parse_day),
            "completed_on": self.cell("completed_on", parse_day),
            "text": self.cell("text", prose, Pledge, "text"),
            "actions_intro": self.cell("actions_intro", prose, Pledge, "actions_intro"),
        }

    def _source(self) -> dict[str, Any]:
        language = self.cell("language", check_language)
        return {
            "text_format": self.cell("text_format", check_text_format),
            "language": language,
            "translations": self.cell("translations", translations, Pledge, language) or {},
            "source_reference": self.cell("source_reference", short_text, Pledge, "source_reference"),
            "source_url": self.cell("source_url", check_source_url),
            "indicators": self.cell("indicators", indicator_rows) or [],
        }

    def _title(self, value: str) -> str | None:
        """The title the file gives, or None (the source gives none: it is derived)."""
        if is_blank(value):
            return None
        return short_text(value, Pledge, "title")

    def _derive_title(self, values: dict[str, Any]) -> None:
        """A pledge its source gives no title: its text's first sentence, or its number."""
        values["title_derived"] = values["title"] is None
        if values["title"] is not None:
            return
        title, how = (
            first_sentence(values["text"] or ""),
            _l("from the text's first sentence: the source gives no title"),
        )
        if not title and values["source_reference"]:
            # (A title is the pledge's own text, kept as data: in English, whoever imports it.)
            title, how = (
                f"Pledge {values['source_reference']}",
                _l("from the source's number: the source gives no title"),
            )
        if not title:
            self.error("title", _l("give the pledge a title, or a text to take one from."))
            return
        values["title"] = title
        self.derive("title", title, how)

    def _derived_slug(self, title: str) -> str:
        """A slug made from the title, not taken in the tracker or by another row."""
        base = slugify(title, max_length=80)
        taken = set(db.session.scalars(sa.select(Pledge.slug).where(Pledge.slug.like(f"{base}%"))))
        taken |= set(self.batch._slug_rows) | RESERVED_SLUGS
        slug = next(s for s in [base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))] if s not in taken)
        self.batch._slug_rows[slug] = (self.file, self.number)
        self.derive("slug", slug, _l("from the title"))
        return slug

    def _slug(self, value: str) -> str | None:
        slug = value.strip()
        if not slug:
            return None  # made from the title
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or len(slug) > (column_length(Pledge, "slug") or 0):
            raise Invalid(
                _l(
                    "“%(slug)s” is not a slug: use lower-case letters, digits and single dashes, e.g. "
                    "regional-protection.",
                    slug=slug,
                )
            )
        if slug in RESERVED_SLUGS:
            raise Invalid(_l("“%(slug)s” is the address of a page, not of a pledge: choose another slug.", slug=slug))
        if slug in self.taken:
            raise Invalid(_l("a pledge with the slug “%(slug)s” already exists.", slug=slug))
        if slug in self.batch._slug_rows:
            file, row = self.batch._slug_rows[slug]
            if file != self.file:
                raise Invalid(
                    _l("the slug “%(slug)s” is already used on row %(row)s of %(file)s.", slug=slug, row=row, file=file)
                )
            raise Invalid(_l("the slug “%(slug)s” is already used on row %(row)s.", slug=slug, row=row))
        self.batch._slug_rows[slug] = (self.file, self.number)
        return slug

    def _organisation(self, value: str):
        if not value.strip():
            return None  # the source names no lead
        return self.batch.names.organisations.find(value)

    def _check_dates(self, state: str, published_on, completed_on) -> None:
        if state == PledgeWorkflow.draft.value and published_on is not None:
            self.error("published_on", _l("a draft is not published: leave published_on empty, or give the state."))
        if state != PledgeWorkflow.done.value and completed_on is not None:
            self.error(
                "completed_on", _l("only a done pledge has a completion day: leave it empty, or make the state done.")
            )
        if published_on is not None and completed_on is not None and completed_on < published_on:
            self.error(
                "completed_on",
                _l(
                    "the pledge was done (%(done)s) before it was published (%(published)s).",
                    done=completed_on,
                    published=published_on,
                ),
            )


def _pledge(values: dict[str, Any]) -> Pledge:
    """The pledge a checked row describes, with its signatories (lead first) in the order the
    source names them."""
    state, lead = values["status"], values["lead"]
    fields = {name: values[name] for name in _PLEDGE_FIELDS}
    fields["language"] = fields["language"] or DEFAULT_LANGUAGE
    fields["text_format"] = fields["text_format"] or PLAIN
    pledge = Pledge(
        **fields,
        indicators=[PledgeIndicator(position=i, **row) for i, row in enumerate(values["indicators"])],
        actions_intro=values["actions_intro"] or None,
        published_at=moment(values["published_on"]) if state != PledgeWorkflow.draft.value else None,
        completed_at=moment(values["completed_on"]) if state == PledgeWorkflow.done.value else None,
    )
    # An import records what a published source says: its signatories signed (the history
    # of the import says so, `Batch.write`).
    leading = [PledgeSignatory(organisation=lead, is_lead=True, position=0)] if lead is not None else []
    pledge.signatory_rows = leading + [
        PledgeSignatory(organisation=org, is_lead=False, position=i)
        for i, org in enumerate((org for org in values["others"] if org is not lead), start=len(leading))
    ]
    return pledge


# A row's values that are the pledge's own fields, as they are.
_PLEDGE_FIELDS = (
    "slug", "title", "status", "text", "forum", "region", "period_start", "period_end", "period_note",
    "budget_amount", "budget_currency", "budget_note", "themes", "countries", "signatories_note", "title_derived",
    "text_format", "language", "translations", "source_reference", "source_url",
)  # fmt: skip


class ActionRow(Row):
    def __init__(self, batch, file, number, cells, existing: dict[str, Pledge | None], taken: set[tuple[str, int]]):
        super().__init__(batch, file, number, cells)
        self.existing, self.taken = existing, taken

    def check(self) -> None:
        column = next((name for name in PLEDGE_NAMES if self.cells.get(name, "").strip()), "pledge")
        slug, pledge = self.cell(column, lambda _cell: self._pledge(pledge_name(self.cells))) or (None, None)
        position = self.cell("position", self._position, slug)
        when = self.cell("date", self._date)
        heading = self.cell("heading", short_text, ActionTaken, "heading")
        summary = self.cell("summary", self._summary)
        details = self.cell("details", prose, ActionTaken, "details")
        attributed_to = self.cell("attributed_to", self._attributed_to, pledge)
        organisations = self.cell("organisations", self._organisations, pledge, attributed_to)
        action_figures = self.cell("figures", self._counted_figures, pledge)
        action_links = self.cell("links", links)
        source = {
            "text_format": self.cell("text_format", check_text_format),
            "language": self.cell("language", check_language, required=False),
            "source_reference": self.cell("source_reference", short_text, ActionTaken, "source_reference"),
            "source_url": self.cell("source_url", check_source_url),
        }
        written_in = source["language"] or (pledge.language if pledge is not None else None)
        source["translations"] = self.cell("translations", translations, ActionTaken, written_in) or {}
        if not self.valid:
            return
        if pledge is not None and source["language"] == pledge.language:
            source["language"] = None  # (as its pledge's, as `operations` keeps it)
        date, precision = when
        action = ActionTaken(
            attributed_to=attributed_to,
            date=date,
            date_precision=precision,
            heading=heading,
            summary=summary,
            details=details,
            position=position,
            organisations=organisations,
            figures=self._figures(action_figures),
            links=[EvidenceLink(position=i, **link) for i, link in enumerate(action_links)],
            **source,
        )
        if slug is not None:  # (a row without its pledge is not valid)
            self.batch.actions.append((slug, action))

    def _figures(self, action_figures: list[dict]) -> list[ActionFigure]:
        """The action's figures; those that count towards an indicator are tied to it when
        the batch is written."""
        made = []
        for i, fields in enumerate(action_figures):
            indicator = fields.pop("counts_towards", None)
            figure = ActionFigure(position=i, **fields)
            if indicator is not None:
                self.batch.counted.append((figure, indicator))
            made.append(figure)
        return made

    @staticmethod
    def _counted_figures(cell: str, pledge: Pledge | None) -> list[dict]:
        """The figures; each that names an indicator with that indicator of its pledge (its
        label and unit, when not given). (Its pledge is None when the pledge's row has errors
        of its own: nothing is written then.)"""
        result = []
        for figure in figures(cell):
            name = figure.pop("indicator", None)
            if name and pledge is not None:
                indicator = indicators.find(pledge.indicators, name)
                if indicator is None:
                    known = ", ".join(f"“{i.name}”" for i in pledge.indicators) or _l("none")
                    raise Invalid(
                        _l(
                            "the pledge has no indicator “%(name)s” (its indicators: %(known)s).",
                            name=name,
                            known=known,
                        )
                    )
                figure |= {"counts_towards": indicator, "label": figure["label"] or indicator.name}
                figure["unit"] = figure["unit"] or indicator.unit
            result.append(figure)
        return result

    def _pledge(self, value: str) -> tuple[str, Pledge | None]:
        """The pledge's slug, and the pledge when its signatories can be checked (None when
        it is a row of this import that has errors of its own). Named by its slug, its
        source reference or its title, in this import or in the tracker."""
        name = value.strip()
        if not name:
            raise Invalid(_l("say which pledge the action was taken towards: its slug, source reference or title."))
        if name in self.batch._new:
            return name, self.batch._new[name]
        if name in self.batch._aliases:
            slug = self.batch._aliases[name]
            if slug is None:
                raise Invalid(_l("more than one pledge of this import is called “%(name)s”: use its slug.", name=name))
            return slug, self.batch._new[slug]
        if name in self.existing:
            pledge = self.existing[name]
            if pledge is None:
                raise Invalid(_l("more than one pledge in the tracker is called “%(name)s”: use its slug.", name=name))
            return pledge.slug, pledge
        raise Invalid(_l("there is no pledge “%(name)s”, in the tracker or in this import.", name=name))

    def _position(self, value: str, slug: str | None) -> int:
        value = value.strip()
        if not value and slug is not None:
            # After the pledge's last action, in the tracker or earlier in this import.
            places = [p for s, p in self.taken if s == slug] + [p for s, p in self.batch._positions if s == slug]
            position = max(places, default=-1) + 1
            self.batch._positions[(slug, position)] = self.number
            return position
        position = _a_position(value)
        if slug is not None:
            if (slug, position) in self.taken:
                raise Invalid(
                    _l(
                        "the pledge “%(slug)s” already has an action at position %(position)s.",
                        slug=slug,
                        position=position,
                    )
                )
            earlier = self.batch._positions.get((slug, position))
            if earlier is not None:
                raise Invalid(
                    _l(
                        "row %(row)s already gives the pledge “%(slug)s” an action at position %(position)s.",
                        row=earlier,
                        slug=slug,
                        position=position,
                    )
                )
            self.batch._positions[(slug, position)] = self.number
        return position

    def _date(self, value: str) -> tuple[dt.date | None, DatePrecision]:
        if not value.strip():
            return None, DatePrecision.DAY  # the source does not date it: "date not stated"
        date, precision = partial_date(value)
        operations.check_action_date(date)
        return date, precision

    def _summary(self, value: str) -> str:
        return operations.check_action_summary(value)

    def _attributed_to(self, value: str, pledge: Pledge | None) -> Organisation | None:
        if not value.strip():
            return None  # the source names no one who reported it
        organisation = self.batch.names.organisations.find(value)
        signatories = signatory_organisations(pledge)
        if pledge is not None and signatories and organisation not in signatories and not _as_published(pledge, self):
            raise Invalid(
                _l(
                    "%(organisation)s is not a signatory of the pledge “%(slug)s”.",
                    organisation=organisation.name,
                    slug=pledge.slug,
                )
            )
        return organisation

    def _organisations(
        self, value: str, pledge: Pledge | None, attributed_to: Organisation | None
    ) -> list[Organisation]:
        organisations = self.batch.names.organisations.find_all(value)
        signatories = signatory_organisations(pledge)
        if not organisations and attributed_to is not None:
            self.derive("organisations", attributed_to.name, _l("the organisation that reported it"))
            return [attributed_to]
        outsiders = any(org not in signatories for org in organisations)
        if pledge is not None and signatories and outsiders and not _as_published(pledge, self):
            raise Invalid(_l("an action must be attributed to one or more of the pledge's signatories."))
        return organisations


def _as_published(pledge: Pledge, row: Row) -> bool:
    """A report of a pledge published elsewhere (the pledge or the report says where) names
    whom its source names — partners that did not sign, a reporter named in other words — and
    is imported as it is: the import records a published source, not a signatory's own
    account. (Only its signatories' staff ever change it: `permissions`.)"""
    return bool(pledge.source_url or row.cells.get("source_url", "").strip())


def pledge_name(cells: dict[str, str]) -> str:
    """How an actions row names its pledge: its slug, source reference or title, whichever
    column the file has and the row fills."""
    return next((cells[name].strip() for name in PLEDGE_NAMES if cells.get(name, "").strip()), "")


def signatory_organisations(pledge: Pledge | None) -> list[Organisation]:
    """The organisations that signed a pledge (of the tracker, or new in this import): those
    its actions may name, when it has any (a pledge whose source names its signatories only
    in words has none, and its actions name whom their source names)."""
    if pledge is None:
        return []
    return [
        signatory.organisation for signatory in pledge.signatory_rows if signatory.is_signed or signatory.status is None
    ]


def _a_position(value: str) -> int:
    """An action's place in its pledge's list, as a cell gives it (0, 1, 2 …)."""
    if not re.fullmatch(r"\d{1,9}", value):
        if not value:
            raise Invalid(
                _l("an empty cell is not a position: give the action's place in its pledge's list (0, 1, 2 …).")
            )
        raise Invalid(
            _l("%(value)s is not a position: give the action's place in its pledge's list (0, 1, 2 …).", value=value)
        )
    return int(value)
