"""An action's evidence files, served to those who may see the action (core.web.evidence)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import undefer

from ...core import access
from ...core.extensions import db
from ...core.web.evidence import send_evidence
from .. import catalogue
from ..evidence import ActionFile
from ..models import ActionTaken
from .blueprint import SIGNATORIES, bp, load_pledge


@bp.route("/<slug>/actions/<int:action_id>/files/<int:file_id>")
def action_file(slug: str, action_id: int, file_id: int):
    """One of an action's files, as a download: its pledge must be one this visitor may see,
    and the action not withdrawn (a withdrawn action's files go with it)."""
    pledge = load_pledge(slug, SIGNATORIES)
    file = db.session.scalar(
        sa.select(ActionFile)
        .join(ActionTaken, ActionFile.action_id == ActionTaken.id)
        .where(
            ActionFile.id == file_id,
            ActionTaken.id == action_id,
            ActionTaken.pledge_id == pledge.id,
            ActionTaken.withdrawn_at.is_(None),
        )
        .options(undefer(ActionFile.data))
    )
    if file is None:
        abort(404)
    return send_evidence(file, public=access.can(catalogue.PUBLIC, "view", pledge))
