"""Translations of a pledge's title and text, and of an action's texts, written by those
who may edit them (`permissions`: "translate"), beside the original (`core.web.translations`)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ...core import access
from ...core.web.translations import edit_translation
from .blueprint import PAGE_OPTIONS, SIGNATORIES, bp, load_pledge
from .pages import load_action

PLEDGE_TEXTS = {"title": (_l("Title"), False), "text": (_l("Pledge text"), True)}
ACTION_TEXTS = {"summary": (_l("What was done"), True), "details": (_l("Details"), True)}


@bp.route("/<slug>/translation", methods=["GET", "POST"])
@login_required
def translation(slug: str):
    """The pledge's title and text in another language."""
    pledge = load_pledge(slug, SIGNATORIES)
    access.require(current_user, "translate", pledge)
    back = url_for(".show", slug=pledge.slug)
    return edit_translation(
        pledge,
        PLEDGE_TEXTS,
        title=pledge.title,
        back=back,
        breadcrumbs=[(_l("My organisation’s pledges"), url_for(".mine")), (pledge.title, back)],
    )


@bp.route("/<slug>/actions/<int:action_id>/translation", methods=["GET", "POST"])
@login_required
def action_translation(slug: str, action_id: int):
    """An action's texts in another language, by the staff of the signatory that recorded it."""
    pledge = load_pledge(slug, *PAGE_OPTIONS)
    action = load_action(pledge, action_id)
    access.require(current_user, "translate", action)
    back = url_for(".show", slug=pledge.slug, _anchor=f"action-{action.id}")
    return edit_translation(
        action,
        ACTION_TEXTS,
        title=action.summary,
        back=back,
        breadcrumbs=[
            (_l("My organisation’s pledges"), url_for(".mine")),
            (pledge.title, url_for(".show", slug=pledge.slug)),
        ],
    )
