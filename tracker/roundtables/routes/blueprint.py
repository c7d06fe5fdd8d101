"""The roundtables' blueprint, on which every view of `tracker.roundtables.routes` is registered."""

from flask import Blueprint

from ...core.web.routing import not_found_beyond_range
from .. import follow_through

bp = Blueprint("roundtables", __name__)
bp.url_value_preprocessor(not_found_beyond_range)  # an id no record can have: 404
# Templates flag overdue, stale and due-soon recommendations by the same rules as the lists.
bp.add_app_template_global(follow_through, "follow_through")
