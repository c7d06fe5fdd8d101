"""The roundtables' blueprint, on which every view of `tracker.roundtables.routes` is registered."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from ...core.web.routing import not_found_beyond_range
from .. import follow_through

bp = Blueprint("roundtables", __name__)
bp.url_value_preprocessor(not_found_beyond_range)  # an id no record can have: 404


@bp.record_once
def _follow_through_in_templates(state: BlueprintSetupState) -> None:
    """Templates flag overdue, stale and due-soon recommendations by the same rules as the
    lists: `follow_through` is a global of every template."""
    state.app.jinja_env.globals["follow_through"] = follow_through
