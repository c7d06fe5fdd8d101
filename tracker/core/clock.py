"""Today's date, which tests (and demos of "overdue" or "stale") can fix with the
`TODAY` config key instead of waiting for the calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from . import settings


def today(config: Mapping[str, Any] | None = None) -> dt.date:
    """Today, or the TODAY of `config` (the current app's when not given)."""
    fixed = config.get("TODAY") if config is not None else settings.setting("TODAY")
    return fixed or dt.date.today()
