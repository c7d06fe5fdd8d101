"""The notifications area's forms: buttons only (a retry, a confirmed unsubscribe)."""

from __future__ import annotations

from wtforms import SubmitField

from ..core.web.forms import SiteForm


class RetryForm(SiteForm):
    submit = SubmitField("Retry")


class UnsubscribeForm(SiteForm):
    submit = SubmitField("Stop these e-mails")
