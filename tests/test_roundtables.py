"""Roundtables and recommendations as their users rely on them: co-chairs record a
roundtable and its outcomes, agree recommendations with owners and due dates, and review
what owners report; owners post updates and complete; the public reads only what is
agreed. (CSRF is off here; the browser tests run with it on.)"""

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.accounts.models import OrganisationKind
from tracker.core.access import PermissionDenied
from tracker.core.changes import InvalidField, OperationRefused, TransitionRefused
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.roundtables.models import Outcome, ProgressUpdate, Recommendation, Roundtable
from tracker.roundtables.operations import (
    add_outcome,
    add_outcome_group,
    create_recommendation,
    create_roundtable,
    edit_outcome,
    edit_outcome_group,
    edit_recommendation,
    edit_roundtable,
    move_outcome,
    move_outcome_group,
    post_progress_update,
)
from tracker.roundtables.operations import rate_outcome as rate_recommendation_outcome
from tracker.taxonomy.models import Forum, ForumKind

TODAY = dt.date(2026, 11, 22)


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture(autouse=True)
def today(app):
    app.config["TODAY"] = TODAY
    return TODAY


@pytest.fixture
def world(make):
    """A public roundtable co-chaired by Australia and Indonesia, with one outcome heading,
    an owner organisation (ARC) and one person of each kind."""
    australia = make.organisation("Government of Australia", kind=OrganisationKind.GOVERNMENT)
    indonesia = make.organisation("Government of Indonesia", kind=OrganisationKind.GOVERNMENT)
    roundtable = make.roundtable(co_chairs=[australia, indonesia], title="Bali Process roundtable", slug="bali")
    arc = make.organisation("Australian Red Cross")
    group = add_outcome_group(roundtable, make.admin(), heading="On the challenges of effective collaboration:")
    outcome = add_outcome(group, make.admin(), text="formalising national coordination mechanisms; and")

    class World:
        pass

    w = World()
    w.roundtable, w.group, w.outcome, w.arc = roundtable, group, outcome, arc
    w.cochair_au = make.co_chair(organisation=australia, email="cochair.au@example.org")
    w.cochair_id = make.co_chair(organisation=indonesia, email="cochair.id@example.org")
    w.owner_staff = make.staff(organisation=arc, email="staff.arc@example.org")
    w.other_staff = make.staff(email="staff.other@example.org")
    w.other_cochair = make.co_chair(email="cochair.other@example.org")
    return w


def agreed_recommendation(
    w, text="Formalise national coordination mechanisms", due=TODAY + dt.timedelta(days=60), **fields
):
    recommendation = create_recommendation(
        w.roundtable, w.cochair_au, text=text, owners=[w.arc], due_date=due, outcome=w.outcome, **fields
    )
    take_transition(recommendation, "agree", w.cochair_au, today=TODAY - dt.timedelta(days=10))
    return recommendation


def done_recommendation(w, **fields):
    recommendation = agreed_recommendation(w, **fields)
    take_transition(recommendation, "complete", w.owner_staff, what_was_done="Formalised the mechanism.")
    return recommendation


# --- roundtables ---------------------------------------------------------------------------------


def roundtable_form(*co_chairs, **overrides):
    data = {
        "title": "Regional roundtable on safe migration",
        "forum": "",
        "start_date": "2018-05-14",
        "end_date": "15 May 2018",
        "place": "Bali",
        "co_chairs": [str(org.id) for org in co_chairs],
        "summary": "Two days of frank discussion.",
        "is_public": "y",
    }
    data.update(overrides)
    return data


def test_a_co_chair_records_a_roundtable_that_their_government_co_chairs(client, auth, world):
    auth.login(world.cochair_au.email)
    australia = world.cochair_au.organisation
    response = client.post("/roundtables/new", data=roundtable_form(australia))
    roundtable = db.session.scalar(sa.select(Roundtable).where(Roundtable.title.like("Regional roundtable%")))
    assert response.status_code == 302 and response.headers["Location"] == f"/roundtables/{roundtable.slug}/outcomes"
    assert roundtable.co_chairs == [australia] and roundtable.is_public
    assert (roundtable.start_date, roundtable.end_date) == (dt.date(2018, 5, 14), dt.date(2018, 5, 15))
    [created] = db.session.scalars(
        sa.select(HistoryEntry).where(HistoryEntry.record_type == "roundtable", HistoryEntry.record_id == roundtable.id)
    ).all()
    assert (created.event, created.actor_id) == ("created", world.cochair_au.id)


def test_a_co_chair_records_a_review_whose_reviewers_are_other_organisations(client, auth, world, make):
    """A UPR cycle's reviewers (a troika of States) are not the recorder's government: the
    review is theirs to follow through, and the recorder is told so."""
    auth.login(world.cochair_au.email)
    troika = [make.organisation("Senegal"), make.organisation("Norway")]
    data = roundtable_form(*troika, title="Universal Periodic Review of Fiji", kind="review")
    response = client.post("/roundtables/new", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/roundtables"
    review = db.session.scalar(sa.select(Roundtable).where(Roundtable.title == "Universal Periodic Review of Fiji"))
    assert (review.kind, sorted(org.name for org in review.co_chairs)) == ("review", ["Norway", "Senegal"])
    assert "Review saved; its co-chairs&#39; staff add its outcomes." in text_of(client.get("/roundtables"))
    page = client.get(f"/roundtables/{review.slug}").get_data(as_text=True)
    assert '<span class="meeting-kind">Review</span>' in page and "About this review" in page
    refused = client.post("/roundtables/new", data=roundtable_form(*troika, kind="summit"))
    assert refused.status_code == 422 and "Not a valid choice" in text_of(refused)


def test_a_roundtable_lists_each_participant_once(client, auth, world, make):
    auth.login(world.cochair_au.email)
    australia, unhcr = world.cochair_au.organisation, make.organisation("UNHCR")
    participants = [str(world.arc.id), str(unhcr.id), str(world.arc.id)]
    assert (
        client.post("/roundtables/new", data=roundtable_form(australia, participants=participants)).status_code == 302
    )
    roundtable = db.session.scalar(sa.select(Roundtable).where(Roundtable.title.like("Regional roundtable%")))
    assert roundtable.participants == [world.arc, unhcr]
    page = text_of(client.get(f"/roundtables/{roundtable.slug}"))
    assert "Australian Red Cross" in page and "UNHCR" in page


def test_a_refused_roundtable_keeps_what_was_typed_and_says_what_to_fix(client, auth, world):
    auth.login(world.cochair_au.email)
    other = world.other_cochair.organisation
    response = client.post(
        "/roundtables/new",
        data=roundtable_form(other, start_date="14/05/2018", end_date="2018-05-01", title="Kept title"),
    )
    page = text_of(response)
    assert response.status_code == 422
    assert "Enter the first day as a day, e.g. 31 December 2026." in page
    assert 'value="Kept title"' in page and 'value="14/05/2018"' in page
    response = client.post("/roundtables/new", data=roundtable_form(other, co_chairs=[]))
    assert response.status_code == 422
    assert "Choose at least one co-chair." in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Roundtable)) == 1


