"""How every form shows a refused operation: undo anything half-written, then put the
reason beside the field it concerns (`refusal.field`, when the operation names one) or at
the top of the form. The form keeps everything that was typed."""

from ..extensions import db


def show_refusal(form, refusal) -> None:
    db.session.rollback()
    field = getattr(form, getattr(refusal, "field", None) or "", None)
    if field is not None:
        field.errors = [*field.errors, str(refusal)]
    else:
        form.form_errors.append(str(refusal))


def show_conflict(form, clash, where: str) -> None:
    """An edit refused because someone else saved first (`tracker.core.changes.EditConflict`): undo
    anything half-written, say where their version is, and keep the typed one so that
    saving again deliberately replaces theirs."""
    db.session.rollback()
    form.form_errors.append(
        f"Someone else saved this {clash.noun} after you opened the form. Their version is {where}; "
        "yours is below, unsaved. Save again to replace theirs with yours."
    )
    form.opened_at(clash.current_version)
