"""The staff workspace's forms. They check what a form can see (a field is filled in, a
number is a number); the rules about pledges themselves are in `operations` and `workflow`."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    Form,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ...accounts.models import Organisation
from ...core.dates import EARLIEST_YEAR, LATEST_YEAR, YEAR_RANGE
from ...core.sources import DEFAULT_LANGUAGE, language_choices
from ...core.text import MARKDOWN, PLAIN, TEXT_FORMATS, is_web_url
from ...core.web.fields import NumberWithSeparatorsField
from ...core.web.forms import (
    CheckboxesField,
    SiteForm,
    VersionedForm,
    Within,
    choices,
    id_or_none,
    strip,
)
from ...taxonomy.models import Country, Forum, Theme
from ..models import (
    CHANGE_NOTE,
    DECLINED,
    MAX_BUDGET,
    REASON,
    Pledge,
    PledgeFollower,
    PledgeSignatory,
)
from ..queries import MINE_SORTS
from ..workflow import PledgeWorkflow


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def _format_field(label=None) -> SelectField:
    return SelectField(
        label or _l("The text is written in"),
        choices=[SelectChoice(PLAIN, TEXT_FORMATS[PLAIN]), SelectChoice(MARKDOWN, TEXT_FORMATS[MARKDOWN])],
        default=PLAIN,
        validate_choice=True,
    )


def _check_source_url(_form, field):
    if field.data and not is_web_url(field.data):
        raise ValidationError(_("Enter the source's full web address, starting with https:// (or http://)."))


class SourceFields:
    """What a pledge and an action say of their own text: its format and language, and
    where it was published first (core.sources)."""

    source_reference = StringField(
        _l("The source's number for it"), filters=[strip], validators=[Within(Pledge.limits["source_reference"])]
    )
    source_url = StringField(
        _l("The source's web address"),
        filters=[strip],
        validators=[Within(Pledge.limits["source_url"]), _check_source_url],
    )


class PledgeForm(SourceFields, VersionedForm):
    title = StringField(_l("Title"), filters=[strip], validators=[Within(Pledge.limits["title"])])
    text = TextAreaField(_l("Pledge text"), validators=[Within(Pledge.limits["text"])])
    text_format = _format_field()
    language = SelectField(_l("Language of the pledge"), default=DEFAULT_LANGUAGE, validate_choice=True)
    signatories_note = StringField(
        _l("Signatories as the source states them"),
        filters=[strip],
        validators=[Within(Pledge.limits["signatories_note"])],
    )
    forum = SelectField(_l("Made at (forum)"), coerce=id_or_none, validate_choice=True)
    themes = CheckboxesField(_l("Themes"), coerce=int)
    countries = CheckboxesField(_l("Countries"), coerce=int)
    region = StringField(_l("Region"), filters=[strip], validators=[Within(Pledge.limits["region"])])
    period_start = IntegerField(
        _l("Period: first year"),
        validators=[
            Optional(),
            NumberRange(EARLIEST_YEAR, LATEST_YEAR, _l("Enter a year %(range)s, such as 2019.", range=YEAR_RANGE)),
        ],
    )
    period_end = IntegerField(
        _l("Period: last year"),
        validators=[
            Optional(),
            NumberRange(EARLIEST_YEAR, LATEST_YEAR, _l("Enter a year %(range)s, such as 2023.", range=YEAR_RANGE)),
        ],
    )
    period_note = StringField(_l("Period note"), filters=[strip], validators=[Within(Pledge.limits["period_note"])])
    budget_amount = NumberWithSeparatorsField(
        _l("Budget amount"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_BUDGET,
                message=_l("Enter an amount from 0 to %(largest)s.", largest=format(MAX_BUDGET, ",")),
            ),
        ],
    )
    budget_currency = StringField(
        _l("Currency"),
        filters=[_upper],
        validators=[
            Optional(),
            Regexp(r"^[A-Z]{3}$", message=_l("Use the three-letter currency code, e.g. AUD, CHF or USD.")),
        ],
    )
    budget_note = StringField(_l("Budget note"), filters=[strip], validators=[Within(Pledge.limits["budget_note"])])
    lead = SelectField(
        _l("Lead signatory"), coerce=id_or_none, validators=[InputRequired(_l("Choose the lead signatory."))]
    )
    co_signatories = CheckboxesField(_l("Other signatories"), coerce=int)
    proposed_organisation = StringField(
        _l("Another signatory, not in the list"),
        filters=[strip],
        validators=[Within(Organisation.limits["name"], optional=True)],
    )
    actions_intro = TextAreaField(
        _l("Introduction to the actions taken"), validators=[Within(Pledge.limits["actions_intro"])]
    )
    contact_name = StringField(
        _l("Contact person"), filters=[strip], validators=[Within(Pledge.limits["contact_name"])]
    )
    contact_email = StringField(
        _l("Contact e-mail"),
        filters=[strip],
        validators=[
            Optional(),
            Email(_l("Enter an e-mail address such as name@redcross.org.au.")),
            Within(Pledge.limits["contact_email"]),
        ],
    )
    change_note = StringField(_l("Note about this change"), filters=[strip], validators=[Within(CHANGE_NOTE)])
    preview = SubmitField(_l("Preview the text"))
    submit = SubmitField(_l("Save pledge"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = choices(Organisation, lambda org: org.choice_label)
        self.forum.choices = [SelectChoice("", _("— Not made at a forum listed here —"))] + choices(Forum)
        self.themes.choices = choices(Theme)
        self.countries.choices = choices(Country)
        self.lead.choices = [SelectChoice("", _("— Choose the lead signatory —"))] + organisations
        self.co_signatories.choices = organisations
        self.language.choices = language_choices(self.language.data)

    def validate_lead(self, field):
        if field.data is None:
            raise ValidationError(_("Choose the lead signatory."))

    def validate_period_end(self, field):
        if field.data is not None and self.period_start.data is not None and field.data < self.period_start.data:
            raise ValidationError(_("The last year cannot be before the first year."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # An amount and its currency come together (checked here: an empty field's own
        # validators stop at Optional()).
        if self.budget_amount.data is not None and not self.budget_currency.data and not self.budget_currency.errors:
            self.budget_currency.errors.append(_("Say which currency the budget is in, e.g. AUD."))
            valid = False
        if self.budget_currency.data and self.budget_amount.data is None and not self.budget_amount.errors:
            self.budget_amount.errors.append(_("Enter the budget amount too, or leave the currency empty."))
            valid = False
        return valid

    def pledge_fields(self) -> dict:
        """The pledge's own columns, as `operations.create_pledge`/`edit_pledge` take them."""
        return {
            "text": self.text.data or "",
            "forum_id": self.forum.data,
            "region": self.region.data or None,
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "period_note": self.period_note.data or None,
            "budget_amount": self.budget_amount.data,
            "budget_currency": self.budget_currency.data or None,
            "budget_note": self.budget_note.data or None,
            "actions_intro": self.actions_intro.data or None,
            "contact_name": self.contact_name.data or None,
            "contact_email": (self.contact_email.data or "").lower() or None,
            "text_format": self.text_format.data,
            "language": self.language.data,
            "source_reference": self.source_reference.data or None,
            "source_url": self.source_url.data or None,
            "signatories_note": self.signatories_note.data or None,
        }

    def fill_from(self, pledge) -> None:
        """Set the fields from a saved pledge (GET of the editor)."""
        for name in ("title", "text", "region", "period_start", "period_end", "period_note", "budget_amount",
                     "budget_currency", "budget_note", "actions_intro", "contact_name", "contact_email",
                     "text_format", "language", "source_reference", "source_url", "signatories_note"):  # fmt: skip
            getattr(self, name).data = getattr(pledge, name)
        self.language.choices = language_choices(pledge.language)
        self.forum.data = pledge.forum_id
        self.themes.data = [theme.id for theme in pledge.themes]
        self.countries.data = [country.id for country in pledge.countries]
        # The lead as last named (the organisation invited to lead, until it answers); every
        # other organisation named and not declined, signed or invited.
        lead = pledge.pending_lead or pledge.lead_signatory
        self.lead.data = lead.id if lead else None
        self.co_signatories.data = [
            row.organisation_id for row in pledge.signatory_rows if row.status != DECLINED and row.organisation != lead
        ]
        self.opened_at(pledge.version)


