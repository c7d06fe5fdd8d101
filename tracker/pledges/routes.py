import sqlalchemy as sa
from flask import abort, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import permissions
from ..extensions import db
from ..models import ActionTaken, Pledge, PledgeSignatory
from . import bp


@bp.route("/<slug>")
def show(slug: str):
    pledge = db.first_or_404(
        sa.select(Pledge)
        .where(Pledge.slug == slug)
        .options(
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
    return render_template("pledges/show.html", pledge=pledge)
