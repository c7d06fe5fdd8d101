"""The permission table of DESIGN.md, asked of the one permission module."""

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from tests.factories import take_transition
from tracker import permissions
from tracker.core import access
from tracker.core.extensions import db
from tracker.pledges.models import Pledge
from tracker.roundtables.models import Roundtable

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
