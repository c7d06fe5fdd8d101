import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions
from ..extensions import db
from ..models import ActionTaken, Pledge, PledgeSignatory
from . import bp
from .timeline import group_by_heading


@bp.route("/<slug>")
def show(slug: str):
    """The public page of a pledge: text, facts, signatories, actions taken, completion."""
    pledge = db.first_or_404(
        sa.select(Pledge)
        .where(Pledge.slug == slug)
        .options(
            joinedload(Pledge.forum),
            selectinload(Pledge.signatories).joinedload(PledgeSignatory.organisation),
            selectinload(Pledge.themes),
            selectinload(Pledge.countries),
            selectinload(Pledge.actions).selectinload(ActionTaken.organisations),
            selectinload(Pledge.actions).selectinload(ActionTaken.figures),
            selectinload(Pledge.actions).selectinload(ActionTaken.links),
        )
    )
    if not permissions.can(current_user, "view", pledge):
        abort(404)  # a draft does not exist for those who may not see it
    return render_template(
        "pledges/show.html", pledge=pledge, action_groups=group_by_heading(pledge.current_actions)
    )
