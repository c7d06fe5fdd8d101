from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])
    remember_me = BooleanField("Keep me logged in")
    submit = SubmitField("Log in")


class EmptyForm(FlaskForm):
    """Submit only: makes a state-changing button a CSRF-protected POST."""

    submit = SubmitField("Submit")
