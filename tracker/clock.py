"""Today's date, which tests (and demos of "overdue" or "stale") can fix with the
`TODAY` config key instead of waiting for the calendar."""
import datetime as dt

from flask import current_app, has_app_context


def today(config=None) -> dt.date:
    """Today, or the TODAY of `config` (the current app's when not given)."""
    if config is None and has_app_context():
        config = current_app.config
    fixed = config.get("TODAY") if config is not None else None
    return fixed or dt.date.today()
