"""A progress updates file's rows: each update checked against the recommendation it reports on
(named by its meeting and number, or its text), before anything is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...accounts.models import Organisation
from ...core import indicators
from ...core.i18n import _l
from ...roundtables.models import (
    ProgressUpdate,
    Recommendation,
)
from .cells import Invalid, parse_day, prose

# A recommendation's state in a file: the workflow's, and "agreed" for in progress.
from .meetings import Meeting, MeetingRowBase


class UpdateRow(MeetingRowBase):
    """An owner's dated update on a recommendation (in the tracker, or in this import)."""

    def check(self) -> None:
        meeting = self.meeting()
        recommendation = self.cell("recommendation", self._recommendation, meeting)
        date = self.cell("date", self._date)
        organisation = self.cell("organisation", self._organisation, recommendation)
        text = self.cell("text", prose, ProgressUpdate, "text")
        value = self.cell("value", lambda v: indicators.number(v, "value", _l("The value")))
        indicator = self.cell("indicator", self._indicator, recommendation, value)
        if not self.valid or recommendation is None:
            return
        if not (text or "").strip():
            self.error("text", _l("write what has happened."))
            return
        update = ProgressUpdate(date=date, organisation=organisation, text=text.strip(), value=value)
        self.batch.updates.append((recommendation, update))
        if indicator is not None:  # (tied when written, as an action's figures are)
            self.batch.reported.append((update, indicator))

    def _indicator(self, value: str, recommendation: Recommendation | None, figure: Any) -> Any:
        """The recommendation's indicator the update's value is for (both or neither)."""
        name = value.strip()
        if not name:
            if figure is not None:
                raise Invalid(_l("say which of the recommendation's indicators the value is for."))
            return None
        if figure is None:
            self.error("value", _l("give the value reported for “%(name)s”, or leave the indicator empty.", name=name))
        if recommendation is None:
            return None
        found = indicators.find(recommendation.indicators, name)
        if found is None:
            known = ", ".join(f"“{i.name}”" for i in recommendation.indicators) or _l("none")
            raise Invalid(
                _l(
                    "the recommendation has no indicator “%(name)s” (its indicators: %(known)s).",
                    name=name,
                    known=known,
                )
            )
        return found

    def _recommendation(self, value: str, meeting: Meeting | None) -> Recommendation | None:
        name = value.strip()
        if not name:
            raise Invalid(_l("say which recommendation: its reference (121.1) or its text."))
        if meeting is None:
            return None
        meeting = self.batch.meetings_index.known(meeting)
        for index in (meeting.by_reference, meeting.by_text):
            if name in index:
                if index[name] is None:
                    raise Invalid(
                        _l("more than one recommendation of the meeting is “%(name)s”: use its text.", name=name)
                    )
                return index[name]
        raise Invalid(
            _l("the meeting has no recommendation “%(name)s” (give its reference, or its text as written).", name=name)
        )

    def _date(self, value: str) -> dt.date:
        if not value.strip():
            raise Invalid(_l("give the date of the update."))
        day = parse_day(value)
        assert day is not None
        return day

    def _organisation(self, value: str, recommendation: Recommendation | None) -> Organisation:
        if not value.strip():
            raise Invalid(_l("say which organisation reported it: one of the recommendation's owners."))
        organisation = self.batch.names.organisations.find(value)
        owners = [owner.organisation for owner in recommendation.owners] if recommendation is not None else []
        if recommendation is not None and owners and organisation not in owners:
            raise Invalid(
                _l("%(organisation)s is not an owner of this recommendation.", organisation=organisation.name)
            )
        return organisation
