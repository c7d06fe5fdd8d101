"""No one signs in another's name. The organisation of whoever writes a pledge signs it; every
other organisation named is invited, and is shown as a signatory — and leads — only once one
of its own staff accepts (or an admin records its signature on its behalf, and the history
says so). Invited and declined organisations appear nowhere public.

(The audit that found it: Philippine Red Cross staff published a pledge led by the Australian
Red Cross, which appeared in the ARC's workspace and on the register under its name.)"""

import csv
import io

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core.access import PermissionDenied
from tracker.core.changes import InvalidField, OperationRefused
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.pledges import signatures
from tracker.pledges.models import Pledge, PledgeSignatory

from .factories import PASSWORD


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def arc(make):
    return make.organisation("Australian Red Cross", short_name="ARC")


@pytest.fixture
def prc(make):
    return make.organisation("Philippine Red Cross", short_name="PRC")


@pytest.fixture
def prc_staff(make, prc):
    return make.staff(organisation=prc, name="Paolo Reyes")


@pytest.fixture
def arc_staff(make, arc):
    return make.staff(organisation=arc, name="Amira Haddad")


def login(client, person):
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


def pledge_form(lead, others=(), **overrides):
    data = {
        "title": "Safe migration in the Pacific",
        "text": "We will support **safe migration**.",
        "lead": str(lead.id),
    }
    data["co_signatories"] = [str(org.id) for org in others]
    data.update(overrides)
    return data


def write_as_prc_naming_arc_lead(client, prc_staff, arc, prc) -> Pledge:
    """What the audit did: PRC staff write a pledge led by ARC, and publish it."""
    login(client, prc_staff)
    assert client.post("/pledges/new", data=pledge_form(arc, [prc])).status_code == 302
    pledge = db.session.scalar(sa.select(Pledge))
    assert client.post(f"/pledges/{pledge.slug}/transitions/start", data={}).status_code == 302
    db.session.expire_all()
    return pledge


def history(pledge) -> list[HistoryEntry]:
    return list(
        db.session.scalars(
            sa.select(HistoryEntry)
            .where(HistoryEntry.timeline_type == "pledge", HistoryEntry.timeline_id == pledge.id)
            .order_by(HistoryEntry.id)
        )
    )


# --- writing names, it does not sign ----------------------------------------------------------------


def test_naming_another_organisation_as_lead_invites_it_and_the_writers_organisation_leads(client, arc, prc, prc_staff):
    pledge = write_as_prc_naming_arc_lead(client, prc_staff, arc, prc)
    assert pledge.status == "in_progress"
    assert pledge.signatory_organisations == [prc]
    assert pledge.lead_signatory == prc
    assert pledge.invited_organisations == [arc] and pledge.pending_lead == arc
    created = history(pledge)[0]
    assert created.event == "created"
    assert created.changes["invitation_names"] == [[], ["Australian Red Cross (to lead)"]]


def test_an_invited_organisation_is_shown_nowhere_public(client, arc, prc, prc_staff):
    pledge = write_as_prc_naming_arc_lead(client, prc_staff, arc, prc)
    client.post("/auth/logout")
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert "Philippine Red Cross" in page and "Australian Red Cross" not in page
    register = text_of(client.get("/pledges"))
    assert "Australian Red Cross" not in register  # neither on the row nor in the facets
    assert pledge.title not in text_of(client.get(f"/pledges?organisation={arc.id}"))
    rows = list(csv.DictReader(io.StringIO(text_of(client.get("/pledges.csv")))))
    assert [(row["lead_signatory"], row["other_signatories"]) for row in rows] == [("Philippine Red Cross", "")]
    api = client.get(f"/api/v1/pledges/{pledge.slug}").get_json()
    assert api["signatories"] == [{"name": "Philippine Red Cross", "slug": "philippine-red-cross", "lead": True}]
    for organisation in (arc.id, arc.slug):
        listed = client.get(f"/api/v1/pledges?organisation={organisation}").get_json()
        assert listed["items"] == []
    assert arc.slug not in text_of(client.get("/api/v1/organisations"))
    assert "Australian Red Cross" not in text_of(client.get(f"/pledges/{pledge.slug}/actions.atom"))


def test_the_invited_organisations_workspace_lists_it_as_an_invitation_not_as_its_pledge(
    client, arc, prc, prc_staff, arc_staff
):
    pledge = write_as_prc_naming_arc_lead(client, prc_staff, arc, prc)
    login(client, arc_staff)
    mine = text_of(client.get("/pledges/mine"))
    assert pledge.title not in mine
    invitations = text_of(client.get("/pledges/invitations"))
    assert pledge.title in invitations
    assert (
        "<bdi>Paolo Reyes</bdi> (<bdi>Philippine Red Cross</bdi>) invited your organisation to "
        "<strong>sign</strong> this pledge and to <strong>lead</strong> it on"
    ) in invitations
    assert 'Invitations to sign <span class="badge rounded-pill text-bg-warning">1<' in invitations


