"""The pledge operations as the API, the import and scripts call them — below the forms, which
refuse first: each refusal names its field and says what to do, word for word, and what is
written (who, where in the list, what history says) is what was asked. Written from the
survivors of the mutation run (docs/testing.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.core import access
from tracker.core.changes import InvalidField, OperationRefused, TransitionRefused
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.pledges.models import MAX_FIGURE, PledgeSignatory
from tracker.pledges.operations import (
    create_pledge,
    edit_pledge,
    record_action,
    take_transition,
    withdraw_action,
)

YEARS = "Enter a year from 1900 to 2100, such as 2019."


def _history(record, event):
    return db.session.query(HistoryEntry).filter_by(record_id=record.id, event=event).one()


def test_an_action_is_recorded_by_its_recorder_in_the_next_place_with_its_history(make):
    pledge = make.pledge_in_progress()
    staff = make.staff(organisation=pledge.lead_signatory)
    first = record_action(pledge, staff, date=dt.date(2020, 1, 1), summary="First.", organisations=[staff.organisation])
    withdraw_action(first, staff)
    second = record_action(
        pledge, staff, date=dt.date(2020, 2, 1), summary="Second.", organisations=[staff.organisation]
    )
    assert (first.position, second.position) == (0, 1)  # after every action, withdrawn ones too
    assert (second.created_by_id, second.attributed_to_id) == (staff.id, staff.organisation_id)
    entry = _history(second, "action_recorded")
    assert (entry.actor_id, entry.changes) == (staff.id, {"summary": [None, "Second."]})
    placed = record_action(
        pledge, staff, date=dt.date(2020, 3, 1), summary="Placed.", organisations=[staff.organisation], position=7
    )
    assert placed.position == 7  # a place given (by the import, the demo) is kept


def test_figures_and_links_keep_their_order(make):
    pledge = make.pledge_in_progress()
    staff = make.staff(organisation=pledge.lead_signatory)
    action = record_action(
        pledge, staff, date=dt.date(2020, 1, 1), summary="Trained.", organisations=[staff.organisation],
        figures=[{"label": "volunteers", "value": 120}, {"label": "branches", "value": 4}],
        links=[{"url": "https://a.example/1"}, {"url": "https://a.example/2"}],
    )  # fmt: skip
    assert [(f.position, f.label) for f in action.figures] == [(0, "volunteers"), (1, "branches")]
    assert [(link.position, link.url) for link in action.links] == [
        (0, "https://a.example/1"),
        (1, "https://a.example/2"),
    ]


@pytest.mark.parametrize(
    "content, field, message",
    [
        ({"summary": "x" * 5_001}, "summary", "Use at most 5,000 characters here (this has 5,001)."),
        ({"details": "x" * 50_001}, "details", "Use at most 50,000 characters here (this has 50,001)."),
        ({"figures": [{"label": "people", "value": 1, "year": 1850}]}, "year", YEARS),
        ({"links": [{"url": "https://a.example", "title": "t" * 301}]}, "title", "Use at most 300 characters here (this has 301)."),
    ],
)  # fmt: skip
def test_an_action_s_texts_are_refused_beyond_their_limits_naming_the_field(make, content, field, message):
    pledge = make.pledge_in_progress()
    staff = make.staff(organisation=pledge.lead_signatory)
    values = {"date": dt.date(2020, 1, 1), "summary": "Done.", "organisations": [staff.organisation], **content}
    with pytest.raises(InvalidField) as refused:
        record_action(pledge, staff, **values)
    assert (refused.value.field, str(refused.value)) == (field, message)


@pytest.mark.parametrize(
    "content, message",
    [
        ({"figures": [{"label": "", "value": 3}]}, "Each figure needs a label (or the indicator it counts towards) and a number."),
        ({"figures": [{"label": "people", "value": MAX_FIGURE + 1}]}, f"A figure must be a number from 0 to {MAX_FIGURE:,}."),
        ({"links": [{"url": "ftp://a.example/x"}]}, "Evidence links must be web addresses starting with https:// or http://, not 'ftp://a.example/x'."),
        ({"organisations": []}, "An action must be attributed to one or more of the pledge's signatories."),
        ({"date": dt.date(2999, 1, 1)}, "An action taken cannot be dated in the future: record it once it has happened."),
    ],
)  # fmt: skip
def test_an_action_is_refused_saying_why_word_for_word(make, content, message):
    pledge = make.pledge_in_progress()
    staff = make.staff(organisation=pledge.lead_signatory)
    values = {"date": dt.date(2020, 1, 1), "summary": "Done.", "organisations": [staff.organisation], **content}
    with pytest.raises(OperationRefused) as refused:
        record_action(pledge, staff, **values)
    assert str(refused.value) == message
    assert pledge.actions == []  # nothing half-written


def test_a_pledge_is_written_by_its_writer_and_only_for_their_organisation(make):
    staff = make.staff()
    pledge = create_pledge(staff, title="Regional Protection", lead=staff.organisation)
    assert pledge.created_by_id == staff.id
    with pytest.raises(access.PermissionDenied) as refused:
        create_pledge(staff, title="Elsewhere", lead=make.organisation("Another Society"))
    assert str(refused.value) == "Your organisation must be a signatory of a pledge you write."


@pytest.mark.parametrize(
    "fields, field, message",
    [({"period_start": 1850}, "period_start", YEARS), ({"period_end": 2150}, "period_end", YEARS)],
)
def test_a_pledge_s_period_is_refused_outside_the_years_naming_the_field(make, fields, field, message):
    staff = make.staff()
    with pytest.raises(InvalidField) as refused:
        create_pledge(staff, title="Regional Protection", lead=staff.organisation, **fields)
    assert (refused.value.field, str(refused.value)) == (field, message)


def test_a_field_a_pledge_has_not_is_a_programming_error_named_as_such(make):
    staff = make.staff()
    with pytest.raises(TypeError) as refused:
        create_pledge(staff, title="Regional Protection", lead=staff.organisation, colour="red")
    assert str(refused.value) == "unknown pledge fields: colour"


def test_naming_signatories_of_a_pledge_whose_source_names_no_lead_asks_for_one(make):
    """An imported pledge whose source names no lead: its signatories' staff, naming the
    signatories again, must say which leads."""
    staff = make.staff()
    pledge = make.pledge(author=staff, source_url="https://example.org/p")
    row = pledge.signatory_rows[0]
    row.is_lead = False
    db.session.flush()
    with pytest.raises(OperationRefused) as refused:
        edit_pledge(pledge, staff, co_signatories=[staff.organisation])
    assert str(refused.value) == "A pledge needs a lead signatory."
    assert isinstance(row, PledgeSignatory) and row.is_lead is False


def test_a_reason_and_a_comment_are_cleaned_and_refused_beyond_their_limit_naming_the_comment(make):
    pledge = make.pledge_in_progress()
    staff = make.staff(organisation=pledge.lead_signatory)
    make.action(pledge, author=staff)
    take_transition(pledge, "complete", staff)
    with pytest.raises(TransitionRefused) as blank:  # invisible characters only: no reason at all
        take_transition(pledge, "reopen", staff, reason="\u200b\u200b")
    assert str(blank.value) == "Give a reason for reopening this pledge."
    with pytest.raises(InvalidField) as long_reason:
        take_transition(pledge, "reopen", staff, reason="r" * 5_001)
    assert (long_reason.value.field, str(long_reason.value)) == (
        "comment",
        "Use at most 5,000 characters here (this has 5,001).",
    )
    with pytest.raises(InvalidField) as long_comment:
        take_transition(pledge, "reopen", staff, reason="Reopened.", comment="c" * 5_001)
    assert long_comment.value.field == "comment"
    take_transition(pledge, "reopen", staff, reason="Reopened: the report was premature.")
    assert pledge.status == "in_progress"


def test_asking_before_the_rules_are_filed_says_how_to_file_them(app):
    from tracker.pledges.models import Pledge

    saved = access._answers.refusal, access._answers.visible
    access._answers.refusal = access._answers.visible = None
    try:
        for ask in (lambda: access.can(None, "view"), lambda: access.visible(None, Pledge)):
            with pytest.raises(access.NoRulesFiled) as refused:
                ask()
            assert str(refused.value) == "No permission rules are filed: build the app with tracker.create_app."
    finally:
        access._answers.refusal, access._answers.visible = saved
