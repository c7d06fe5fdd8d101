"""Roundtables and recommendations: the public follow-through pages, the co-chairs'
roundtable and outcome editors, dashboard, review queue and report, and the owners' work."""
from flask import Blueprint

bp = Blueprint("roundtables", __name__)

from . import follow_up, recommendations, routes  # noqa: E402,F401