def _in_order(items):
    return sorted(items, key=lambda item: item.position)


def _roundtable_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Roundtable))


def test_every_way_in_records_a_roundtable_only_with_its_days_in_order_and_some_co_chairs(world, make):
    australia, other = world.cochair_au.organisation, world.other_cochair.organisation
    record = {"title": "Ministerial roundtable", "start_date": dt.date(2018, 5, 14)}
    refusals = [
        ({"end_date": dt.date(2018, 5, 13), "co_chairs": [australia]}, "The last day cannot be before the first day."),
        ({"co_chairs": []}, "Name at least one co-chair organisation."),
        ({"co_chairs": [australia], "title": "\u200b"}, None),
        ({"co_chairs": [australia], "kind": "summit"}, "“summit” is not a kind of meeting: use roundtable, review,"),
    ]
    for overrides, reason in refusals:
        with pytest.raises(OperationRefused) as refused:
            create_roundtable(world.cochair_au, **(record | overrides))
        assert reason is None or str(refused.value).startswith(reason)
    with pytest.raises(TypeError, match="unknown roundtable fields: colour, mood"):
        create_roundtable(world.cochair_au, co_chairs=[australia], colour="red", mood="calm", **record)
    assert _roundtable_count() == 1

    one_day = create_roundtable(world.cochair_au, co_chairs=[australia], end_date=dt.date(2018, 5, 14), **record)
    for_others = create_roundtable(make.admin(), co_chairs=[other], **record)
    assert (one_day.end_date, for_others.co_chairs) == (dt.date(2018, 5, 14), [other])
    # A co-chair records a review whose reviewers are other organisations (a UPR troika).
    review = create_roundtable(world.cochair_au, co_chairs=[other], kind="Review", **record)
    assert (review.co_chairs, review.kind, review.kind_label) == ([other], "review", "Review")


def test_editing_a_roundtable_keeps_its_days_in_order_and_its_recorder_among_the_co_chairs(world):
    roundtable = world.roundtable  # 14 May 2018, as made
    for changes, reason in [
        ({"end_date": roundtable.start_date - dt.timedelta(days=1)}, "The last day cannot be before the first day."),
        ({"start_date": dt.date(2030, 1, 1), "end_date": dt.date(2029, 12, 31)}, "The last day cannot be before"),
        ({"co_chairs": [world.other_cochair.organisation]}, "You cannot take your own organisation off the co-chairs"),
        ({"co_chairs": []}, "Name at least one co-chair organisation."),
    ]:
        with pytest.raises(OperationRefused, match=f"^{reason}"):
            edit_roundtable(roundtable, world.cochair_au, **changes)
    assert roundtable.co_chairs == [world.cochair_au.organisation, world.cochair_id.organisation]

    entry = edit_roundtable(
        roundtable, world.cochair_id, place="Denpasar", participants=[world.arc, world.arc], is_public=False
    )
    assert (roundtable.place, roundtable.participants, roundtable.is_public) == ("Denpasar", [world.arc], False)
    assert entry.actor_id == world.cochair_id.id
    assert set(entry.changes) == {"place", "participants", "is_public"}
    assert edit_roundtable(roundtable, world.cochair_id, place="Denpasar") is None


def test_moving_outcomes_and_headings_swaps_neighbours_and_records_it_but_not_past_either_end(world):
    first = world.outcome
    second = add_outcome(world.group, world.cochair_au, text="sharing information;")
    third = add_outcome(world.group, world.cochair_au, text="joint training.")
    assert move_outcome(first, world.cochair_au, "up") is None
    assert move_outcome(third, world.cochair_au, "down") is None
    assert move_outcome(second, world.cochair_au, "sideways") is None
    assert _history_of(world.roundtable, "outcome_moved") == []

    entry = move_outcome(second, world.cochair_id, "down")

    assert [(o.text, o.position) for o in _in_order(world.group.outcomes)] == [
        ("formalising national coordination mechanisms; and", 0), ("joint training.", 1), ("sharing information;", 2),
    ]  # fmt: skip
    assert (entry.actor_id, entry.changes) == (world.cochair_id.id, {"outcome": ["sharing information;", "moved down"]})
    move_outcome(second, world.cochair_au, "up")
    assert [o.text for o in _in_order(world.group.outcomes)][1:] == ["sharing information;", "joint training."]

    other = add_outcome_group(world.roundtable, world.cochair_au, heading="Referring to the root causes:")
    assert move_outcome_group(other, world.cochair_au, "down") is None
    assert move_outcome_group(world.group, world.cochair_au, "up") is None
    entry = move_outcome_group(other, world.cochair_au, "up")
    assert [(g.heading, g.position) for g in _in_order(world.roundtable.outcome_groups)] == [
        ("Referring to the root causes:", 0), ("On the challenges of effective collaboration:", 1),
    ]  # fmt: skip
    assert (entry.event, entry.changes) == ("heading_moved", {"heading": ["Referring to the root causes:", "moved up"]})
    with pytest.raises(PermissionDenied):
        move_outcome_group(other, world.other_cochair, "down")
    with pytest.raises(PermissionDenied):
        move_outcome(first, world.owner_staff, "down")


def test_staff_cannot_record_or_edit_a_roundtable(client, auth, world):
    auth.login(world.owner_staff.email)
    assert client.get("/roundtables/new").status_code == 403
    assert client.post("/roundtables/bali/edit", data=roundtable_form(world.arc)).status_code == 403
    assert client.get("/roundtables/bali/outcomes").status_code == 403


def test_a_co_chair_of_another_roundtable_cannot_edit_this_one(client, auth, world):
    auth.login(world.other_cochair.email)
    assert client.get("/roundtables/bali/edit").status_code == 403
    assert client.post("/roundtables/bali/headings", data={"new-heading-heading": "Mine now"}).status_code == 403


def test_editing_a_roundtable_is_recorded_in_its_history(client, auth, world):
    auth.login(world.cochair_id.email)
    roundtable = world.roundtable
    data = roundtable_form(*roundtable.co_chairs, title="Bali Process Government and Civil Society Roundtable")
    data["version"] = str(roundtable.version)
    assert client.post("/roundtables/bali/edit", data=data).status_code == 302
    history = text_of(client.get("/roundtables/bali/history"))
    assert "Bali Process Government and Civil Society Roundtable" in history and "Bali Process roundtable" in history


