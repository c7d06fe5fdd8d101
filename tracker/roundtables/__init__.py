"""Roundtables and recommendations: the public follow-through pages, the co-chairs'
roundtable and outcome editors, dashboard, review queue and report, and the owners' work."""
from flask import Blueprint

from ..ids import not_found_beyond_range

bp = Blueprint("roundtables", __name__)
bp.url_value_preprocessor(not_found_beyond_range)  # an id no record can have: 404

from . import follow_up, recommendations, routes  # noqa: E402,F401
