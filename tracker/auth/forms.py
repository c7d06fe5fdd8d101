from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..accounts import PASSWORD_MAX_LENGTH, password_problem
from ..forms import SiteForm


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(SiteForm):
    # Stripped before validation: a space pasted with the address is not a typo to report.
    email = EmailField("E-mail", filters=[_strip], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])
    remember_me = BooleanField("Keep me logged in")
    submit = SubmitField("Log in")


class EmptyForm(SiteForm):
    """Submit only: makes a state-changing button a CSRF-protected POST."""

    submit = SubmitField("Submit")


def _password_policy(form, field):
    """The one password policy (`accounts.password_problem`), shown beside the field."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


_SAME_AGAIN = "The two new passwords are not the same. Type it again in both."
_POLICY = "At least 12 characters. A few unrelated words are easy to remember and hard to guess."


class ChangePasswordForm(SiteForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
    new_password = PasswordField("New password", validators=[DataRequired(), _password_policy], description=_POLICY)
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("new_password", message=_SAME_AGAIN)]
    )
    submit = SubmitField("Change password")


class SetPasswordForm(SiteForm):
    password = PasswordField("New password", validators=[DataRequired(), _password_policy], description=_POLICY)
    confirm = PasswordField("New password again", validators=[DataRequired(), EqualTo("password", message=_SAME_AGAIN)])
    submit = SubmitField("Set password")
