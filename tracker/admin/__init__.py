from flask import Blueprint

from ..ids import not_found_beyond_range

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.url_value_preprocessor(not_found_beyond_range)  # an id no record can have: 404

from . import routes  # noqa: E402,F401