def test_an_edit_from_a_form_opened_before_someone_elses_save_is_refused_not_lost(client, auth, world):
    auth.login(world.cochair_id.email)
    data = roundtable_form(*world.roundtable.co_chairs, title="My title")
    data["version"] = str(world.roundtable.version)
    edit_roundtable(world.roundtable, world.cochair_au, place="Jakarta")
    response = client.post("/roundtables/bali/edit", data=data)
    assert response.status_code == 409
    assert 'value="My title"' in text_of(response)
    assert db.session.get(Roundtable, world.roundtable.id).place == "Jakarta"


# --- outcomes under headings: added, edited, reordered -----------------------------------------------


def test_co_chairs_add_headings_and_outcomes_and_reorder_them(client, auth, world):
    auth.login(world.cochair_au.email)
    assert (
        client.post(
            "/roundtables/bali/headings", data={"new-heading-heading": "Examples of good practices includes:"}
        ).status_code
        == 302
    )
    second = world.roundtable.outcome_groups[1]
    for text in ("Strong networks", "Innovative approaches to address shared challenges"):
        response = client.post(
            f"/roundtables/bali/headings/{second.id}/outcomes", data={f"group-{second.id}-text": text}
        )
        assert response.status_code == 302
    innovative = second.outcomes[1]
    assert client.post(f"/roundtables/bali/outcomes/{innovative.id}/move", data={"direction": "up"}).status_code == 302
    assert client.post(f"/roundtables/bali/headings/{second.id}/move", data={"direction": "up"}).status_code == 302
    db.session.expire_all()
    roundtable = db.session.get(Roundtable, world.roundtable.id)
    assert [g.heading for g in roundtable.outcome_groups] == [
        "Examples of good practices includes:", "On the challenges of effective collaboration:",
    ]  # fmt: skip
    assert [o.text for o in roundtable.outcome_groups[0].outcomes] == [
        "Innovative approaches to address shared challenges", "Strong networks",
    ]  # fmt: skip
    page = text_of(client.get("/roundtables/bali"))
    assert page.index("Examples of good practices includes:") < page.index(
        "On the challenges of effective collaboration:"
    )
    assert page.index("Innovative approaches") < page.index("Strong networks")


