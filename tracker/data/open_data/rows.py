"""An import's rows: each data row of pledges.csv or actions.csv checked cell by cell into
a new pledge or action, with every problem reported where a spreadsheet shows it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ...accounts.models import Organisation
from ...core.changes import RESERVED_SLUGS, OperationRefused
from ...core.dates import DatePrecision
from ...core.sources import check_language, check_source_url, check_text_format
from ...core.workflow import RuleNotMet
from ...pledges import operations
from ...pledges.models import ActionFigure, ActionTaken, EvidenceLink, Pledge, PledgeSignatory
from ...pledges.workflow import PledgeWorkflow
from .batch import Batch, RowError
from .cells import (
    Invalid,
    column_length,
    figures,
    links,
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


class Row:
    """One data row being checked: its cells, and the errors found in them."""

    def __init__(self, batch: Batch, file: str | None, number: int, cells: dict[str, str]):
        self.batch, self.file, self.number, self.cells = batch, file, number, cells
        self.valid = True

    def error(self, column: str | None, message: str) -> None:
        message = message[:1].upper() + message[1:]
        self.batch.errors.append(RowError(self.number, column, message.rstrip(".") + ".", self.file))
        self.valid = False

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

    def _what(self) -> dict[str, Any]:
        names = self.batch.names
        return {
            "slug": self.cell("slug", self._slug),
            "title": self.cell("title", short_text, Pledge, "title"),
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
            self.error("period_end", f"the last year ({end}) is before the first ({start}).")
        note = self.cell("period_note", short_text, Pledge, "period_note")
        return {"period_start": start, "period_end": end, "period_note": note}

    def _budget(self) -> dict[str, Any]:
        amount = self.cell("budget_amount", parse_budget)
        currency = self.cell("budget_currency", parse_currency)
        if amount is not None and currency is None and not self.cells.get("budget_currency", "").strip():
            self.error("budget_currency", "say which currency the budget is in, e.g. AUD.")
        if currency is not None and amount is None and not self.cells.get("budget_amount", "").strip():
            self.error("budget_amount", "give the budget amount too, or leave the currency empty.")
        note = self.cell("budget_note", short_text, Pledge, "budget_note")
        return {"budget_amount": amount, "budget_currency": currency, "budget_note": note}

    def _who_and_when(self) -> dict[str, Any]:
        return {
            "lead": self.cell("lead_signatory", self._organisation, required="a pledge needs a lead signatory."),
            "others": self.cell("other_signatories", self.batch.names.organisations.find_all),
            "signatories_note": self.cell("signatories_note", short_text, Pledge, "signatories_note"),
            "published_on": self.cell("published_on", parse_day),
            "completed_on": self.cell("completed_on", parse_day),
            "text": self.cell("text", prose, Pledge, "text"),
            "actions_intro": self.cell("actions_intro", prose, Pledge, "actions_intro"),
        }

    def _source(self) -> dict[str, Any]:
        return {
            "text_format": self.cell("text_format", check_text_format),
            "language": self.cell("language", check_language),
            "source_reference": self.cell("source_reference", short_text, Pledge, "source_reference"),
            "source_url": self.cell("source_url", check_source_url),
        }

    def _slug(self, value: str) -> str:
        slug = value.strip()
        if not slug:
            raise Invalid("give the pledge's slug, its address: letters, digits and dashes, e.g. regional-protection.")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or len(slug) > (column_length(Pledge, "slug") or 0):
            raise Invalid(
                f"“{slug}” is not a slug: use lower-case letters, digits and single dashes, e.g. regional-protection."
            )
        if slug in RESERVED_SLUGS:
            raise Invalid(f"“{slug}” is the address of a page, not of a pledge: choose another slug.")
        if slug in self.taken:
            raise Invalid(f"a pledge with the slug “{slug}” already exists.")
        if slug in self.batch._slug_rows:
            file, row = self.batch._slug_rows[slug]
            where = f"row {row}" + (f" of {file}" if file != self.file else "")
            raise Invalid(f"the slug “{slug}” is already used on {where}.")
        self.batch._slug_rows[slug] = (self.file, self.number)
        return slug

    def _organisation(self, value: str, required: str):
        if not value.strip():
            raise Invalid(required)
        return self.batch.names.organisations.find(value)

    def _check_dates(self, state: str, published_on, completed_on) -> None:
        if state == PledgeWorkflow.draft.value and published_on is not None:
            self.error("published_on", "a draft is not published: leave published_on empty, or give the state.")
        if state != PledgeWorkflow.done.value and completed_on is not None:
            self.error(
                "completed_on", "only a done pledge has a completion day: leave it empty, or make the state done."
            )
        if published_on is not None and completed_on is not None and completed_on < published_on:
            self.error(
                "completed_on", f"the pledge was done ({completed_on}) before it was published ({published_on})."
            )


def _pledge(values: dict[str, Any]) -> Pledge:
    """The pledge a checked row describes, with its signatories (lead first)."""
    state, lead = values["status"], values["lead"]
    fields = {name: values[name] for name in _PLEDGE_FIELDS}
    pledge = Pledge(
        **fields,
        actions_intro=values["actions_intro"] or None,
        published_at=moment(values["published_on"]) if state != PledgeWorkflow.draft.value else None,
        completed_at=moment(values["completed_on"]) if state == PledgeWorkflow.done.value else None,
    )
    # An import records what a published source says: its signatories signed (the history
    # of the import says so, `Batch.write`).
    pledge.signatory_rows = [PledgeSignatory(organisation=lead, is_lead=True, position=0)] + [
        PledgeSignatory(organisation=org, is_lead=False, position=i)
        for i, org in enumerate((org for org in values["others"] if org is not lead), start=1)
    ]
    return pledge


# A row's values that are the pledge's own fields, as they are.
_PLEDGE_FIELDS = (
    "slug", "title", "status", "text", "forum", "region", "period_start", "period_end", "period_note",
    "budget_amount", "budget_currency", "budget_note", "themes", "countries", "signatories_note",
    "text_format", "language", "source_reference", "source_url",
)  # fmt: skip


class ActionRow(Row):
    def __init__(self, batch, file, number, cells, existing: dict[str, Pledge], taken: set[tuple[str, int]]):
        super().__init__(batch, file, number, cells)
        self.existing, self.taken = existing, taken

    def check(self) -> None:
        slug, pledge = self.cell("pledge", self._pledge) or (None, None)
        position = self.cell("position", self._position, slug)
        when = self.cell("date", self._date)
        heading = self.cell("heading", short_text, ActionTaken, "heading")
        summary = self.cell("summary", self._summary)
        details = self.cell("details", prose, ActionTaken, "details")
        attributed_to = self.cell("attributed_to", self._attributed_to, pledge)
        organisations = self.cell("organisations", self._organisations, pledge)
        action_figures = self.cell("figures", figures)
        action_links = self.cell("links", links)
        source = {
            "text_format": self.cell("text_format", check_text_format),
            "language": self.cell("language", check_language, required=False),
            "source_reference": self.cell("source_reference", short_text, ActionTaken, "source_reference"),
            "source_url": self.cell("source_url", check_source_url),
        }
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
            figures=[ActionFigure(position=i, **figure) for i, figure in enumerate(action_figures)],
            links=[EvidenceLink(position=i, **link) for i, link in enumerate(action_links)],
            **source,
        )
        if slug is not None:  # (a row without its pledge's slug is not valid)
            self.batch.actions.append((slug, action))

    def _pledge(self, value: str) -> tuple[str, Pledge | None]:
        """The pledge's slug, and the pledge when its signatories can be checked (None
        when it is a row of this import that has errors of its own)."""
        slug = value.strip()
        if not slug:
            raise Invalid("give the slug of the pledge the action was taken towards.")
        if slug in self.batch._new:
            return slug, self.batch._new[slug]
        if slug in self.existing:
            return slug, self.existing[slug]
        raise Invalid(f"there is no pledge “{slug}”, in the tracker or in this import.")

    def _position(self, value: str, slug: str | None) -> int:
        value = value.strip()
        if not re.fullmatch(r"\d{1,9}", value):
            raise Invalid(
                f"{value or 'an empty cell'} is not a position: give the action's place in its pledge's list (0, 1, 2 …)."
            )
        position = int(value)
        if slug is not None:
            if (slug, position) in self.taken:
                raise Invalid(f"the pledge “{slug}” already has an action at position {position}.")
            earlier = self.batch._positions.get((slug, position))
            if earlier is not None:
                raise Invalid(f"row {earlier} already gives the pledge “{slug}” an action at position {position}.")
            self.batch._positions[(slug, position)] = self.number
        return position

    def _date(self, value: str) -> tuple[dt.date, DatePrecision]:
        date, precision = partial_date(value)
        operations.check_action_date(date)
        return date, precision

    def _summary(self, value: str) -> str:
        return operations.check_action_summary(value)

    def _attributed_to(self, value: str, pledge: Pledge | None) -> Organisation:
        if not value.strip():
            raise Invalid("name the signatory that recorded the action.")
        organisation = self.batch.names.organisations.find(value)
        if pledge is not None and organisation.id not in signatory_ids(pledge):
            raise Invalid(f"{organisation.name} is not a signatory of the pledge “{pledge.slug}”.")
        return organisation

    def _organisations(self, value: str, pledge: Pledge | None) -> list[Organisation]:
        organisations = self.batch.names.organisations.find_all(value)
        if pledge is not None:
            operations.check_action_organisations(organisations, signatory_ids(pledge))
        elif not organisations:
            operations.check_action_organisations(organisations, set())
        return organisations


def signatory_ids(pledge: Pledge) -> set[int]:
    """(A new pledge's signatories know their organisation, not yet its id column.)"""
    return {signatory.organisation_id or signatory.organisation.id for signatory in pledge.signatories}
