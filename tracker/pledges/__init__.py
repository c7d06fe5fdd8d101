from flask import Blueprint

bp = Blueprint("pledges", __name__, url_prefix="/pledges")

from . import routes  # noqa: E402,F401
