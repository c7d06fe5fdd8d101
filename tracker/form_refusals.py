"""How every form shows a refused operation: undo anything half-written, then put the
reason beside the field it concerns (`refusal.field`, when the operation names one) or at
the top of the form. The form keeps everything that was typed."""
from .extensions import db


def show_refusal(form, refusal) -> None:
    db.session.rollback()
    field = getattr(form, getattr(refusal, "field", None) or "", None)
    if field is not None:
        field.errors = [*field.errors, str(refusal)]
    else:
        form.form_errors.append(str(refusal))