def test_an_invited_organisations_staff_cannot_change_the_pledge_before_accepting(
    client, arc, prc, prc_staff, arc_staff
):
    pledge = write_as_prc_naming_arc_lead(client, prc_staff, arc, prc)
    login(client, arc_staff)
    assert client.get(f"/pledges/{pledge.slug}/edit").status_code == 403
    assert client.get(f"/pledges/{pledge.slug}/actions/new").status_code == 403
    with pytest.raises(PermissionDenied, match="Only staff of a signatory organisation"):
        take_transition(pledge, "complete", arc_staff)


# --- answering --------------------------------------------------------------------------------------


def test_accepting_signs_and_takes_the_lead_and_the_history_says_who(client, arc, prc, prc_staff, arc_staff):
    pledge = write_as_prc_naming_arc_lead(client, prc_staff, arc, prc)
    login(client, arc_staff)
    response = client.post(f"/pledges/{pledge.slug}/invitation/accept", data={})
    assert response.status_code == 302 and response.headers["Location"] == f"/pledges/{pledge.slug}"
    db.session.expire_all()
    assert pledge.signatory_organisations == [arc, prc] and pledge.lead_signatory == arc
    assert pledge.invitations == []
    accepted = history(pledge)[-1]
    assert (accepted.event, accepted.actor_id) == ("invitation_accepted", arc_staff.id)
    assert accepted.changes["signatory_names"] == [
        ["Philippine Red Cross (lead)"],
        ["Australian Red Cross (lead)", "Philippine Red Cross"],
    ]
    client.post("/auth/logout")
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert page.index("Australian Red Cross") < page.index("Philippine Red Cross")
    assert "Invitations to sign" not in page


def test_declining_with_a_word_hides_the_organisation_for_good_and_tells_the_signatories(
    client, make, arc, prc, prc_staff, arc_staff
):
    login(client, prc_staff)
    client.post("/pledges/new", data=pledge_form(prc, [arc]))
    pledge = db.session.scalar(sa.select(Pledge))
    login(client, arc_staff)
    assert client.get(f"/pledges/{pledge.slug}").status_code == 200  # it reads what it is asked to sign
    note = "We support it, but cannot commit staff time in 2027."
    response = client.post(f"/pledges/{pledge.slug}/invitation/decline", data={f"p{pledge.id}-decline-note": note})
    assert response.status_code == 302
    db.session.expire_all()
    assert pledge.row_of(arc.id).status == "declined" and pledge.signatory_organisations == [prc]
    assert (history(pledge)[-1].event, history(pledge)[-1].comment) == ("invitation_declined", note)
    assert client.get(f"/pledges/{pledge.slug}").status_code == 404  # a draft it declined
    assert client.post(f"/pledges/{pledge.slug}/invitation/accept", data={}).status_code == 404
    login(client, prc_staff)
    assert note in text_of(client.get(f"/pledges/{pledge.slug}"))
    take_transition(pledge, "start", prc_staff)
    client.post("/auth/logout")
    assert "Australian Red Cross" not in text_of(client.get(f"/pledges/{pledge.slug}"))
    assert note not in text_of(client.get(f"/pledges/{pledge.slug}"))


def test_a_refused_decline_keeps_the_word_typed_and_says_what_to_fix(client, arc, prc, prc_staff, arc_staff):
    pledge = write_as_prc_naming_arc_lead(client, prc_staff, arc, prc)
    login(client, arc_staff)
    note = "Too long. " * 300
    response = client.post(f"/pledges/{pledge.slug}/invitation/decline", data={f"p{pledge.id}-decline-note": note})
    assert response.status_code == 422
    assert "Use at most 2,000 characters here (this has 3,000)." in text_of(response)
    assert note.strip() in text_of(response)
    db.session.expire_all()
    assert pledge.row_of(arc.id).status == "invited"


def test_a_decline_by_any_way_in_keeps_its_word_within_the_limit_and_names_who_declined(
    make, arc, prc_staff, arc_staff
):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc], invited=True)
    with pytest.raises(InvalidField) as refused:
        signatures.decline_invitation(pledge, arc_staff, "n" * 2_001)
    assert refused.value.field == "note" and "at most 2,000 characters" in str(refused.value)
    assert pledge.row_of(arc.id).status == "invited"
    entry = signatures.decline_invitation(pledge, arc_staff, "  Not this year.  ")
    assert (entry.event, entry.actor_id, entry.comment) == ("invitation_declined", arc_staff.id, "Not this year.")


