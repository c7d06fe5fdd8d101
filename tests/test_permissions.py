"""The permission table of DESIGN.md, asked of the one permission module."""

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from tests.factories import take_transition
from tracker import permissions
from tracker.core import access
from tracker.core.extensions import db
from tracker.pledges.models import Pledge
from tracker.roundtables.models import Recommendation, Roundtable

PLEDGE_CHANGES = ["edit", "record_action", "start", "complete", "reopen"]


@pytest.fixture
def world(make):
    """A joint draft pledge, a roundtable with a recommendation, and one person of each kind."""
    lead, co_signatory = make.organisation(name="Australian Red Cross"), make.organisation(name="DFAT")
    pledge = make.pledge(lead=lead, co_signatories=[co_signatory])
    roundtable = make.roundtable()
    owner_org = make.organisation(name="Philippine Red Cross")
    recommendation = make.recommendation(roundtable=roundtable, owners=[owner_org])
    people = {
        "public": AnonymousUserMixin(),
        "lead_staff": make.staff(organisation=lead),
        "co_signatory_staff": make.staff(organisation=co_signatory),
        "other_staff": make.staff(),
        "deactivated_lead_staff": make.staff(organisation=lead, active=False),
        "admin": make.admin(),
        "co_chair": make.co_chair(organisation=roundtable.co_chairs[0]),
        "other_co_chair": make.co_chair(),
        "owner_staff": make.staff(organisation=owner_org),
    }
    return pledge, roundtable, recommendation, people


@pytest.mark.parametrize("verb", PLEDGE_CHANGES)
def test_only_active_staff_of_a_signatory_change_a_pledge(world, verb):
    pledge, _, _, people = world
    allowed = {name for name, person in people.items() if access.can(person, verb, pledge)}
    assert allowed == {"lead_staff", "co_signatory_staff"}


def test_a_co_chair_whose_government_signs_a_pledge_may_change_it(make):
    government = make.organisation(name="Government of Australia")
    pledge = make.pledge(lead=government)
    assert access.can(make.co_chair(organisation=government), "edit", pledge)


def test_drafts_are_seen_by_signatories_and_admins_only(world):
    pledge, _, _, people = world
    allowed = {name for name, person in people.items() if access.can(person, "view", pledge)}
    assert allowed == {"lead_staff", "co_signatory_staff", "admin"}


def test_a_started_pledge_is_public(world):
    pledge, _, _, people = world
    take_transition(pledge, "start", people["lead_staff"])
    assert all(access.can(person, "view", pledge) for person in people.values())


def test_history_is_for_signatories_and_admins(world):
    pledge, _, _, people = world
    take_transition(pledge, "start", people["lead_staff"])
    allowed = {name for name, person in people.items() if access.can(person, "view_history", pledge)}
    assert allowed == {"lead_staff", "co_signatory_staff", "admin"}


@pytest.mark.parametrize("verb", ["agree", "verify", "send_back", "edit"])
def test_only_co_chairs_of_the_roundtable_review_its_recommendations(world, verb):
    _, _, recommendation, people = world
    allowed = {name for name, person in people.items() if access.can(person, verb, recommendation)}
    assert allowed == {"co_chair"}


@pytest.mark.parametrize("verb", ["complete", "post_update"])
def test_only_owner_staff_report_on_a_recommendation(world, verb):
    _, _, recommendation, people = world
    allowed = {name for name, person in people.items() if access.can(person, verb, recommendation)}
    assert allowed == {"owner_staff"}


def test_draft_recommendations_are_hidden_from_the_public(world):
    _, _, recommendation, people = world
    allowed = {name for name, person in people.items() if access.can(person, "view", recommendation)}
    assert allowed == {"co_chair", "owner_staff", "admin"}
    assert permissions.refusal(people["public"], "view", recommendation) == "This recommendation is not public."
    take_transition(recommendation, "agree", people["co_chair"])
    assert access.can(people["public"], "view", recommendation)


def test_a_private_roundtable_is_for_its_co_chairs_and_admins(make):
    roundtable = make.roundtable(is_public=False)
    assert not access.can(AnonymousUserMixin(), "view", roundtable)
    assert not access.can(make.co_chair(), "view", roundtable)
    assert access.can(make.co_chair(organisation=roundtable.co_chairs[0]), "view", roundtable)
    assert access.can(make.admin(), "view", roundtable)


def test_roundtables_are_edited_by_their_co_chairs_and_admins(world):
    _, roundtable, _, people = world
    allowed = {name for name, person in people.items() if access.can(person, "edit", roundtable)}
    assert allowed == {"co_chair", "admin"}


def test_administration_is_for_admins(world):
    *_, people = world
    assert {name for name, person in people.items() if access.can(person, "administer")} == {"admin"}


