"""The follow-through report as CSV: one row per recommendation of the report, for the next
meeting's papers — the same rows as the printed report."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from ..core import csv_cells
from ..core.i18n import _l
from . import follow_through
from .models import Recommendation, Roundtable

# The header row, in the reader's language (the report is for people; its English names are
# what a script reading the English report finds).
CSV_COLUMNS = [
    _l("roundtable"), _l("heading"), _l("recommendation"), _l("lead owner"), _l("other owners"), _l("state"),
    _l("due date"), _l("overdue"), _l("latest update date"), _l("latest update"), _l("review"), _l("reviewed by"),
    _l("reviewed on"), _l("review words"), _l("what changed"),
]  # fmt: skip


def report_csv(roundtable: Roundtable, recommendations: Iterable[Recommendation], today: dt.date) -> str:
    """The report's CSV text, with a byte-order mark so that spreadsheets read the UTF-8
    (Lao, Khmer, Thai…); every cell escaped so that a spreadsheet shows it as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column) for column in CSV_COLUMNS])
    for recommendation in recommendations:
        writer.writerow(csv_cells.escape(value) for value in _row(roundtable, recommendation, today))
    return "\ufeff" + out.getvalue()


def _row(roundtable: Roundtable, recommendation: Recommendation, today: dt.date) -> list[str]:
    update = recommendation.latest_update
    review = recommendation.latest_review
    return [
        roundtable.title,
        recommendation.group.heading if recommendation.group else "",
        recommendation.text,
        recommendation.lead_owner.name if recommendation.lead_owner else "",
        "; ".join(org.name for org in recommendation.other_owners),
        str(recommendation.status_label),
        recommendation.due_date.isoformat() if recommendation.due_date else "",
        str(_l("yes") if follow_through.is_overdue(recommendation, today) else _l("no")),
        update.date.isoformat() if update else "",
        update.text if update else "",
        str(review.label) if review else "",
        review.by.name if review and review.by else "",
        review.at.date().isoformat() if review else "",
        review.words if review and review.words else "",
        str(recommendation.outcome_label or ""),
    ]
