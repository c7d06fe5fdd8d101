import sqlalchemy as sa
from flask import render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import permissions
from ..models import Pledge, PledgeSignatory
from ..pagination import paginate
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
    page = paginate(query)
    latest = latest_actions([pledge.id for pledge in page.items])
    return render_template("public/home.html", page=page, latest=latest)
