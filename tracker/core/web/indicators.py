"""The indicators editor, one for every area (a pledge's, a recommendation's): the view
has loaded the record and checked access; this shows the form, saves through the area's
operation, and goes back to the record's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..changes import REFUSALS
from ..extensions import db
from .forms import IndicatorsForm
from .refusals import show_refusal


def edit_indicators(
    record: Any, save: Callable[..., Any], *, title: str, back: str, breadcrumbs: list[tuple[str, str]]
):
    """The editor for `record`'s indicators; `save(record, actor, rows)` is the area's
    operation, `back` the record's page (its indicators are at #indicators)."""
    posted = request.method == "POST"
    form = IndicatorsForm() if posted else IndicatorsForm.of(record)
    context = {"form": form, "record": record, "title": title, "back": back, "breadcrumbs": breadcrumbs}
    if posted and form.wants_another_row():
        return render_template("indicators/edit.html", **context)
    if form.validate_on_submit():
        try:
            save(record, current_user, form.chosen())
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Indicators saved. The page shows how far each has got."), "success")
            return redirect(back + "#indicators")
    return render_template("indicators/edit.html", **context), (422 if posted else 200)
