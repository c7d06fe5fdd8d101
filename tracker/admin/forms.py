"""The admin pages' forms. They check what a form can (required, lengths, choices);
`accounts` checks the rest (duplicates, who needs an organisation) and says why."""
import sqlalchemy as sa
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Email, Length, NumberRange, Optional

from ..extensions import db
from ..forms import SiteForm
from ..ids import parse_id
from ..models import Forum, ForumKind, Organisation, OrganisationKind, Role, Theme, User

FORUM_KIND_LABELS = {
    ForumKind.CONFERENCE: "Conference",
    ForumKind.PROCESS: "Intergovernmental process",
    ForumKind.PROGRAMME: "Programme",
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_int(value):
    """An <option value=""> is "none"; anything else must be a record's id (a whole number)."""
    if value in ("", None):
        return None
    return parse_id(value)


def _length(column) -> Length:
    return Length(max=column.property.columns[0].type.length)


class OrganisationForm(SiteForm):
    name = StringField("Name", filters=[_strip], validators=[DataRequired(), _length(Organisation.name)])
    short_name = StringField(
        "Short name",
        filters=[_strip],
        validators=[Optional(), _length(Organisation.short_name)],
        description="An abbreviation people know it by, such as ARC or DFAT. Optional.",
    )
    kind = SelectField(
        "Kind", coerce=OrganisationKind, choices=[SelectChoice(kind.value, kind.label) for kind in OrganisationKind]
    )
    country = StringField(
        "Country", filters=[_strip], validators=[Optional(), _length(Organisation.country)], description="Optional."
    )
    submit = SubmitField("Save organisation")


class UserForm(SiteForm):
    name = StringField("Name", filters=[_strip], validators=[DataRequired(), _length(User.name)])
    email = EmailField("E-mail", filters=[_strip], validators=[DataRequired(), Email(), _length(User.email)])
    role = SelectField("Role", coerce=Role, choices=[SelectChoice(role.value, role.label) for role in Role])
    organisation_id = SelectField(
        "Organisation",
        coerce=_optional_int,
        description="Staff and co-chairs act for their organisation. Only admins may have none (—).",
    )
    submit = SubmitField("Save user")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = db.session.execute(
            sa.select(Organisation.id, Organisation.name, Organisation.confirmed).order_by(Organisation.name)
        )
        self.organisation_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(org_id), name if confirmed else f"{name} (proposed, awaiting confirmation)")
            for org_id, name, confirmed in organisations
        ]


class InviteUserForm(UserForm):
    submit = SubmitField("Create user and make a set-password link")


class UserActiveForm(SiteForm):
    """Deactivate or reactivate: the state wanted is sent, so a double click cannot undo it."""

    active = HiddenField(validators=[AnyOf(["yes", "no"])])


class ForumForm(SiteForm):
    name = StringField("Name", filters=[_strip], validators=[DataRequired(), _length(Forum.name)])
    short_name = StringField(
        "Short name",
        filters=[_strip],
        validators=[Optional(), _length(Forum.short_name)],
        description="Such as 33IC or ASEAN-ACT. Optional.",
    )
    kind = SelectField(
        "Kind", coerce=ForumKind, choices=[SelectChoice(kind.value, FORUM_KIND_LABELS[kind]) for kind in ForumKind]
    )
    year = IntegerField(
        "Year",
        validators=[Optional(), NumberRange(min=1900, max=2100, message="Give a year between 1900 and 2100.")],
        description="The year it was held or began. Optional.",
    )
    description = TextAreaField("Description", filters=[_strip], description="Optional.")
    submit = SubmitField("Save forum")


class ThemeForm(SiteForm):
    name = StringField("Name", filters=[_strip], validators=[DataRequired(), _length(Theme.name)])
    submit = SubmitField("Save theme")
