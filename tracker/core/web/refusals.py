"""How every form shows a refused operation: undo anything half-written, then put the
reason beside the field it concerns (`refusal.field`, when the operation names one) or at
the top of the form. The form keeps everything that was typed."""

from flask_babel import gettext as _

from ..extensions import db


def show_refusal(form, refusal) -> None:
    db.session.rollback()
    field = getattr(form, getattr(refusal, "field", None) or "", None)
    if field is not None:
        field.errors = [*field.errors, str(refusal)]
    else:
        form.form_errors.append(str(refusal))


def show_conflict(form, clash, where) -> None:
    """An edit refused because someone else saved first (`tracker.core.changes.EditConflict`): undo
    anything half-written, say where their version is (`where`, a message: "on the pledge
    page"), and keep the typed one so that saving again deliberately replaces theirs."""
    db.session.rollback()
    form.form_errors.append(_conflict(clash.noun, where))
    form.opened_at(clash.current_version)


def _conflict(noun: str, where) -> str:
    """What a conflict says, one whole sentence for each kind of record, and one for any other."""
    if noun == "pledge":
        return _(
            "Someone else saved this pledge after you opened the form. Their version is %(where)s; "
            "yours is below, unsaved. Save again to replace theirs with yours.",
            where=where,
        )
    if noun == "action":
        return _(
            "Someone else saved this action after you opened the form. Their version is %(where)s; "
            "yours is below, unsaved. Save again to replace theirs with yours.",
            where=where,
        )
    if noun == "roundtable":
        return _(
            "Someone else saved this roundtable after you opened the form. Their version is %(where)s; "
            "yours is below, unsaved. Save again to replace theirs with yours.",
            where=where,
        )
    if noun == "recommendation":
        return _(
            "Someone else saved this recommendation after you opened the form. Their version is %(where)s; "
            "yours is below, unsaved. Save again to replace theirs with yours.",
            where=where,
        )
    return _(
        "Someone else saved this %(noun)s after you opened the form. Their version is %(where)s; "
        "yours is below, unsaved. Save again to replace theirs with yours.",
        noun=noun,
        where=where,
    )
