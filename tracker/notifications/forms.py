"""The notifications area's forms: buttons (a retry, a confirmed unsubscribe, mark read,
mark all read) and a person's choices of how each kind of notification reaches them."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SubmitField

from ..core.web.forms import SiteForm
from .kinds import Kind
from .models import EmailChoice


class RetryForm(SiteForm):
    submit = SubmitField(_l("Retry"))


class UnsubscribeForm(SiteForm):
    submit = SubmitField(_l("Stop these e-mails"))


class MarkReadForm(SiteForm):
    submit = SubmitField(_l("Mark read"))


class MarkAllReadForm(SiteForm):
    submit = SubmitField(_l("Mark all read"))


CHOICES = [SelectChoice(choice.value, choice.label) for choice in EmailChoice]


class SettingsForm(SiteForm):
    """One choice per kind of notification (its field named by the kind)."""

    submit = SubmitField(_l("Save"))

    @classmethod
    def for_kinds(cls, declared: Iterable[Kind]) -> type[SettingsForm]:
        """A form class with a field for each of `declared`."""
        fields = {
            kind.name: RadioField(
                _l("By e-mail %(kind)s", kind=kind.label),
                choices=CHOICES,
                validate_choice=True,
                default=kind.default.value,
            )
            for kind in declared
        }
        return type("KindSettingsForm", (cls,), fields)
