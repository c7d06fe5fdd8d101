import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import permissions
from ..extensions import db
from ..models import Pledge, PledgeSignatory
from ..pledges.timeline import latest_actions
from . import bp


@bp.route("/")
def home():
    """The pledges this visitor may see: published ones, plus their organisation's drafts."""
    query = (
        sa.select(Pledge)
        .where(permissions.visible_pledges(current_user))
        .options(selectinload(Pledge.signatories).joinedload(PledgeSignatory.organisation), selectinload(Pledge.forum))
        .order_by(Pledge.updated_at.desc(), Pledge.id.desc())
    )
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    latest = latest_actions([pledge.id for pledge in page.items])
    return render_template("public/home.html", page=page, latest=latest)
