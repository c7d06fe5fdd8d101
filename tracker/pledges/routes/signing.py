"""Invitations to sign: an organisation's staff answer them ("Invitations to sign", counted in
the menu); the signatories' staff withdraw them; admins record a signature on an
organisation's behalf. The rules are in `tracker.pledges.signatures`."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...accounts.models import Organisation
from ...core import access
from ...core.changes import REFUSALS
from ...core.extensions import db
from ...core.web.lists import paginate
from .. import queries, signatures
from ..forms import AcceptInvitationForm, DeclineInvitationForm, OrganisationButtonForm
from ..models import Pledge
from .blueprint import SIGNATORIES, bp, load_pledge


@bp.app_context_processor
def _invitations_waiting() -> dict:
    """How many invitations the logged-in person's organisation has not answered: the menu
    shows it beside "Invitations to sign". (Only asked when a template uses it.)"""

    def invitations_waiting() -> int:
        if not current_user.is_authenticated or current_user.organisation_id is None:
            return 0
        return queries.invitation_count(current_user.organisation_id)

    return {"invitations_waiting": invitations_waiting}


def _answer_forms(pledge: Pledge, decline: DeclineInvitationForm | None = None) -> dict:
    """The Accept and Decline forms of one invitation, with ids of their own on a list."""
    prefix = f"p{pledge.id}"
    return {
        "accept": AcceptInvitationForm(prefix=f"{prefix}-accept", formdata=None),
        "decline": decline or DeclineInvitationForm(prefix=f"{prefix}-decline", formdata=None),
    }


def invitation_forms(pledge: Pledge) -> dict | None:
    """The Accept and Decline forms, on the pledge page of an organisation invited to sign
    it (or to lead it); None for anyone else."""
    return _answer_forms(pledge) if access.can(current_user, "answer_invitation", pledge) else None


@bp.route("/invitations")
@login_required
def invitations():
    """The pledges the staff member's organisation is invited to sign or to lead."""
    access.require(current_user, "own_invitations")
    page = paginate(queries.invitations_to(current_user.organisation_id))
    forms = {pledge.id: _answer_forms(pledge) for pledge in page.items}
    return render_template("pledges/invitations.html", page=page, forms=forms)


@bp.route("/<slug>/invitation/accept", methods=["POST"])
@login_required
def accept_invitation(slug: str):
    pledge = load_pledge(slug, SIGNATORIES)
    access.require(current_user, "answer_invitation", pledge)
    if not AcceptInvitationForm(prefix=f"p{pledge.id}-accept").validate_on_submit():
        abort(400)  # (only its CSRF token can be wrong)
    signatures.accept_invitation(pledge, current_user)
    db.session.commit()
    flash(
        _(
            "%(organisation)s now signs this pledge: the public sees it among the signatories.",
            organisation=current_user.organisation.name,
        ),
        "success",
    )
    return redirect(url_for(".show", slug=slug))


@bp.route("/<slug>/invitation/decline", methods=["POST"])
@login_required
def decline_invitation(slug: str):
    pledge = load_pledge(slug, SIGNATORIES)
    access.require(current_user, "answer_invitation", pledge)
    form = DeclineInvitationForm(prefix=f"p{pledge.id}-decline")
    if form.validate_on_submit():
        signatures.decline_invitation(pledge, current_user, form.note.data)
        db.session.commit()
        flash(
            _("Invitation declined. The pledge's signatories see your answer; it never shows your organisation."),
            "success",
        )
        return redirect(url_for(".invitations"))
    # The only thing to fix is the note: show it on this invitation, as typed.
    page = paginate(queries.invitations_to(current_user.organisation_id))
    forms = {item.id: _answer_forms(item, form if item.id == pledge.id else None) for item in page.items}
    return render_template("pledges/invitations.html", page=page, forms=forms, refused=pledge), 422


def _named_organisation(pledge: Pledge, form: OrganisationButtonForm) -> Organisation:
    """The organisation a button names: one on this pledge (else 404; 400 for none)."""
    if not form.validate_on_submit():
        abort(400)  # a button pressed without its value
    if pledge.row_of(form.organisation.data) is None:
        abort(404)
    row = pledge.row_of(form.organisation.data)
    assert row is not None
    return row.organisation


@bp.route("/<slug>/invitations/withdraw", methods=["POST"])
@login_required
def withdraw_invitation(slug: str):
    pledge = load_pledge(slug, SIGNATORIES)
    access.require(current_user, "withdraw_invitation", pledge)
    organisation = _named_organisation(pledge, OrganisationButtonForm())
    return _done_or_refused(
        pledge,
        lambda: signatures.withdraw_invitation(pledge, current_user, organisation),
        _("The invitation to %(organisation)s is withdrawn.", organisation=organisation.name),
    )


@bp.route("/<slug>/signatures", methods=["POST"])
@login_required
def record_signature(slug: str):
    pledge = load_pledge(slug, SIGNATORIES)
    access.require(current_user, "record_signature", pledge)
    form = OrganisationButtonForm()
    organisation = _named_organisation(pledge, form)
    return _done_or_refused(
        pledge,
        lambda: signatures.record_signature(pledge, current_user, organisation, source=form.source.data),
        _(
            "%(organisation)s's signature is recorded on its behalf; the history says so.",
            organisation=organisation.name,
        ),
    )


def _done_or_refused(pledge: Pledge, change: Callable[[], object], done: str):
    """Make a button's change and say so, or undo it and say why not; back to the signatories."""
    try:
        change()
    except REFUSALS as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(".show", slug=pledge.slug, _anchor="signatories"))
