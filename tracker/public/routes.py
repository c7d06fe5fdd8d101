"""The public's pages that belong to no one record: the home page, the open-data page and
the site-wide feed of new actions taken."""
import sqlalchemy as sa
from flask import Response, render_template, url_for

from .. import catalogue, data_version, feeds, permissions
from ..conditional import cacheable
from ..extensions import db
from ..listing import ListState
from ..models import ActionTaken, Pledge
from . import bp

LATEST_ON_HOME = 8


@bp.route("/")
@cacheable
def home():
    """What the register holds, a search box, and the latest actions taken."""
    published = permissions.visible_pledges(catalogue.PUBLIC)
    by_state = dict(db.session.execute(sa.select(Pledge.status, sa.func.count()).where(published).group_by(Pledge.status)).all())
    actions = db.session.scalar(
        sa.select(sa.func.count(ActionTaken.id)).join(ActionTaken.pledge).where(published, ActionTaken.withdrawn_at.is_(None))
    )
    return render_template(
        "public/home.html",
        pledges=sum(by_state.values()),
        done=by_state.get("done", 0),
        actions=actions,
        roundtables=catalogue.ROUNDTABLES.count(ListState()),
        latest=feeds.latest_actions(limit=LATEST_ON_HOME),
    )


@bp.route("/open-data")
@cacheable
def open_data():
    """What can be downloaded, in which format, and how to use the API and feeds."""
    return render_template("public/open_data.html")


@bp.route("/actions.atom")
@cacheable
def actions_feed():
    """New actions taken on every published pledge (Atom)."""
    document = feeds.atom(
        feed_id=url_for(".actions_feed", _external=True),
        title="Pledge Tracker: new actions taken",
        subtitle="Actions taken towards published pledges, newest first.",
        self_url=url_for(".actions_feed", _external=True),
        page_url=url_for("pledges.index", _external=True),
        actions=feeds.latest_actions(),
        permalink=action_permalink,
        last_changed=data_version.current().changed_at,
    )
    return Response(document, mimetype="application/atom+xml")


def action_permalink(action: ActionTaken) -> str:
    return url_for("pledges.show", slug=action.pledge.slug, _anchor=f"action-{action.id}", _external=True)
