"""Today's date, which tests (and demos of "overdue" or "stale") can fix with the
`TODAY` config key instead of waiting for the calendar."""
import datetime as dt

from flask import current_app, has_app_context


def today() -> dt.date:
    fixed = current_app.config.get("TODAY") if has_app_context() else None
    return fixed or dt.date.today()