def test_a_signatory_invited_to_lead_may_decline_the_lead_and_stays_a_signatory(make, arc, prc, prc_staff):
    pledge = make.pledge(author=prc_staff, lead=prc, co_signatories=[arc])  # both signed, PRC leads
    signatures.name_signatories(pledge, prc_staff, arc, [prc])  # PRC asks ARC to lead
    assert pledge.pending_lead == arc and pledge.lead_signatory == prc
    signatures.decline_invitation(pledge, make.staff(organisation=arc), "Not this year.")
    assert pledge.pending_lead is None and pledge.lead_signatory == prc
    assert pledge.signatory_organisations == [prc, arc]


def test_only_the_invited_organisations_staff_answer_its_invitation(make, arc, prc, prc_staff):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc], invited=True)
    outsider = make.staff(organisation=make.organisation("Tonga Red Cross Society"))
    for person in (prc_staff, outsider, make.admin()):
        with pytest.raises(PermissionDenied):
            signatures.accept_invitation(pledge, person)
    assert pledge.signatory_organisations == [prc]


# --- withdrawing, re-inviting, recording on an organisation's behalf --------------------------------


def test_the_signatories_withdraw_an_invitation_and_it_can_no_longer_be_answered(
    client, arc, prc, prc_staff, arc_staff
):
    pledge = write_as_prc_naming_arc_lead(client, prc_staff, arc, prc)
    response = client.post(f"/pledges/{pledge.slug}/invitations/withdraw", data={"organisation": str(arc.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert pledge.row_of(arc.id) is None
    assert history(pledge)[-1].event == "invitation_withdrawn"
    login(client, arc_staff)
    assert client.post(f"/pledges/{pledge.slug}/invitation/accept", data={}).status_code == 403
    with pytest.raises(PermissionDenied):
        signatures.withdraw_invitation(pledge, arc_staff, prc)


def test_an_answered_invitation_cannot_be_withdrawn_and_says_why(make, arc, prc, prc_staff, arc_staff):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc], invited=True)
    signatures.accept_invitation(pledge, arc_staff)
    with pytest.raises(OperationRefused) as refused:
        signatures.withdraw_invitation(pledge, prc_staff, arc)
    assert str(refused.value) == "Australian Red Cross has no open invitation to withdraw: it already answered."
    assert pledge.row_of(arc.id).status == "signed"
    with pytest.raises(OperationRefused, match="no open invitation"):
        signatures.withdraw_invitation(pledge, prc_staff, make.organisation("Tonga Red Cross Society"))


def test_withdrawing_an_invitation_to_lead_keeps_the_signatory_and_its_signature(make, arc, prc, prc_staff):
    pledge = make.pledge(author=prc_staff, lead=prc, co_signatories=[arc])  # both signed, PRC leads
    signatures.name_signatories(pledge, prc_staff, arc, [prc])  # PRC asks ARC to lead
    entry = signatures.withdraw_invitation(pledge, prc_staff, arc)
    assert (entry.event, entry.actor_id) == ("invitation_withdrawn", prc_staff.id)
    assert pledge.pending_lead is None and pledge.lead_signatory == prc
    assert pledge.signatory_organisations == [prc, arc]


def test_signatories_with_actions_stay_and_the_refusal_names_each_of_them(make, arc, prc, prc_staff, arc_staff):
    trc, frc = make.organisation("Tonga Red Cross Society"), make.organisation("Fiji Red Cross Society")
    pledge = make.pledge(author=prc_staff, lead=prc, co_signatories=[arc, trc, frc])
    make.action(pledge, author=arc_staff)
    with pytest.raises(OperationRefused) as one:
        signatures.name_signatories(pledge, prc_staff, prc, [trc, frc])
    assert str(one.value) == (
        "Australian Red Cross recorded actions taken on this pledge, so it stays a signatory "
        "until those actions are withdrawn."
    )
    make.action(pledge, author=make.staff(organisation=trc))
    with pytest.raises(OperationRefused) as two:
        signatures.name_signatories(pledge, prc_staff, prc, [frc])
    assert str(two.value).startswith("Australian Red Cross and Tonga Red Cross Society recorded actions")
    assert str(two.value).endswith("so they stay signatories until those actions are withdrawn.")
    make.action(pledge, author=prc_staff)
    with pytest.raises(OperationRefused) as three:
        signatures.name_signatories(pledge, make.staff(organisation=frc), frc, [])
    assert str(three.value).startswith(
        "Philippine Red Cross, Australian Red Cross and Tonga Red Cross Society recorded actions"
    )
    assert pledge.signatory_organisations == [prc, arc, trc, frc]


def test_saving_the_editor_unchanged_keeps_invitations_and_the_lead_asked_for(client, arc, prc, prc_staff):
    pledge = write_as_prc_naming_arc_lead(client, prc_staff, arc, prc)
    form = text_of(client.get(f"/pledges/{pledge.slug}/edit"))
    assert f'<option selected value="{arc.id}">' in form
    data = pledge_form(arc, [prc], title=pledge.title, version=str(pledge.version))
    assert client.post(f"/pledges/{pledge.slug}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert pledge.invited_organisations == [arc] and pledge.pending_lead == arc and pledge.lead_signatory == prc


def test_naming_a_declined_organisation_again_invites_it_again(make, arc, prc, prc_staff, arc_staff):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc], invited=True)
    signatures.decline_invitation(pledge, arc_staff)
    signatures.name_signatories(pledge, prc_staff, prc, [arc])
    row = pledge.row_of(arc.id)
    assert (row.status, row.answer_note, row.invited_by) == ("invited", None, prc_staff)


