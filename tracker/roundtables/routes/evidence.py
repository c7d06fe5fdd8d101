"""A progress update's evidence files, served to those who may read its recommendation
(core.web.evidence): the public once it is agreed on a public roundtable."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import undefer

from ...core import access
from ...core.extensions import db
from ...core.web.evidence import send_evidence
from .. import catalogue
from ..models import ProgressUpdate, UpdateFile
from .blueprint import bp
from .loading import load_recommendation


@bp.route("/recommendations/<int:recommendation_id>/updates/<int:update_id>/files/<int:file_id>")
def update_file(recommendation_id: int, update_id: int, file_id: int):
    recommendation = load_recommendation(recommendation_id)  # 404 unless this visitor may read it
    file = db.session.scalar(
        sa.select(UpdateFile)
        .join(ProgressUpdate, UpdateFile.update_id == ProgressUpdate.id)
        .where(
            UpdateFile.id == file_id,
            ProgressUpdate.id == update_id,
            ProgressUpdate.recommendation_id == recommendation.id,
        )
        .options(undefer(UpdateFile.data))
    )
    if file is None:
        abort(404)
    return send_evidence(file, public=access.can(catalogue.PUBLIC, "view", recommendation))