def test_an_outcome_is_edited_and_moved_under_another_heading(client, auth, world):
    auth.login(world.cochair_au.email)
    other = add_outcome_group(world.roundtable, world.cochair_au, heading="Referring to the root causes:")
    response = client.post(
        f"/roundtables/bali/outcomes/{world.outcome.id}/edit",
        data={"text": "formalising mechanisms", "group": str(other.id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    outcome = db.session.get(type(world.outcome), world.outcome.id)
    assert (outcome.text, outcome.group_id) == ("formalising mechanisms", other.id)
    assert "Outcome edited" in text_of(client.get("/roundtables/bali/history"))


def test_moving_the_first_heading_up_changes_nothing_and_an_empty_outcome_is_refused(client, auth, world):
    auth.login(world.cochair_au.email)
    assert client.post(f"/roundtables/bali/headings/{world.group.id}/move", data={"direction": "up"}).status_code == 302
    response = client.post(
        f"/roundtables/bali/headings/{world.group.id}/outcomes", data={f"group-{world.group.id}-text": "  "}
    )
    assert response.status_code == 422 and "Write the outcome." in text_of(response)
    assert (
        client.post(f"/roundtables/bali/headings/{world.group.id}/move", data={"direction": "sideways"}).status_code
        == 400
    )


def test_a_heading_of_another_roundtable_is_not_found_here(client, auth, world, make):
    other = make.roundtable(co_chairs=world.roundtable.co_chairs)
    foreign = add_outcome_group(other, world.cochair_au, heading="Elsewhere")
    auth.login(world.cochair_au.email)
    assert client.get(f"/roundtables/bali/headings/{foreign.id}/edit").status_code == 404
    assert client.post(f"/roundtables/bali/headings/{foreign.id}/move", data={"direction": "down"}).status_code == 404


def _history_of(roundtable, event):
    return db.session.scalars(
        sa.select(HistoryEntry)
        .where(HistoryEntry.record_type == "roundtable", HistoryEntry.record_id == roundtable.id)
        .where(HistoryEntry.event == event)
    ).all()


def test_a_renamed_heading_is_recorded_with_its_old_and_new_words_and_an_unchanged_one_is_not(world):
    assert (
        edit_outcome_group(world.group, world.cochair_au, heading="  On the challenges of effective collaboration:")
        is None
    )
    assert _history_of(world.roundtable, "heading_edited") == []

    entry = edit_outcome_group(world.group, world.cochair_id, heading=" On collaboration: ")

    assert world.group.heading == "On collaboration:"
    assert (entry.event, entry.actor_id, entry.changes) == (
        "heading_edited", world.cochair_id.id, {"heading": ["On the challenges of effective collaboration:", "On collaboration:"]},
    )  # fmt: skip
    assert _history_of(world.roundtable, "heading_edited") == [entry]


def test_only_the_co_chairs_rename_a_heading_and_a_blank_heading_is_refused(world):
    for outsider in (world.other_cochair, world.owner_staff):
        with pytest.raises(PermissionDenied, match="co-chair of this roundtable"):
            edit_outcome_group(world.group, outsider, heading="Taken over")
    with pytest.raises(OperationRefused):
        edit_outcome_group(world.group, world.cochair_au, heading="\u200b ")
    assert world.group.heading == "On the challenges of effective collaboration:"


def test_an_outcome_moved_under_another_heading_goes_last_there_and_both_lists_close_up(world):
    first = world.outcome
    second = add_outcome(world.group, world.cochair_au, text="sharing information between agencies;")
    other = add_outcome_group(world.roundtable, world.cochair_au, heading="Referring to the root causes:")
    staying = add_outcome(other, world.cochair_au, text="poverty and conflict")

    entry = edit_outcome(first, world.cochair_au, text=first.text, group=other)

    assert [(o.text, o.position) for o in world.group.outcomes] == [("sharing information between agencies;", 0)]
    assert [(o.text, o.position) for o in other.outcomes] == [
        ("poverty and conflict", 0), ("formalising national coordination mechanisms; and", 1),
    ]  # fmt: skip
    assert second.position == 0 and staying.position == 0 and first.group is other
    assert entry.changes == {
        "heading": ["On the challenges of effective collaboration:", "Referring to the root causes:"]
    }


def test_an_outcome_edit_records_only_what_changed(world):
    assert (
        edit_outcome(world.outcome, world.cochair_au, text=" formalising national coordination mechanisms; and ")
        is None
    )
    assert edit_outcome(world.outcome, world.cochair_au, text=world.outcome.text, group=world.group) is None
    assert _history_of(world.roundtable, "outcome_edited") == []

    entry = edit_outcome(world.outcome, world.cochair_id, text="formalising national mechanisms")

    assert world.outcome.text == "formalising national mechanisms"
    assert (entry.event, entry.actor_id, entry.changes) == (
        "outcome_edited", world.cochair_id.id,
        {"outcome": ["formalising national coordination mechanisms; and", "formalising national mechanisms"]},
    )  # fmt: skip


def test_an_outcome_cannot_move_under_another_roundtables_heading(world, make):
    elsewhere = make.roundtable(co_chairs=world.roundtable.co_chairs)
    foreign = add_outcome_group(elsewhere, world.cochair_au, heading="Elsewhere")
    with pytest.raises(OperationRefused) as refused:
        edit_outcome(world.outcome, world.cochair_au, text="moved", group=foreign)
    assert str(refused.value) == "That heading belongs to another roundtable."
    assert (world.outcome.group, world.outcome.text) == (
        world.group,
        "formalising national coordination mechanisms; and",
    )
    with pytest.raises(PermissionDenied):
        edit_outcome(world.outcome, world.other_cochair, text="moved")


def test_a_roundtable_is_filed_under_a_forum_by_its_id_and_taken_out_of_it_again(world):
    process = Forum(name="Bali Process", kind=ForumKind.PROCESS)
    db.session.add(process)
    db.session.flush()
    entry = edit_roundtable(world.roundtable, world.cochair_au, forum_id=process.id)
    assert world.roundtable.forum == process
    assert (entry.actor_id, entry.changes) == (world.cochair_au.id, {"forum": [None, "Bali Process"]})
    entry = edit_roundtable(world.roundtable, world.cochair_id, forum_id=None)
    assert world.roundtable.forum is None
    assert entry.changes == {"forum": ["Bali Process", None]}


def test_a_heading_or_outcome_that_cannot_be_kept_is_refused_beside_its_field(world):
    one_line = "Write this on one line: line breaks and tabs are not kept here."
    with pytest.raises(InvalidField) as refused:
        edit_outcome_group(world.group, world.cochair_au, heading="On collaboration:\nand more")
    assert (refused.value.field, str(refused.value)) == ("heading", one_line)
    with pytest.raises(InvalidField) as refused:
        edit_outcome(world.outcome, world.cochair_au, text="x" * (Outcome.limits["text"].max_length + 1))
    assert refused.value.field == "text"
    assert str(refused.value).startswith("Use at most ")
    assert (world.group.heading, world.outcome.text) == (
        "On the challenges of effective collaboration:",
        "formalising national coordination mechanisms; and",
    )


def test_each_move_is_recorded_with_its_event_and_who_moved_it(world):
    second = add_outcome(world.group, world.cochair_au, text="sharing information;")
    other = add_outcome_group(world.roundtable, world.cochair_au, heading="Referring to the root causes:")
    moved_outcome = move_outcome(second, world.cochair_id, "up")
    moved_heading = move_outcome_group(other, world.cochair_id, "up")
    assert (moved_outcome.event, moved_outcome.actor_id) == ("outcome_moved", world.cochair_id.id)
    assert (moved_heading.event, moved_heading.actor_id) == ("heading_moved", world.cochair_id.id)
    assert _history_of(world.roundtable, "outcome_moved") == [moved_outcome]


# --- agreeing recommendations ----------------------------------------------------------------------


def test_every_way_in_edits_a_recommendation_only_within_its_roundtable_and_rules(world, make):
    recommendation = agreed_recommendation(world)
    elsewhere = add_outcome_group(make.roundtable(co_chairs=world.roundtable.co_chairs), world.cochair_au, heading="X")
    for changes, reason in [
        ({"group": elsewhere}, "That heading belongs to another roundtable."),
        ({"contact_email": "ana at example.org"}, "Enter the contact person's e-mail address, or leave it empty."),
        ({"owners": []}, "An agreed recommendation needs a lead owner (or its addressee, in words)."),
        ({"response": "rejected"}, "“rejected” is not a response: use supported, noted or other."),
        (
            {"language": "Klingonish"},
            "“Klingonish” is not a language tag: use a BCP 47 tag such as en, fr, es, ar or es-419.",
        ),
        (
            {"source_url": "www.ohchr.org"},
            "The source's address must start with https:// or http://, not “www.ohchr.org”.",
        ),
        ({"response_date": TODAY + dt.timedelta(days=1)}, "The response cannot be dated in the future."),
    ]:
        with pytest.raises(OperationRefused) as refused:
            edit_recommendation(recommendation, world.cochair_au, **changes)
        assert str(refused.value) == reason
    with pytest.raises(TypeError) as unknown:
        edit_recommendation(recommendation, world.cochair_au, status="verified", colour="red")
    assert str(unknown.value) == "unknown recommendation fields: colour, status"
    assert (recommendation.group, recommendation.owner_organisations) == (world.group, [world.arc])

    unhcr = make.organisation("UNHCR")
    entry = edit_recommendation(
        recommendation, world.cochair_id, owners=[unhcr, world.arc], contact_email="a@unhcr.org"
    )
    assert entry.actor_id == world.cochair_id.id
    assert entry.changes["owner_names"] == [
        ["Australian Red Cross (lead)"], ["UNHCR (lead)", "Australian Red Cross"],
    ]  # fmt: skip
    entry = edit_recommendation(recommendation, world.cochair_id, text="Formalise the mechanisms")
    assert set(entry.changes) == {"text"}


def recommendation_form(w, **overrides):
    data = {
        "text": "Formalise national coordination mechanisms",
        "group": str(w.group.id),
        "outcome": str(w.outcome.id),
        "lead_owner": str(w.arc.id),
        "due_date": "2027-05-31",
        "contact_name": "",
        "contact_email": "",
    }
    data.update(overrides)
    return data


def test_a_recommendation_is_drafted_from_an_outcome_with_its_words_and_heading(client, auth, world):
    auth.login(world.cochair_id.email)
    page = text_of(client.get(f"/roundtables/bali/recommendations/new?outcome={world.outcome.id}"))
    assert "Formalising national coordination mechanisms</textarea>" in page  # capitalised, "; and" dropped
    assert f'<option selected value="{world.group.id}">' in page


def test_save_and_agree_makes_it_the_owners_work_at_once(client, auth, world):
    auth.login(world.cochair_id.email)
    response = client.post("/roundtables/bali/recommendations/new", data=recommendation_form(world, agree="y"))
    recommendation = db.session.scalar(sa.select(Recommendation))
    assert response.status_code == 302 and response.headers["Location"] == f"/recommendations/{recommendation.id}"
    assert recommendation.status == "in_progress" and recommendation.agreed_on == TODAY
    assert recommendation.lead_owner == world.arc and recommendation.outcome == world.outcome
    assert recommendation.due_date == dt.date(2027, 5, 31)


def test_one_outcome_may_give_several_recommendations(client, auth, world):
    auth.login(world.cochair_id.email)
    for text in ("Draft standard operating procedures", "Hold regular coordination meetings"):
        client.post("/roundtables/bali/recommendations/new", data=recommendation_form(world, text=text, agree="y"))
    texts = db.session.scalars(
        sa.select(Recommendation.text).where(Recommendation.outcome_id == world.outcome.id)
    ).all()
    assert sorted(texts) == ["Draft standard operating procedures", "Hold regular coordination meetings"]


def test_agreeing_needs_an_owner_and_keeps_what_was_typed(client, auth, world):
    auth.login(world.cochair_id.email)
    response = client.post(
        "/roundtables/bali/recommendations/new",
        data=recommendation_form(world, lead_owner="", due_date="", text="Kept words", agree="y"),
    )
    assert response.status_code == 422
    page = text_of(response)
    assert (
        "Before this recommendation can be agreed it needs a lead owner (or its addressee, as its source states it)."
        in page
    )
    assert "Kept words</textarea>" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)) == 0  # nothing half-written


def test_a_draft_can_be_saved_without_owner_or_due_date_and_agreed_later(client, auth, world):
    auth.login(world.cochair_id.email)
    client.post("/roundtables/bali/recommendations/new", data=recommendation_form(world, lead_owner="", due_date=""))
    recommendation = db.session.scalar(sa.select(Recommendation))
    assert recommendation.status == "draft"
    response = client.post(f"/recommendations/{recommendation.id}/transitions/agree", data={})
    assert response.status_code == 422 and "needs a lead owner (or its addressee" in text_of(response)
    data = recommendation_form(world, version=str(recommendation.version), agree="y")
    assert client.post(f"/recommendations/{recommendation.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Recommendation, recommendation.id).status == "in_progress"


def test_owners_are_a_lead_and_others_each_once(client, auth, world, make):
    dfat = make.organisation("DFAT")
    auth.login(world.cochair_id.email)
    data = recommendation_form(world, other_owners=[str(dfat.id), str(world.arc.id)], agree="y")
    client.post("/roundtables/bali/recommendations/new", data=data)
    recommendation = db.session.scalar(sa.select(Recommendation))
    assert [(o.organisation.name, o.is_lead) for o in recommendation.owners] == [
        ("Australian Red Cross", True), ("DFAT", False),
    ]  # fmt: skip


def test_other_owners_without_a_lead_are_refused(client, auth, world):
    auth.login(world.cochair_id.email)
    response = client.post(
        "/roundtables/bali/recommendations/new",
        data=recommendation_form(world, lead_owner="", other_owners=[str(world.arc.id)]),
    )
    assert response.status_code == 422 and "Choose the lead owner first" in text_of(response)


def test_only_co_chairs_of_this_roundtable_agree_recommendations(client, auth, world):
    for email in (world.owner_staff.email, world.other_cochair.email):
        auth.login(email)
        assert (
            client.post("/roundtables/bali/recommendations/new", data=recommendation_form(world, agree="y")).status_code
            == 403
        )
        auth.logout()
    draft = create_recommendation(world.roundtable, world.cochair_au, text="x", owners=[world.arc], due_date=TODAY)
    auth.login(world.other_cochair.email)
    assert client.post(f"/recommendations/{draft.id}/transitions/agree").status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Recommendation, draft.id).status == "draft"


def test_editing_a_recommendation_records_old_and_new_in_its_history(client, auth, world):
    recommendation = agreed_recommendation(world)
    auth.login(world.cochair_id.email)
    data = recommendation_form(world, due_date="2027-12-31", version=str(recommendation.version))
    assert client.post(f"/recommendations/{recommendation.id}/edit", data=data).status_code == 302
    history = text_of(client.get(f"/recommendations/{recommendation.id}/history"))
    assert "Due date" in history and "2027-12-31" in history
    data["due_date"] = ""  # a due date is optional, also once agreed
    data["version"] = str(db.session.get(Recommendation, recommendation.id).version)
    assert client.post(f"/recommendations/{recommendation.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Recommendation, recommendation.id).due_date is None
    history = text_of(client.get(f"/recommendations/{recommendation.id}/history"))
    assert "2027-12-31" in history


# --- owners' work -----------------------------------------------------------------------------------


def test_owners_post_dated_progress_updates(client, auth, world):
    recommendation = agreed_recommendation(world)
    auth.login(world.owner_staff.email)
    response = client.post(
        f"/recommendations/{recommendation.id}/updates",
        data={"update-date": "2026-11-01", "update-text": "Met the national coordination body."},
    )
    assert response.status_code == 302
    update = db.session.scalar(sa.select(ProgressUpdate))
    assert (update.date, update.organisation, update.author) == (dt.date(2026, 11, 1), world.arc, world.owner_staff)
    assert "Met the national coordination body." in text_of(client.get(f"/recommendations/{recommendation.id}"))


def test_a_non_owner_cannot_post_updates_or_complete(client, auth, world):
    recommendation = agreed_recommendation(world)
    for person in (world.other_staff, world.cochair_au):
        auth.login(person.email)
        response = client.post(
            f"/recommendations/{recommendation.id}/updates",
            data={"update-date": "2026-11-01", "update-text": "Not mine"},
        )
        assert response.status_code == 403
        response = client.post(
            f"/recommendations/{recommendation.id}/transitions/complete", data={"complete-words": "x"}
        )
        assert response.status_code == 403
        auth.logout()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate)) == 0
    assert db.session.get(Recommendation, recommendation.id).status == "in_progress"


