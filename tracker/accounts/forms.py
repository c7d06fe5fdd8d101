"""The accounts' forms: logging in and passwords, and the admin pages (organisations,
users, forums and themes). They check what a form can (required, lengths, choices); `operations` and
`passwords` check the rest (duplicates, who needs an organisation, the password policy) and
say why."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, Length, NumberRange, Optional, ValidationError

from ..core import i18n
from ..core.dates import EARLIEST_YEAR, LATEST_YEAR
from ..core.extensions import db
from ..core.web.forms import SiteForm, Within, id_or_none, strip
from ..taxonomy import regions
from ..taxonomy.models import Country, Forum, ForumKind, Theme
from .models import Organisation, OrganisationKind, Role, User
from .passwords import PASSWORD_MAX_LENGTH, password_problem


class LoginForm(SiteForm):
    # Stripped before validation: a space pasted with the address is not a typo to report.
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    remember_me = BooleanField(_l("Keep me logged in"))
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(SiteForm):
    email = EmailField(
        _l("E-mail"),
        filters=[strip],
        validators=[DataRequired(), Email(), Within(User.limits["email"])],
        description=_l("The address you log in with."),
    )
    submit = SubmitField(_l("Send me a link"))


class EmptyForm(SiteForm):
    """Submit only: makes a state-changing button a CSRF-protected POST."""

    submit = SubmitField(_l("Submit"))


def _password_policy(form, field):
    """The one password policy (`passwords.password_problem`), shown beside the field."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


_SAME_AGAIN = _l("The two new passwords are not the same. Type it again in both.")
_POLICY = _l("At least 12 characters. A few unrelated words are easy to remember and hard to guess.")


class ChangePasswordForm(SiteForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), _password_policy], description=_POLICY)
    confirm = PasswordField(
        _l("New password again"), validators=[DataRequired(), EqualTo("new_password", message=_SAME_AGAIN)]
    )
    submit = SubmitField(_l("Change password"))


class ChangeEmailForm(SiteForm):
    email = EmailField(
        _l("New e-mail address"),
        filters=[strip],
        validators=[DataRequired(), Email(), Within(User.limits["email"])],
        description=_l("We e-mail a link to this address: it becomes your account's when you open the link."),
    )
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )
    submit = SubmitField(_l("Send the confirmation link"))


class SetPasswordForm(SiteForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_policy], description=_POLICY)
    confirm = PasswordField(
        _l("New password again"), validators=[DataRequired(), EqualTo("password", message=_SAME_AGAIN)]
    )
    submit = SubmitField(_l("Set password"))


class OrganisationForm(SiteForm):
    name = StringField(_l("Name"), filters=[strip], validators=[Within(Organisation.limits["name"])])
    short_name = StringField(
        _l("Short name"),
        filters=[strip],
        validators=[Within(Organisation.limits["short_name"])],
        description=_l("An abbreviation people know it by, such as ARC or DFAT. Optional."),
    )
    kind = SelectField(
        _l("Kind"), coerce=OrganisationKind, choices=[SelectChoice(kind.value, kind.label) for kind in OrganisationKind]
    )
    country = StringField(
        _l("Country"), filters=[strip], validators=[Within(Organisation.limits["country"])], description=_l("Optional.")
    )
    submit = SubmitField(_l("Save organisation"))


class UserForm(SiteForm):
    name = StringField(_l("Name"), filters=[strip], validators=[Within(User.limits["name"])])
    email = EmailField(
        _l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Within(User.limits["email"])]
    )
    role = SelectField(_l("Role"), coerce=Role, choices=[SelectChoice(role.value, role.label) for role in Role])
    organisation_id = SelectField(
        _l("Organisation"),
        coerce=id_or_none,
        description=_l("Staff and co-chairs act for their organisation. Only admins may have none (—)."),
    )
    submit = SubmitField(_l("Save user"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = db.session.execute(
            sa.select(Organisation.id, Organisation.name, Organisation.confirmed).order_by(Organisation.name)
        )
        self.organisation_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(org_id), name if confirmed else _("%(name)s (proposed, awaiting confirmation)", name=name))
            for org_id, name, confirmed in organisations
        ]


class InviteUserForm(UserForm):
    submit = SubmitField(_l("Create user and make a set-password link"))


class UserActiveForm(SiteForm):
    """Deactivate or reactivate: the state wanted is sent, so a double click cannot undo it."""

    active = HiddenField(validators=[AnyOf(["yes", "no"])])


FORUM_KIND_LABELS = {
    ForumKind.CONFERENCE: _l("Conference"),
    ForumKind.PROCESS: _l("Intergovernmental process"),
    ForumKind.PROGRAMME: _l("Programme"),
}


class ForumForm(SiteForm):
    name = StringField(_l("Name"), filters=[strip], validators=[Within(Forum.limits["name"])])
    short_name = StringField(
        _l("Short name"),
        filters=[strip],
        validators=[Within(Forum.limits["short_name"])],
        description=_l("Such as 33IC or ASEAN-ACT. Optional."),
    )
    kind = SelectField(
        _l("Kind"), coerce=ForumKind, choices=[SelectChoice(kind.value, FORUM_KIND_LABELS[kind]) for kind in ForumKind]
    )
    year = IntegerField(
        _l("Year"),
        validators=[
            Optional(),
            NumberRange(
                min=EARLIEST_YEAR,
                max=LATEST_YEAR,
                message=_l(
                    "Enter a year from %(earliest)s to %(latest)s, such as 2019.",
                    earliest=EARLIEST_YEAR,
                    latest=LATEST_YEAR,
                ),
            ),
        ],
        description=_l("The year it was held or began. Optional."),
    )
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        validators=[Within(Forum.limits["description"])],
        description=_l("Optional."),
    )
    submit = SubmitField(_l("Save forum"))


class CountryForm(SiteForm):
    name = StringField(_l("Name"), filters=[strip], validators=[Within(Country.limits["name"])])
    iso_code = StringField(
        _l("ISO code"),
        filters=[strip],
        validators=[Length(max=2, message=_l("Use the two-letter ISO 3166 code, such as FJ or PH."))],
        description=_l(
            "Two letters, such as FJ or PH (ISO 3166). Leave it empty for a region such as “ASEAN member states”."
        ),
    )
    region = SelectField(
        _l("Region of the world"),
        choices=[
            SelectChoice("", _l("The one its ISO code gives")),
            *(SelectChoice(code, regions.label(code)) for code in regions.REGIONS),
        ],
        default="",
        validate_choice=False,  # (the operation refuses an unknown region, with words)
        description=_l("A country's region follows from its ISO code; choose one for a named region."),
    )
    submit = SubmitField(_l("Save"))


class ThemeForm(SiteForm):
    name = StringField(_l("Name"), filters=[strip], validators=[Within(Theme.limits["name"])])
    submit = SubmitField(_l("Save theme"))


class LanguageForm(SiteForm):
    """The language switcher of a logged-in person: kept in their account."""

    language = SelectField(_l("Language"), choices=[])
    next = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each language named in its own words ("français"), which is never translated.
        self.language.choices = [("", _("As my browser asks"))] + [
            (known.code, known.name) for known in i18n.languages()
        ]