def test_refusal_reasons_tell_the_person_what_is_wrong(world):
    pledge, _, recommendation, people = world
    assert permissions.refusal(people["public"], "edit", pledge) == permissions.LOG_IN_TO_CHANGE
    assert permissions.refusal(people["other_staff"], "edit", pledge) == permissions.SIGNATORIES_ONLY
    assert "co-chair of this roundtable" in permissions.refusal(people["other_co_chair"], "verify", recommendation)


def test_the_list_filter_agrees_with_can_view_for_everyone(world, make):
    pledge, _, _, people = world
    published = make.pledge_in_progress(title="Published elsewhere")
    other_draft = make.pledge(title="Someone else's draft")
    pledges = [pledge, published, other_draft]
    for name, person in people.items():
        listed = set(db.session.scalars(sa.select(Pledge.id).where(access.visible(person, Pledge))))
        expected = {p.id for p in pledges if access.can(person, "view", p)}
        assert listed == expected, name


def test_an_unknown_verb_is_a_programming_error_not_a_silent_yes(world):
    pledge, *_ = world
    with pytest.raises(LookupError):
        access.can(AnonymousUserMixin(), "delete", pledge)


def test_roundtables_are_recorded_by_co_chairs_and_admins(world):
    *_, people = world
    allowed = {name for name, person in people.items() if access.can(person, "create_roundtable")}
    assert allowed == {"co_chair", "other_co_chair", "admin"}


@pytest.mark.parametrize("verb", ["follow_through", "view_history"])
def test_follow_through_of_a_roundtable_is_for_its_co_chairs_and_admins(world, verb):
    _, roundtable, _, people = world
    allowed = {name for name, person in people.items() if access.can(person, verb, roundtable)}
    assert allowed == {"co_chair", "admin"}


def test_the_roundtable_list_filter_agrees_with_can_view_for_everyone(world, make):

    _, public, _, people = world
    private = make.roundtable(is_public=False, co_chairs=public.co_chairs)
    someone_elses = make.roundtable(is_public=False)
    roundtables = [public, private, someone_elses]
    for name, person in people.items():
        listed = set(db.session.scalars(sa.select(Roundtable.id).where(access.visible(person, Roundtable))))
        assert listed == {r.id for r in roundtables if access.can(person, "view", r)}, name


def test_the_recommendation_list_filter_agrees_with_can_view_for_everyone(world, make):
    _, public, draft, people = world
    owner_org = draft.owners[0].organisation
    agreed = make.recommendation(roundtable=public)
    private = make.roundtable(is_public=False, co_chairs=public.co_chairs)
    someone_elses = make.roundtable(is_public=False)
    recommendations = [
        draft,
        agreed,
        make.recommendation(roundtable=private),
        make.recommendation(roundtable=someone_elses),
    ]
    recommendations += [make.recommendation(roundtable=someone_elses, owners=[owner_org])]
    for recommendation in recommendations[1:]:
        take_transition(recommendation, "agree", make.co_chair(organisation=recommendation.roundtable.co_chairs[0]))
    for name, person in people.items():
        listed = set(db.session.scalars(sa.select(Recommendation.id).where(access.visible(person, Recommendation))))
        assert listed == {r.id for r in recommendations if access.can(person, "view", r)}, name
    assert {r.id for r in recommendations if access.can(people["public"], "view", r)} == {agreed.id}


def test_people_without_an_organisation_are_told_why_they_have_no_invitations_or_owned_work(world):
    *_, people = world
    for name in ("public", "admin"):
        assert permissions.refusal(people[name], "own_invitations", None) == (
            "Log in as staff of a member organisation to see the pledges it is invited to sign."
        )
        assert permissions.refusal(people[name], "own_recommendations", None) == (
            "Log in as staff of a member organisation to see the recommendations it owns."
        )
    assert permissions.refusal(people["owner_staff"], "own_recommendations", None) is None


def test_the_refusals_of_roundtable_work_say_who_may_do_it(world):
    _, _, recommendation, people = world
    assert permissions.refusal(people["lead_staff"], "create_roundtable", None) == (
        "Only co-chairs and admins can record a roundtable."
    )
    assert permissions.refusal(people["other_staff"], "view_history", recommendation) == (
        "Only the co-chairs, the owners and admins can read this recommendation's history."
    )
    assert permissions.refusal(people["owner_staff"], "view_history", recommendation) is None


def test_asking_before_the_rules_are_filed_says_how_to_file_them(monkeypatch):
    """A script that uses the domain without building the app is told what to do."""
    from tracker.core import access

    monkeypatch.setattr(access._answers, "visible", None)
    with pytest.raises(access.NoRulesFiled) as unfiled:
        access.visible(None, object)
    assert str(unfiled.value) == "No permission rules are filed: build the app with tracker.create_app."


