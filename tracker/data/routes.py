"""Administration › Import: upload, preview, confirm (`imports`). For admins only; the
preview and the confirmation are the uploading admin's own (`permissions`)."""

from __future__ import annotations

from typing import NamedTuple

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core import access
from ..core.extensions import db
from ..core.web.routing import admins_only
from . import imports, open_data
from .forms import ConfirmImportForm, ImportForm
from .models import PendingImport
from .open_data import ACTION_COLUMNS, ORGANISATION_COLUMNS, PLEDGE_COLUMNS
from .open_data.columns import (
    ACTION_IMPORT_COLUMNS,
    MEETING_COLUMNS,
    OUTCOME_COLUMNS,
    RECOMMENDATION_COLUMNS,
    REQUIRED_COLUMNS,
    UPDATE_COLUMNS,
)
from .open_data.workbooks import Unreadable, template

bp = Blueprint("imports", __name__, url_prefix="/admin/import")

# The files of one import may be this large in all (an upload is not a form: see config.py).
DEFAULT_IMPORT_MAX_BYTES = 20 * 1024 * 1024
KINDS = {
    "organisations": ORGANISATION_COLUMNS,
    "pledges": PLEDGE_COLUMNS,
    "actions": ACTION_COLUMNS,
    "meetings": MEETING_COLUMNS,
    "outcomes": OUTCOME_COLUMNS,
    "recommendations": RECOMMENDATION_COLUMNS,
    "progress_updates": UPDATE_COLUMNS,
}


class KindTexts(NamedTuple):
    """What the import page says of a kind of file: its heading, its template's download
    link, and its table's caption."""

    heading: object
    download: object
    caption: object


KIND_TEXTS = {
    "organisations": KindTexts(
        _l("Organisations"),
        _l("Download the organisations template (CSV)"),
        _l("The columns of the organisations file"),
    ),
    "pledges": KindTexts(
        _l("Pledges"), _l("Download the pledges template (CSV)"), _l("The columns of the pledges file")
    ),
    "actions": KindTexts(
        _l("Actions"), _l("Download the actions template (CSV)"), _l("The columns of the actions file")
    ),
    "meetings": KindTexts(
        _l("Meetings"), _l("Download the meetings template (CSV)"), _l("The columns of the meetings file")
    ),
    "outcomes": KindTexts(
        _l("Outcomes"), _l("Download the outcomes template (CSV)"), _l("The columns of the outcomes file")
    ),
    "recommendations": KindTexts(
        _l("Recommendations"),
        _l("Download the recommendations template (CSV)"),
        _l("The columns of the recommendations file"),
    ),
    "progress_updates": KindTexts(
        _l("Progress updates"),
        _l("Download the progress updates template (CSV)"),
        _l("The columns of the progress updates file"),
    ),
}
# The admin's exports of meetings and what they issued: every record, private columns too.
EXPORTS = {
    "meetings": open_data.export_meetings,
    "outcomes": open_data.export_outcomes,
    "recommendations": lambda: open_data.export_recommendations(public=False),
    "progress_updates": open_data.export_updates,
}


@bp.url_value_preprocessor
def import_size(_endpoint, _values):
    """An import's files may be larger than a form (set before anything reads the body)."""
    request.max_content_length = current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES)


bp.before_request(admins_only)


@bp.route("", methods=["GET", "POST"])
def start():
    form = ImportForm()
    if form.validate_on_submit():
        uploads = [(upload.filename, upload.read()) for upload in form.files.data if upload.filename]
        try:
            pending = imports.upload(current_user, uploads, create_missing=form.create_missing.data)
        except Unreadable as problem:
            form.files.errors = [str(problem)]
        else:
            db.session.commit()
            return redirect(url_for(".preview", import_id=pending.id))
    return render_template("data/import.html", form=form, kinds=_kinds()), (422 if form.errors else 200)


@bp.route("/<import_id>", methods=["GET", "POST"])
def preview(import_id: str):
    pending = db.session.get(PendingImport, import_id)
    if pending is None or pending.expired:
        abort(404, description=_("This import is no longer waiting: upload its files again."))
    access.require(current_user, "view", pending)
    form = ConfirmImportForm()
    if form.validate_on_submit():
        batch = imports.confirm(pending, current_user)
        if batch.ok:
            db.session.commit()
            flash(_("Imported %(summary)s.", summary=batch.summary()), "success")
            if not batch.pledges and (batch.meetings or batch.recommendations or batch.outcomes or batch.updates):
                return redirect(url_for("roundtables.index"))
            return redirect(url_for("pledges.index", sort="newest"))
        db.session.rollback()
        flash(_("Something changed since the preview: nothing was imported. Here is what to fix."), "danger")
        return render_template("data/preview.html", pending=pending, batch=batch, form=form), 409
    batch = imports.check(pending, current_user)
    db.session.rollback()  # (checking adds nothing; the reference data it would make stays out)
    return render_template("data/preview.html", pending=pending, batch=batch, form=form)


@bp.route("/organisations.csv")
def organisations_csv():
    """Every confirmed organisation, as an organisations file (an import file too)."""
    return Response(
        open_data.export_organisations().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="organisations.csv"'},
    )


@bp.route("/export/<kind>.csv")
def export(kind: str):
    """Every meeting, outcome, recommendation (with its private columns) or progress update,
    as an import file: what the tracker holds, to edit in a spreadsheet or move elsewhere."""
    if kind not in EXPORTS:
        abort(404)
    return Response(
        EXPORTS[kind]().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )


@bp.route("/template/<kind>.csv")
def download_template(kind: str):
    if kind not in KINDS:
        abort(404)
    columns = [name for name in KINDS[kind] if name != "url"]
    return Response(
        template(columns).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{kind}-template.csv"'},
    )


def _kinds() -> list[tuple[str, KindTexts, list[tuple[str, object, bool]]]]:
    """Each kind of file: what the page says of it, its columns, what each holds, and
    whether it is required."""
    actions = {**ACTION_COLUMNS, **ACTION_IMPORT_COLUMNS}
    return [
        (
            kind,
            KIND_TEXTS[kind],
            [(name, about, name in REQUIRED_COLUMNS[kind]) for name, about in columns.items() if name != "url"],
        )
        for kind, columns in ({**KINDS, "actions": actions}).items()
    ]
