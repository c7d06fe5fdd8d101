"""An import's meetings and what they issued: each row of a meetings, outcomes,
recommendations or progress updates file checked into a new record — a meeting or review
(`Roundtable`), a heading and its outcomes, a recommendation as its source has it, an
owner's dated update — with every problem reported where a spreadsheet shows it.

Records are tied to the meetings and recommendations already in the tracker only when the
batch is written (`Batch.write`): checking touches nothing there."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...accounts.models import Organisation
from ...core.changes import RESERVED_SLUGS, OperationRefused
from ...core.extensions import db
from ...core.i18n import _l
from ...core.limits import is_blank
from ...core.text import slugify
from ...core.workflow import RuleNotMet
from ...roundtables import fields as meeting_fields
from ...roundtables.models import (
    Outcome,
    OutcomeGroup,
    Recommendation,
    RecommendationIndicator,
    RecommendationOwner,
    Roundtable,
)
from ...roundtables.workflow import DONE, DRAFT, IN_PROGRESS, VERIFIED, check_addressee
from .cells import Invalid, moment, parse_day, prose, short_text
from .rows import Row
from .structured import indicator_rows, translations

# A recommendation's state in a file: the workflow's, and "agreed" for in progress.
STATES = {"draft": DRAFT, "agreed": IN_PROGRESS, IN_PROGRESS: IN_PROGRESS, "done": DONE, "verified": VERIFIED}


def _key(title: str) -> str:
    return " ".join(title.split()).casefold()


@dataclass
class Meeting:
    """A meeting of the import's: in the tracker (`record.id` set) or new, with the headings
    it has and gets, and its recommendations (by reference, then by text) for updates."""

    record: Roundtable
    headings: dict[str, OutcomeGroup] = field(default_factory=dict)
    group_count: int = 0
    outcome_counts: dict[int, int] = field(default_factory=dict)  # by id(group)
    by_reference: dict[str, Recommendation | None] = field(default_factory=dict)
    by_text: dict[str, Recommendation | None] = field(default_factory=dict)
    imported: set[str] = field(default_factory=set)  # the texts of its recommendations in this import

    @property
    def is_new(self) -> bool:
        return self.record.id is None

    def know(self, recommendation: Recommendation) -> None:
        """A recommendation updates may name (None where two share the name)."""
        for index, name in ((self.by_reference, recommendation.reference), (self.by_text, recommendation.text)):
            if name:
                index[name] = recommendation if name not in index else None


class Meetings:
    """The meetings of the tracker by title and slug, and those this import creates."""

    def __init__(self) -> None:
        roundtables = db.session.scalars(
            sa.select(Roundtable).options(
                selectinload(Roundtable.outcome_groups).selectinload(OutcomeGroup.outcomes),
            )
        )
        self.by_title: dict[str, Meeting] = {}
        self.slugs: set[str] = set(RESERVED_SLUGS)
        self._recommendations_loaded: set[int] = set()
        for roundtable in roundtables:
            meeting = Meeting(roundtable, group_count=len(roundtable.outcome_groups))
            for group in roundtable.outcome_groups:
                meeting.headings[group.heading] = group
                meeting.outcome_counts[id(group)] = len(group.outcomes)
            self.by_title[_key(roundtable.title)] = meeting
            self.slugs.add(roundtable.slug)

    def find(self, title: str) -> Meeting | None:
        return self.by_title.get(_key(title))

    def known(self, meeting: Meeting) -> Meeting:
        """`meeting` with the recommendations it has in the tracker, for updates to name."""
        if not meeting.is_new and meeting.record.id not in self._recommendations_loaded:
            self._recommendations_loaded.add(meeting.record.id)
            query = sa.select(Recommendation).where(Recommendation.roundtable_id == meeting.record.id)
            for recommendation in db.session.scalars(query.options(selectinload(Recommendation.owners))):
                meeting.know(recommendation)
        return meeting

    def new_slug(self, title: str, wanted: str | None = None) -> str:
        base = wanted or slugify(title, max_length=80, fallback="meeting")
        slug = next(s for s in [base, *(f"{base}-{n}" for n in range(2, len(self.slugs) + 3))] if s not in self.slugs)
        self.slugs.add(slug)
        return slug

    def add(self, roundtable: Roundtable) -> Meeting:
        meeting = Meeting(roundtable)
        self.by_title[_key(roundtable.title)] = meeting
        return meeting


def parse_public(value: str) -> bool:
    value = value.strip().casefold()
    if value in ("", "yes", "y", "true", "1", "public"):
        return True
    if value in ("no", "n", "false", "0", "not public"):
        return False
    raise Invalid(_l("“%(value)s” is not yes or no.", value=value))


def parse_recommendation_state(value: str) -> str:
    state = STATES.get(value.strip().casefold())
    if state is None:
        if value.strip():
            raise Invalid(_l("“%(value)s” is not a state: use draft, agreed, done or verified.", value=value.strip()))
        raise Invalid(_l("give the state: use draft, agreed, done or verified."))
    return state


class MeetingRow(Row):
    """A meeting or review of a meetings file: new to the tracker."""

    def check(self) -> None:
        meetings = self.batch.meetings_index
        title = self.cell("meeting", self._title)
        slug = self.cell("slug", self._slug)
        kind = self.cell("kind", meeting_fields.check_meeting_kind)
        start = self.cell("start_date", self._start)
        end = self.cell("end_date", parse_day)
        if start is not None and end is not None and end < start:
            self.error(
                "end_date", _l("the last day (%(last)s) is before the first (%(first)s).", last=end, first=start)
            )
        names = self.batch.names
        forum = self.cell("forum", lambda v: names.forums.find(v) if v.strip() else None)
        place = self.cell("place", short_text, Roundtable, "place")
        co_chairs = self.cell("co_chairs", names.organisations.find_all)
        participants = self.cell("participants", names.organisations.find_all)
        participants_note = self.cell("participants_note", short_text, Roundtable, "participants_note")
        summary = self.cell("summary", prose, Roundtable, "summary")
        public = self.cell("public", parse_public)
        if not self.valid:
            return
        if slug is None:
            slug = meetings.new_slug(title)
            self.derive("slug", slug, _l("from the title"))
        roundtable = Roundtable(
            title=title, slug=slug, kind=kind, start_date=start, end_date=end, forum=forum, place=place,
            co_chairs=co_chairs, participants=participants, participants_note=participants_note,
            summary=summary, is_public=public,
        )  # fmt: skip
        meetings.add(roundtable)
        self.batch.meetings.append(roundtable)

    def _title(self, value: str) -> str:
        title = Roundtable.limits["title"].clean(value, "title").strip()
        if self.batch.meetings_index.find(title) is not None:
            raise Invalid(
                _l("a meeting called “%(title)s” is already in the tracker or earlier in this import.", title=title)
            )
        return title

    def _slug(self, value: str) -> str | None:
        slug = value.strip()
        if not slug:
            return None
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or len(slug) > 120:
            raise Invalid(_l("“%(slug)s” is not a slug: use lower-case letters, digits and single dashes.", slug=slug))
        if slug in self.batch.meetings_index.slugs:
            raise Invalid(
                _l("the address “%(slug)s” is already taken: choose another slug, or leave it empty.", slug=slug)
            )
        self.batch.meetings_index.slugs.add(slug)
        return slug

    def _start(self, value: str) -> dt.date:
        if not value.strip():
            raise Invalid(_l("give the meeting's first day (YYYY-MM-DD)."))
        day = parse_day(value)
        assert day is not None
        return day


class MeetingRowBase(Row):
    """A row naming its meeting (in the tracker, or new in this import)."""

    def meeting(self) -> Meeting | None:
        return self.cell("meeting", self._meeting)

    def _meeting(self, value: str) -> Meeting:
        if is_blank(value):
            raise Invalid(_l("say which meeting: its title."))
        meeting = self.batch.meetings_index.find(value)
        if meeting is None:
            raise Invalid(_l("there is no meeting “%(title)s”, in the tracker or in this import.", title=value.strip()))
        return meeting

    def heading(self, meeting: Meeting | None, *, required: bool) -> OutcomeGroup | None:
        return self.cell("heading", self._heading, meeting, required)

    def _heading(self, value: str, meeting: Meeting | None, required: bool) -> OutcomeGroup | None:
        if is_blank(value):
            if required:
                raise Invalid(_l("give the heading the outcome is listed under."))
            return None
        heading = OutcomeGroup.limits["heading"].clean(value, "heading").strip()
        if meeting is None:
            return None
        if heading not in meeting.headings:
            group = OutcomeGroup(heading=heading, position=meeting.group_count)
            meeting.group_count += 1
            meeting.headings[heading] = group
            meeting.outcome_counts[id(group)] = 0
            self.batch.groups.append((meeting.record, group))
        return meeting.headings[heading]


class OutcomeRow(MeetingRowBase):
    def check(self) -> None:
        meeting = self.meeting()
        outcome_text = self.cell("outcome", prose, Outcome, "text") if self.cells.get("outcome", "").strip() else None
        if not self.valid:
            return
        group = self.heading(meeting, required=True)
        if group is None or meeting is None or outcome_text is None:
            return
        text = outcome_text.strip()
        if any(outcome.text == text for outcome in group.outcomes) or (group, text) in self.batch.outcome_texts:
            self.error("outcome", _l("the heading “%(heading)s” already has this outcome.", heading=group.heading))
            return
        self.batch.outcome_texts.add((group, text))
        position = meeting.outcome_counts[id(group)]
        meeting.outcome_counts[id(group)] = position + 1
        self.batch.outcomes.append((group, Outcome(text=text, position=position)))


class RecommendationRow(MeetingRowBase):
    """A recommendation as its source has it; its meeting, when it is not in the tracker or
    a meetings file, is created from the row's meeting_kind and meeting_date."""

    def check(self) -> None:
        meeting = self.cell("meeting", self._meeting_or_new)
        group = self.heading(meeting, required=False)
        names = self.batch.names.organisations
        values: dict[str, Any] = {
            "reference": self.cell("reference", lambda v: v),
            "text": self.cell("text", lambda v: v),
            "recommending": self.cell("recommending", names.find_all),
            "owners": self.cell("owners", names.find_all),
            "addressee_note": self.cell("addressee", lambda v: v),
            "response": self.cell("response", lambda v: v),
            "response_date": self.cell("response_date", parse_day),
            "status": self.cell("state", parse_recommendation_state),
            "due_date": self.cell("due_date", self._due_date),
            "agreed_on": self.cell("agreed_on", parse_day),
            "completed_on": self.cell("done_on", parse_day),
            "verified_on": self.cell("verified_on", parse_day),
            "language": self.cell("language", lambda v: v),
            "source_url": self.cell("source_url", lambda v: v),
            "contact_name": self.cell("contact_name", lambda v: v),
            "contact_email": self.cell("contact_email", lambda v: v),
            "indicators": self.cell("indicators", indicator_rows) or [],
        }
        if not self.valid or meeting is None:
            return
        fields = self._fields(values)
        if fields is None or not self._new_to(meeting, fields["text"]):
            return
        recommendation = self._recommendation(fields, values)
        if recommendation is None:
            return
        self._dates(recommendation, meeting, values)
        if self.valid:
            meeting.know(recommendation)
            self.batch.recommendations.append((meeting.record, group, recommendation))

    def _new_to(self, meeting: Meeting, text: str) -> bool:
        """Whether the meeting does not have this recommendation yet — in the tracker or
        earlier in this import (an import never duplicates one: running it twice changes
        nothing)."""
        meeting = self.batch.meetings_index.known(meeting)
        if text in meeting.by_text:
            if meeting.is_new or text in meeting.imported:
                said = _l(
                    "“%(title)s” already has this recommendation, earlier in this import.", title=meeting.record.title
                )
            else:
                said = _l("“%(title)s” already has this recommendation, in the tracker.", title=meeting.record.title)
            self.error("text", said)
            return False
        meeting.imported.add(text)
        return True

    def _fields(self, values: dict[str, Any]) -> dict[str, Any] | None:
        """The recommendation's own fields, checked by the rules every way in shares."""
        names = ("text", "reference", "addressee_note", "response", "response_date", "language", "source_url")
        fields = {name: values[name] for name in (*names, "contact_name", "contact_email")}
        try:
            checked = meeting_fields.check_recommendation_fields(fields)
        except OperationRefused as problem:  # InvalidField names its field: the file's column is said
            column = {"addressee_note": "addressee"}.get(getattr(problem, "field", None) or "")
            self.error(column or getattr(problem, "field", None) or "text", str(problem))
            return None
        if not checked["text"]:
            self.error("text", _l("write the recommendation."))
            return None
        if checked.get("contact_email") and "@" not in checked["contact_email"]:
            self.error("contact_email", _l("enter the contact person's e-mail address, or leave it empty."))
            return None
        return checked

    def _recommendation(self, fields: dict[str, Any], values: dict[str, Any]) -> Recommendation | None:
        owners: list[Organisation] = values["owners"]
        translated = self.cell("translations", translations, Recommendation, fields["language"])
        if not self.valid:
            return None
        recommendation = Recommendation(
            status=values["status"], due_date=values["due_date"], translations=translated or {}, **fields
        )
        recommendation.owners = [
            RecommendationOwner(organisation=org, is_lead=position == 0, position=position)
            for position, org in enumerate(owners)
        ]
        recommendation.recommending = list(values["recommending"])
        recommendation.indicators = [
            RecommendationIndicator(position=i, **row) for i, row in enumerate(values["indicators"])
        ]
        if recommendation.status != DRAFT:
            try:
                check_addressee(recommendation)
            except RuleNotMet as problem:
                self.error("owners", str(problem))
                return None
        return recommendation

    def _dates(self, recommendation: Recommendation, meeting: Meeting, values: dict[str, Any]) -> None:
        state = recommendation.status
        # (A recommendation in progress may have been marked done once and sent back: it keeps
        # the day it was marked done.)
        for column, value, allowed, refusal in (
            ("agreed_on", values["agreed_on"], state != DRAFT,
             _l("a draft has not been agreed: leave agreed_on empty, or give the state agreed")),
            ("done_on", values["completed_on"], state != DRAFT,
             _l("a draft has not been done: leave done_on empty, or give the state done")),
            ("verified_on", values["verified_on"], state == VERIFIED,
             _l("only a verified recommendation has a verified_on day: leave it empty, or give the state verified")),
        ):  # fmt: skip
            if value is not None and not allowed:
                self.error(column, refusal)
        if not self.valid:
            return
        recommendation.completed_on = values["completed_on"]
        recommendation.verified_at = moment(values["verified_on"]) if values["verified_on"] else None
        recommendation.agreed_on = values["agreed_on"]
        if state != DRAFT and recommendation.agreed_on is None:
            day, how = (
                (recommendation.response_date, _l("the day it was supported: the source gives no other"))
                if recommendation.response_date and recommendation.response == "supported"
                else (meeting.record.start_date, _l("the meeting's first day: the source gives no other"))
            )
            recommendation.agreed_on = day
            self.derive("agreed_on", day.isoformat(), how)

    def _due_date(self, value: str) -> dt.date | None:
        value = value.strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _not_a_day(value)
        except ValueError:
            return _not_a_day(value)

    def _meeting_or_new(self, value: str) -> Meeting:
        if is_blank(value):
            raise Invalid(_l("say which meeting or review issued it: its title."))
        meetings = self.batch.meetings_index
        meeting = meetings.find(value)
        if meeting is not None:
            return meeting
        title = Roundtable.limits["title"].clean(value, "meeting").strip()
        kind = meeting_fields.check_meeting_kind(self.cells.get("meeting_kind"), "meeting_kind")
        if is_blank(self.cells.get("meeting_date", "")):
            raise Invalid(
                _l(
                    "there is no meeting “%(title)s” in the tracker or in this import: give its meeting_date "
                    "(and meeting_kind) to create it, or import a meetings file with it.",
                    title=title,
                )
            )
        start = parse_day(self.cells["meeting_date"])
        assert start is not None
        roundtable = Roundtable(
            title=title, slug=meetings.new_slug(title), kind=kind, start_date=start, is_public=True, summary=""
        )
        self.derive("meeting", title, _new_meeting(roundtable))
        self.batch.meetings.append(roundtable)
        return meetings.add(roundtable)


def _new_meeting(roundtable: Roundtable) -> Any:
    """How a meeting the import creates was derived: in words, with its kind."""
    said = {
        "roundtable": _l("a new roundtable, public, its co-chairs not stated"),
        "review": _l("a new review, public, its co-chairs not stated"),
        "ministerial": _l("a new ministerial conference, public, its co-chairs not stated"),
        "meeting": _l("a new other meeting, public, its co-chairs not stated"),
    }
    if roundtable.kind in said:
        return said[roundtable.kind]
    return _l("a new %(kind)s, public, its co-chairs not stated", kind=str(roundtable.kind_label).lower())


def _not_a_day(value: str) -> dt.date:
    raise Invalid(_l("%(value)s is not a day (use 2027-06-30).", value=value))