def test_an_admin_records_a_signature_on_an_organisations_behalf_and_the_history_says_so(make, arc, prc, prc_staff):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc], invited=True)
    admin = make.admin()
    entry = signatures.record_signature(pledge, admin, arc, source="the 33rd International Conference's pledge page")
    assert pledge.signatory_organisations == [prc, arc]
    assert (entry.event, entry.actor_id) == ("signature_recorded", admin.id)
    assert entry.comment == (
        "Signature recorded by an admin on behalf of Australian Red Cross: "
        "the 33rd International Conference's pledge page"
    )
    with pytest.raises(PermissionDenied, match="Only an admin"):
        signatures.record_signature(pledge, prc_staff, make.organisation("Tonga Red Cross Society"))


def test_no_signature_is_recorded_over_a_decline(make, arc, prc_staff, arc_staff):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc], invited=True)
    signatures.decline_invitation(pledge, arc_staff)
    with pytest.raises(OperationRefused, match="declined to sign this pledge"):
        signatures.record_signature(pledge, make.admin(), arc)


def test_a_proposed_organisation_is_invited_like_any_other(client, prc, prc_staff):
    login(client, prc_staff)
    client.post("/pledges/new", data=pledge_form(prc, proposed_organisation="Tonga Red Cross Society"))
    pledge = db.session.scalar(sa.select(Pledge))
    (invited,) = pledge.invited_organisations
    assert invited.name == "Tonga Red Cross Society" and not invited.confirmed
    assert pledge.signatory_organisations == [prc]


def test_the_database_refuses_a_lead_that_has_not_signed(make, arc, prc_staff):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc], invited=True)
    db.session.execute(sa.update(PledgeSignatory).where(PledgeSignatory.pledge_id == pledge.id).values(is_lead=False))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(PledgeSignatory)
            .where(PledgeSignatory.pledge_id == pledge.id, PledgeSignatory.organisation_id == arc.id)
            .values(is_lead=True)
        )


def test_an_admin_records_the_signature_of_an_organisation_the_pledge_did_not_name(make, arc, prc, prc_staff):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc])  # both signed, PRC leads
    trc = make.organisation("Tonga Red Cross Society")
    entry = signatures.record_signature(pledge, make.admin(), trc)
    assert pledge.signatory_organisations == [prc, arc, trc]
    assert pledge.lead_signatory == prc
    assert [(row.organisation, row.position) for row in pledge.signatory_rows] == [(prc, 0), (arc, 1), (trc, 2)]
    assert entry.comment == "Signature recorded by an admin on behalf of Tonga Red Cross Society."
    db.session.commit()  # (stored as shown)
    db.session.expire_all()
    assert pledge.signatory_organisations == [prc, arc, trc]


def test_a_signature_recorded_as_lead_or_over_an_invitation_to_lead_takes_the_lead(make, arc, prc, prc_staff):
    pledge = make.pledge(author=prc_staff)  # PRC signed and leads
    trc = make.organisation("Tonga Red Cross Society")
    signatures.record_signature(pledge, make.admin(), trc, lead=True)
    assert pledge.lead_signatory == trc and pledge.signatory_organisations == [trc, prc]

    signatures.name_signatories(pledge, make.staff(organisation=trc), arc, [trc, prc])  # ARC asked to lead
    assert (pledge.lead_signatory, pledge.pending_lead) == (trc, arc)
    signatures.record_signature(pledge, make.admin(), arc)
    assert (pledge.lead_signatory, pledge.pending_lead) == (arc, None)
    assert pledge.signatory_organisations[0] == arc


def test_a_recorded_signatures_source_over_its_limit_is_refused_beside_the_source(make, arc, prc_staff):
    pledge = make.pledge(author=prc_staff, co_signatories=[arc], invited=True)
    with pytest.raises(InvalidField) as refused:
        signatures.record_signature(pledge, make.admin(), arc, source="The conference's page. " * 100)
    assert refused.value.field == "source"
    assert pledge.row_of(arc.id).status == "invited"