def test_an_update_dated_in_the_future_or_empty_is_refused_and_kept(client, auth, world):
    recommendation = agreed_recommendation(world)
    auth.login(world.owner_staff.email)
    response = client.post(
        f"/recommendations/{recommendation.id}/updates", data={"update-date": "2026-12-25", "update-text": "Kept note"}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "A progress update cannot be dated in the future." in page and "Kept note</textarea>" in page
    response = client.post(
        f"/recommendations/{recommendation.id}/updates", data={"update-date": "May 2026", "update-text": ""}
    )
    page = text_of(response)
    assert "not only a month or a year" in page and "Write what has happened since the last update." in page


def test_an_update_without_a_date_is_refused_by_the_operation_whatever_calls_it(world):
    """The form requires a date; the API, an import or a script calling the operation are held
    to the same rule, with the same kind of refusal, and nothing is written."""
    recommendation = agreed_recommendation(world)
    with pytest.raises(OperationRefused, match=r"Give the date of the update\."):
        post_progress_update(recommendation, world.owner_staff, text="Decree drafted.", date=None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate)) == 0


def test_completing_needs_words_saying_what_was_done(client, auth, world):
    recommendation = agreed_recommendation(world)
    auth.login(world.owner_staff.email)
    response = client.post(f"/recommendations/{recommendation.id}/transitions/complete", data={"complete-words": " "})
    assert response.status_code == 422
    assert "Say in “What was done” what was done before marking" in text_of(response)
    response = client.post(
        f"/recommendations/{recommendation.id}/transitions/complete",
        data={"complete-words": "Formalised the mechanism."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    recommendation = db.session.get(Recommendation, recommendation.id)
    assert recommendation.status == "done"
    assert (
        recommendation.latest_update.text == "Formalised the mechanism." and recommendation.latest_update.date == TODAY
    )


def test_my_recommendations_list_what_needs_attention(client, auth, world):
    overdue = agreed_recommendation(world, text="Overdue one", due=TODAY - dt.timedelta(days=3))
    soon = agreed_recommendation(world, text="Due soon one", due=TODAY + dt.timedelta(days=30))
    later = agreed_recommendation(world, text="Due later one", due=TODAY + dt.timedelta(days=31))
    sent = done_recommendation(world, text="Sent back one")
    take_transition(sent, "send_back", world.cochair_au, reason="Say which mechanism was formalised.")
    create_recommendation(world.roundtable, world.cochair_au, text="Draft one", owners=[world.arc], due_date=TODAY)
    auth.login(world.owner_staff.email)
    page = text_of(client.get("/recommendations/mine"))

    def section(title):
        start = page.index(title)
        return page[start : page.index("</section>", start)]

    assert "Overdue one" in section("Overdue") and "Due soon one" not in section("Overdue")
    assert "Due soon one" in section("Due within 30 days") and "Due later one" not in section("Due within 30 days")
    assert "Sent back one" in section("Sent back by the co-chairs")
    assert "Say which mechanism was formalised." in section("Sent back by the co-chairs")
    assert "Draft one" not in page  # not yet agreed: not the owners' work
    assert all(r.text in page for r in (overdue, soon, later, sent))


def test_staff_of_another_organisation_do_not_see_our_recommendations(client, auth, world):
    agreed_recommendation(world, text="Ours alone")
    auth.login(world.other_staff.email)
    assert "Ours alone" not in text_of(client.get("/recommendations/mine"))


# --- co-chair review -------------------------------------------------------------------------------------


def test_the_review_queue_holds_done_recommendations_of_the_co_chairs_roundtables(client, auth, world, make):
    done = done_recommendation(world, text="Awaiting our verification")
    agreed_recommendation(world, text="Still in progress")
    other = make.roundtable(co_chairs=[world.other_cochair.organisation])
    foreign = create_recommendation(
        other, world.other_cochair, text="Theirs to verify", owners=[world.arc], due_date=TODAY
    )
    take_transition(foreign, "agree", world.other_cochair)
    take_transition(foreign, "complete", world.owner_staff, what_was_done="Done")
    auth.login(world.cochair_id.email)
    page = text_of(client.get("/roundtables/review"))
    assert "Awaiting our verification" in page and "Formalised the mechanism." in page
    assert "Still in progress" not in page and "Theirs to verify" not in page
    response = client.post(f"/recommendations/{done.id}/transitions/verify?from=review", data={"verify-words": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/roundtables/review"
    assert db.session.get(Recommendation, done.id).status == "verified"


def test_a_refused_send_back_stays_in_the_queue_by_its_item_with_what_was_typed(client, auth, world):
    """(Issue 20, item 5.) Sending back without a reason is refused where it was pressed."""
    done = done_recommendation(world, text="Awaiting our verification")
    other = done_recommendation(world, text="Another one awaiting")
    auth.login(world.cochair_id.email)
    refused = client.post(
        f"/recommendations/{done.id}/transitions/send_back?from=review",
        data={"send_back-words": "  ", "send_back-public": "y", "verify-words": "stray"},
    )
    page = text_of(refused)
    assert refused.status_code == 422 and '<h1 class="mb-1">Review queue</h1>' in page
    item = page[page.index(f'id="review-{done.id}"') : page.index(f'id="review-{other.id}"')]
    assert "Give a reason for sending this recommendation back" in item
    assert f'<input checked class="form-check-input" id="send_back-public-{done.id}"' in item
    # The other items' forms are empty: what was typed for one is not typed for all.
    rest = page[page.index(f'id="review-{other.id}"') :]
    assert "Give a reason" not in rest and "stray" not in rest and "checked" not in rest
    assert db.session.get(Recommendation, done.id).status == "done"


def test_co_chairs_verify_several_at_once_each_with_its_history_or_none(client, auth, world):
    first = done_recommendation(world, text="First awaiting")
    second = done_recommendation(world, text="Second awaiting")
    auth.login(world.cochair_id.email)
    nothing = client.post("/roundtables/review/verify", data={})
    assert nothing.headers["Location"] == "/roundtables/review"
    assert "Tick the recommendations to verify first." in text_of(client.get("/roundtables/review"))
    # One of them sent back meanwhile by the other co-chair: none is verified, and the queue says why.
    take_transition(second, "send_back", world.cochair_au, reason="Attach the circulation e-mail.")
    db.session.commit()
    refused = client.post("/roundtables/review/verify", data={"chosen": [str(first.id), str(second.id)]})
    assert refused.status_code == 422
    assert db.session.get(Recommendation, first.id).status == "done"
    take_transition(second, "complete", world.owner_staff, what_was_done="Circulated on 3 May.")
    db.session.commit()
    verified = client.post("/roundtables/review/verify", data={"chosen": [str(first.id), str(second.id)]})
    assert verified.headers["Location"] == "/roundtables/review"
    assert "Verified 2 recommendations." in text_of(client.get("/roundtables/review"))
    for recommendation in (first, second):
        assert db.session.get(Recommendation, recommendation.id).status == "verified"
        entries = db.session.scalars(
            sa.select(HistoryEntry).where(HistoryEntry.record_id == recommendation.id, HistoryEntry.event == "verify")
        ).all()
        assert len(entries) == 1 and entries[0].actor_id == world.cochair_id.id


def test_co_chairs_say_what_a_verified_recommendation_changed_and_the_public_reads_it(client, auth, world):
    """(Issue 19, item 2.) Once verified, its co-chairs rate what changed, with why; before,
    or for anyone else, no one can."""
    done = done_recommendation(world)
    with pytest.raises(PermissionDenied, match=r"rated once the co-chairs have verified"):
        rate_recommendation_outcome(done, world.cochair_au, rating="some", justification="x")
    take_transition(done, "verify", world.cochair_au)
    with pytest.raises(PermissionDenied, match=r"Only a co-chair of this roundtable"):
        rate_recommendation_outcome(done, world.owner_staff, rating="some", justification="x")
    db.session.commit()
    auth.login(world.cochair_id.email)
    assert "Say what changed" in text_of(client.get(f"/recommendations/{done.id}"))
    refused = client.post(f"/recommendations/{done.id}/outcome", data={"rating": "", "justification": "Kept"})
    assert refused.status_code == 422 and "Choose how much changed." in text_of(refused)
    assert "Kept</textarea>" in text_of(refused)
    saved = client.post(
        f"/recommendations/{done.id}/outcome",
        data={"rating": "substantial", "justification": "A national body meets monthly."},
    )
    assert saved.status_code == 302
    auth.logout()
    public = text_of(client.get("/roundtables/bali"))
    assert (
        '<span class="outcome-rating">Substantial change</span> — <span dir="auto">A national body meets monthly.</span>'
        in public
    )
    page = text_of(client.get(f"/recommendations/{done.id}"))
    assert '<strong class="outcome-rating">Substantial change</strong>' in page and "Say what changed" not in page
    api = client.get("/api/v1/roundtables/bali").get_json()
    rated = next(r for r in api["recommendations"] if r["id"] == done.id)
    assert rated["outcome"] == {
        "rating": "substantial", "label": "Substantial change", "justification": "A national body meets monthly.",
    }  # fmt: skip


def test_a_co_chair_of_another_roundtable_cannot_verify_or_send_back(client, auth, world):
    done = done_recommendation(world)
    auth.login(world.other_cochair.email)
    assert client.post(f"/recommendations/{done.id}/transitions/verify").status_code in (403, 404)
    assert client.post(
        f"/recommendations/{done.id}/transitions/send_back", data={"send_back-words": "No"}
    ).status_code in (403, 404)
    auth.logout()
    auth.login(world.owner_staff.email)  # the owner cannot verify their own work either
    assert client.post(f"/recommendations/{done.id}/transitions/verify").status_code == 403
    db.session.expire_all()
    assert db.session.get(Recommendation, done.id).status == "done"


def test_sending_back_needs_a_reason_which_the_owner_then_sees(client, auth, world):
    done = done_recommendation(world)
    auth.login(world.cochair_au.email)
    response = client.post(f"/recommendations/{done.id}/transitions/send_back", data={"send_back-words": ""})
    assert response.status_code == 422 and "Give a reason for sending this recommendation back" in text_of(response)
    reason = "Say which coordination mechanism was formalised, and how."
    assert (
        client.post(f"/recommendations/{done.id}/transitions/send_back", data={"send_back-words": reason}).status_code
        == 302
    )
    auth.logout()
    auth.login(world.owner_staff.email)
    page = text_of(client.get(f"/recommendations/{done.id}"))
    assert "Sent back by the co-chairs" in page and reason in page
    assert db.session.get(Recommendation, done.id).status == "in_progress"


def test_verify_and_send_back_are_refused_unless_it_is_done(client, auth, world):
    recommendation = agreed_recommendation(world)
    auth.login(world.cochair_au.email)
    response = client.post(f"/recommendations/{recommendation.id}/transitions/verify")
    assert response.status_code == 422
    assert "This recommendation is in progress, so it cannot be verified." in text_of(response)
    assert client.post(f"/recommendations/{recommendation.id}/transitions/no_such_event").status_code == 404


def test_the_history_timeline_shows_every_step_with_its_words(client, auth, world):
    done = done_recommendation(world)
    take_transition(done, "send_back", world.cochair_au, reason="Say how.")
    post_progress_update(done, world.owner_staff, text="Here is how.", date=TODAY)
    take_transition(done, "complete", world.owner_staff, what_was_done="Formalised by decree.")
    take_transition(done, "verify", world.cochair_id, comment="Thank you.")
    auth.login(world.owner_staff.email)
    page = text_of(client.get(f"/recommendations/{done.id}/history"))
    events = ["Created", "Agreed", "Marked done", "Sent back", "Progress update posted", "Verified"]
    assert all(f"<strong>{event}</strong>" in page for event in events)
    for words in ("Formalised the mechanism.", "Say how.", "Here is how.", "Formalised by decree.", "Thank you."):
        assert words in page
    entries = db.session.scalars(sa.select(HistoryEntry.event).where(HistoryEntry.timeline_type == "recommendation"))
    assert list(entries) == ["created", "agree", "complete", "send_back", "update_posted", "complete", "verify"]
    auth.logout()
    auth.login(world.other_staff.email)
    assert client.get(f"/recommendations/{done.id}/history").status_code in (403, 404)


# --- the public follow-through page -------------------------------------------------------------------------


def test_the_public_page_shows_agreed_recommendations_with_owner_state_and_updates(client, world):
    recommendation = agreed_recommendation(world, text="Formalise the mechanism by 2027")
    post_progress_update(recommendation, world.owner_staff, text="Draft decree circulated.", date=TODAY)
    page = text_of(client.get("/roundtables/bali"))
    for shown in ("On the challenges of effective collaboration:", "formalising national coordination mechanisms; and",
                  "Formalise the mechanism by 2027", "Australian Red Cross", "In progress", "Draft decree circulated."):  # fmt: skip
        assert shown in page


def test_public_pages_never_show_drafts_contact_details_or_private_review_words(client, auth, world):
    agreed = agreed_recommendation(world, contact_name="Amira Haddad", contact_email="amira.haddad@redcross.org.au")
    draft = create_recommendation(
        world.roundtable, world.cochair_au, text="A draft nobody outside may read", owners=[world.arc], due_date=TODAY
    )
    sent = done_recommendation(world, text="Sent back privately")
    take_transition(sent, "send_back", world.cochair_au, reason="A private reason for the owner")
    db.session.commit()
    secrets = [
        "A draft nobody outside may read",
        "amira.haddad@redcross.org.au",
        "Amira Haddad",
        "A private reason for the owner",
    ]
    for who in (None, world.other_staff, world.cochair_au):  # the public page is the same for everyone
        if who:
            auth.login(who.email)
        for url in ("/roundtables/bali", f"/recommendations/{sent.id}", "/roundtables"):
            page = text_of(client.get(url))
            if who is None or url != f"/recommendations/{sent.id}":
                assert not any(secret in page for secret in secrets), (who, url)
        if who:
            auth.logout()
    assert client.get(f"/recommendations/{draft.id}").status_code == 404
    page = text_of(client.get(f"/recommendations/{agreed.id}"))
    assert "amira" not in page.lower()


def test_review_words_appear_publicly_only_when_the_co_chair_says_so(client, auth, world):
    sent = done_recommendation(world, text="Sent back in the open")
    auth.login(world.cochair_au.email)
    data = {"send_back-words": "Please publish the decree first.", "send_back-public": "y"}
    assert client.post(f"/recommendations/{sent.id}/transitions/send_back", data=data).status_code == 302
    auth.logout()
    assert "Please publish the decree first." in text_of(client.get("/roundtables/bali"))


def test_a_private_roundtable_is_not_found_by_the_public_nor_listed(client, auth, world, make):
    hidden = make.roundtable(is_public=False, title="Closed-door roundtable", co_chairs=[world.cochair_au.organisation])
    assert client.get(f"/roundtables/{hidden.slug}").status_code == 404
    assert "Closed-door roundtable" not in text_of(client.get("/roundtables"))
    auth.login(world.cochair_au.email)
    assert client.get(f"/roundtables/{hidden.slug}").status_code == 200
    assert "Closed-door roundtable" in text_of(client.get("/roundtables"))


def test_the_dashboard_report_and_csv_are_for_the_co_chairs(client, auth, world):
    for who in (None, world.owner_staff, world.other_cochair):
        if who:
            auth.login(who.email)
        for url in ("/roundtables/bali/follow-through", "/roundtables/bali/report", "/roundtables/bali/report.csv"):
            assert client.get(url).status_code in (302, 403), (who, url)
        if who:
            auth.logout()
    for url in ("/roundtables/follow-through", "/roundtables/review"):
        auth.login(world.owner_staff.email)
        assert client.get(url).status_code == 403
        auth.logout()


# --- the report --------------------------------------------------------------------------------------------


def test_the_report_has_each_recommendation_with_owner_state_due_latest_update_and_review(client, auth, world):
    done = done_recommendation(world, text="Verified one")
    take_transition(done, "verify", world.cochair_id, comment="Well done.")
    agreed_recommendation(world, text="Open one", due=TODAY - dt.timedelta(days=1))
    auth.login(world.cochair_au.email)
    page = text_of(client.get("/roundtables/bali/report"))
    assert "Print" in page and "@media print" not in page  # the stylesheet does it
    for shown in (
        "Verified one",
        "Open one",
        "Australian Red Cross",
        "Done, verified",
        "overdue",
        "Formalised the mechanism.",
        "Well done.",
    ):
        assert shown in page


def test_the_csv_has_the_reports_rows_and_cannot_run_formulas(client, auth, world):
    agreed_recommendation(world, text='=HYPERLINK("http://evil.example")')
    done_recommendation(world, text="Ordinary one")
    auth.login(world.cochair_au.email)
    response = client.get("/roundtables/bali/report.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["recommendation"] for row in rows} == {'\'=HYPERLINK("http://evil.example")', "Ordinary one"}
    ordinary = next(row for row in rows if row["recommendation"] == "Ordinary one")
    assert ordinary["state"] == "Done, awaiting verification" and ordinary["lead owner"] == "Australian Red Cross"
    assert (
        ordinary["latest update"] == "Formalised the mechanism." and ordinary["latest update date"] == TODAY.isoformat()
    )
    filtered = client.get("/roundtables/bali/report.csv?state=done").get_data(as_text=True)
    assert "Ordinary one" in filtered and "HYPERLINK" not in filtered


def test_co_chairs_land_on_their_follow_through_after_logging_in(client, world):
    response = client.post("/auth/login", data={"email": world.cochair_id.email, "password": "demo-password"})
    assert response.headers["Location"] == "/roundtables/follow-through"


def test_a_recommendation_saved_by_someone_else_meanwhile_is_refused_then_deliberately_replaced(client, auth, world):
    recommendation = agreed_recommendation(world)
    auth.login(world.cochair_id.email)
    data = recommendation_form(world, text="My wording", version=str(recommendation.version))
    edit_recommendation(recommendation, world.cochair_au, due_date=TODAY + dt.timedelta(days=90))
    response = client.post(f"/recommendations/{recommendation.id}/edit", data=data)
    page = text_of(response)
    assert response.status_code == 409
    assert (
        "Someone else saved this recommendation after you opened the form" in page and "My wording</textarea>" in page
    )
    data["version"] = str(db.session.get(Recommendation, recommendation.id).version)  # what the 409 form now carries
    assert f'name="version" type="hidden" value="{data["version"]}"' in page
    assert client.post(f"/recommendations/{recommendation.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Recommendation, recommendation.id).text == "My wording"


def test_a_verification_keeps_its_words_private_unless_the_co_chair_says_otherwise(world):
    quiet = done_recommendation(world)
    take_transition(quiet, "verify", world.cochair_au)
    assert (quiet.verified_by_id, quiet.verified_comment, quiet.review_comment_public) == (
        world.cochair_au.id,
        None,
        False,
    )
    commented = done_recommendation(world, text="Share information between agencies")
    take_transition(commented, "verify", world.cochair_id, comment="  Checked against the decree.  ")
    assert (commented.verified_comment, commented.review_comment_public) == ("Checked against the decree.", False)


def test_sending_back_without_a_reason_says_what_the_owner_needs(world):
    done = done_recommendation(world)
    with pytest.raises(TransitionRefused) as refused:
        take_transition(done, "send_back", world.cochair_au, reason=" ")
    assert str(refused.value) == "Give a reason for sending this recommendation back, so its owner knows what to do."
    assert done.status == "done"


def test_co_chairs_and_owners_search_and_sort_their_recommendation_lists(client, auth, world):
    coordination = agreed_recommendation(world, text="Formaliser la coordination nationale", reference="4.2")
    agreed_recommendation(world, text="Share data on returns", due=TODAY + dt.timedelta(days=300))
    post_progress_update(coordination, world.owner_staff, text="Met in May.", date=TODAY - dt.timedelta(days=2))
    done_recommendation(world, text="Train border officials")
    db.session.commit()
    auth.login(world.cochair_au.email)
    found = text_of(client.get("/roundtables/bali/follow-through?q=COORDINATION"))
    assert "Formaliser la coordination nationale" in found and "Share data on returns" not in found
    assert "Formaliser" in text_of(client.get("/roundtables/bali/follow-through?q=4.2"))  # its number in the source
    quiet_first = text_of(client.get("/roundtables/bali/follow-through?sort=quiet"))
    assert quiet_first.index("Share data on returns") < quiet_first.index("Formaliser la coordination")
    queue = text_of(client.get("/roundtables/review?q=border"))
    assert "Train border officials" in queue
    assert "Nothing awaiting verification matches “returns”." in text_of(client.get("/roundtables/review?q=returns"))
    auth.logout()
    auth.login(world.owner_staff.email)
    owned = text_of(client.get("/recommendations/mine?q=donnees+returns"))
    assert "No agreed recommendations match." in owned
    owned = text_of(client.get("/recommendations/mine?q=returns"))
    assert "Share data on returns" in owned.split('id="all-heading"')[1]