# --- each refusal, word for word ---------------------------------------------------------------
# A refused person reads the reason on the page (403) or beside the button: what each rule
# says, exactly, to someone it refuses.
REFUSALS = [
    ("public", "view", "pledge", "This pledge is a draft; only its signatories can see it."),
    ("other_staff", "view_history", "pledge", "Only the signatories' staff and admins can read this pledge's history."),
    ("public", "answer_invitation", "pledge", "Log in as staff of the invited organisation to answer its invitation."),
    ("lead_staff", "answer_invitation", "pledge",
     "Your organisation has no open invitation on this pledge: there is nothing to answer."),
    ("admin", "answer_invitation", "pledge",
     "Your organisation has no open invitation on this pledge: there is nothing to answer."),
    ("lead_staff", "record_signature", "pledge",
     "Only an admin can record a signature on an organisation's behalf; its own staff accept the invitation."),
    ("public", "own_invitations", None, "Log in as staff of a member organisation to see the pledges it is invited to sign."),
    ("admin", "own_invitations", None, "Log in as staff of a member organisation to see the pledges it is invited to sign."),
    ("other_staff", "view", "private_roundtable", "This roundtable is not public."),
    ("other_co_chair", "edit", "roundtable", "Only a co-chair of this roundtable (or an admin) can change it."),
    ("other_staff", "create_roundtable", None, "Only co-chairs and admins can record a roundtable."),
    ("public", "create_roundtable", None, "Only co-chairs and admins can record a roundtable."),
    ("other_co_chair", "add_recommendation", "roundtable",
     "Only a co-chair of this roundtable can add recommendations to it."),
    ("other_co_chair", "follow_through", "roundtable",
     "Only the co-chairs of this roundtable (and admins) can review its follow-through."),
    ("other_staff", "review_follow_through", None, "Only co-chairs (and admins) review follow-through."),
    ("public", "own_recommendations", None, "Log in as staff of a member organisation to see the recommendations it owns."),
    ("admin", "own_recommendations", None, "Log in as staff of a member organisation to see the recommendations it owns."),
    ("admin", "agree", "recommendation",
     "Only a co-chair of this roundtable can agree, verify or send back its recommendations."),
    ("co_chair", "complete", "recommendation",
     "Only staff of an organisation that owns this recommendation can report on it."),
    ("other_staff", "view", "recommendation", "This recommendation is not public."),
    ("other_staff", "view_history", "recommendation",
     "Only the co-chairs, the owners and admins can read this recommendation's history."),
    ("other_staff", "mark_read", "notification", "This notification is someone else's."),
    ("public", "read_notifications", None, "Log in to read your notifications."),
    ("lead_staff", "administer", None, "Only an admin can do this."),
]  # fmt: skip


@pytest.mark.parametrize(("person", "verb", "record", "message"), REFUSALS, ids=lambda v: str(v)[:40])
def test_each_refusal_says_why_word_for_word(world, make, person, verb, record, message):
    pledge, roundtable, recommendation, people = world
    from tracker.notifications.models import Notification

    notification = Notification(user_id=people["owner_staff"].id, kind="recommendation_agreed", context={})
    db.session.add(notification)
    db.session.flush()
    records = {
        None: None,
        "pledge": pledge,
        "roundtable": roundtable,
        "private_roundtable": make.roundtable(is_public=False),
        "recommendation": recommendation,  # a draft: not public
        "notification": notification,
    }
    assert access.refusal(people[person], verb, records[record]) == message


def test_asking_a_rule_no_one_filed_names_it():
    with pytest.raises(LookupError) as unknown:
        permissions.refusal(None, "paint", None)
    assert str(unknown.value) == "no permission rule for 'paint' on NoneType"
    with pytest.raises(LookupError) as invisible:
        permissions.visible(None, type("Notification", (), {}))
    assert str(invisible.value) == "no visibility rule for Notification"


def test_a_declined_invitation_shows_the_draft_neither_in_lists_nor_by_address(make):
    """The list rule (SQL) says what the page rule says: an organisation invited to sign a
    draft sees it; one that declined does not."""
    from tracker.pledges import signatures

    writer_org, invited_org, declining_org = (make.organisation(name=n) for n in ("ARC", "Fiji RCS", "Tonga RCS"))
    writer = make.staff(organisation=writer_org)
    draft = make.pledge(author=writer)
    signatures.name_signatories(draft, writer, writer_org, [invited_org, declining_org])
    declining, invited = make.staff(organisation=declining_org), make.staff(organisation=invited_org)
    signatures.decline_invitation(draft, declining, note="Not this year.")
    db.session.flush()
    for person, sees in ((invited, True), (declining, False)):
        listed = db.session.scalars(sa.select(Pledge.id).where(access.visible(person, Pledge))).all()
        assert (draft.id in listed, access.can(person, "view", draft)) == (sees, sees)
