"""What every blueprint does with the values in its addresses."""

from __future__ import annotations

from typing import Any

from flask import abort

from ..ids import could_be_id


def not_found_beyond_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A blueprint's `url_value_preprocessor`: 404 for an `<int:...>` id no record can have."""
    for value in (values or {}).values():
        if isinstance(value, int) and not could_be_id(value):
            abort(404)