class TransitionForm(SiteForm):
    """One workflow button with its comment box; prefixed by the event so that several
    fit on one page with distinct ids."""

    comment = TextAreaField(_l("Comment"), filters=[strip], validators=[Within(REASON)])
    submit = SubmitField()


class AcceptInvitationForm(SiteForm):
    submit = SubmitField(_l("Accept and sign"))


class DeclineInvitationForm(SiteForm):
    note = TextAreaField(
        _l("A word to the signatories (optional)"),
        validators=[Within(PledgeSignatory.limits["answer_note"])],
    )
    submit = SubmitField(_l("Decline"))


class OrganisationButtonForm(SiteForm):
    """A button about one organisation of the pledge: withdraw its invitation, or (admins)
    record its signature on its behalf."""

    organisation = IntegerField(validators=[InputRequired()])
    # (Checked by the operation, `signatures.record_signature`.)
    source = StringField(_l("Where its signature is published (optional)"), filters=[strip])


class MyPledgesFilter(Form):
    """The filters of "my organisation's pledges", read from the query string."""

    state = SelectField(
        _l("State"),
        choices=[SelectChoice("", _l("All states"))]
        + [SelectChoice(value, PledgeWorkflow.LABELS[value]) for value in PledgeWorkflow.state_values()],
        validate_choice=False,
    )
    forum = SelectField(_l("Forum"), coerce=id_or_none, validate_choice=False)
    q = StringField(_l("Search"), filters=[strip], validators=[Length(max=200)])
    sort = SelectField(
        _l("Sort"),
        choices=[SelectChoice(key, label) for key, (label, _order) in MINE_SORTS.items()],
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum.choices = [SelectChoice("", _("All forums"))] + choices(Forum)

    def chosen(self) -> dict:
        """The filters as `queries.signed_by` takes them: a value that is no choice is ignored."""
        return {
            "state": self.state.data,
            "forum_id": self.forum.data if not self.forum.errors else None,
            "q": self.q.data if isinstance(self.q.data, str) and not self.q.errors else "",
            "sort": self.sort.data if self.sort.data in MINE_SORTS else "changed",
        }

    def any(self) -> bool:
        chosen = self.chosen()
        return bool(chosen["state"] or chosen["forum_id"] or chosen["q"])


class FollowForm(SiteForm):
    email = StringField(
        _l("Your e-mail address"),
        filters=[strip],
        validators=[
            InputRequired(_l("Give your e-mail address.")),
            Email(),
            Within(PledgeFollower.limits["email"]),
        ],
        description=_l("We e-mail you a link to confirm. Your address is never shown to anyone."),
    )
    submit = SubmitField(_l("Follow by e-mail"))


class ConfirmFollowForm(SiteForm):
    submit = SubmitField(_l("Yes, follow this pledge"))


class UnfollowForm(SiteForm):
    submit = SubmitField(_l("Stop following"))


# The forms of actions taken live in `actions` (imported last: they build on SourceFields).
from .actions import ActionForm, FigureForm, LinkForm, WithdrawActionForm  # noqa: E402

__all__ = ["ActionForm", "FigureForm", "LinkForm", "WithdrawActionForm"]
