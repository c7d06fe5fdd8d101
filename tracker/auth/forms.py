from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    # Stripped before validation: a space pasted with the address is not a typo to report.
    email = EmailField("E-mail", filters=[_strip], validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])
    remember_me = BooleanField("Keep me logged in")
    submit = SubmitField("Log in")


class EmptyForm(FlaskForm):
    """Submit only: makes a state-changing button a CSRF-protected POST."""

    submit = SubmitField("Submit")
