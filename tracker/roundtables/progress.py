"""Progress on a recommendation, as its owners report it — dated updates with a figure
against one of its indicators, a link and files as evidence — and the indicators its
co-chairs set (`core.indicators`). (`operations` offers these with every other change.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..accounts.models import Organisation, User
from ..core import access, clock, indicators
from ..core import files as evidence_files
from ..core.changes import InvalidField, OperationRefused, flush_or_conflict
from ..core.columns import utcnow
from ..core.extensions import db
from ..core.history import HistoryEntry, record_history
from ..core.i18n import _l
from ..core.limits import Limit
from ..core.settings import setting
from ..core.text import is_web_url
from .models import ProgressUpdate, Recommendation, RecommendationIndicator, UpdateFile
from .workflow import RecommendationWorkflow


def acting_owner(recommendation: Recommendation, actor: User) -> Organisation:
    """The owner organisation `actor` acts for on `recommendation`."""
    return next(o for o in recommendation.owner_organisations if o.id == actor.organisation_id)


def words(limit: Limit, text: str | None, field: str) -> str:
    """A text cleaned by its limit, without spaces around it."""
    return limit.clean(text, field).strip()


def set_indicators(recommendation: Recommendation, actor: User, rows: Sequence[dict[str, Any]]) -> HistoryEntry | None:
    """Set what the recommendation aims at in numbers (`core.indicators.set_indicators`),
    as its co-chairs may; an indicator kept keeps the figures reported against it."""
    access.require(actor, "edit", recommendation)
    recommendation.indicators, changes = indicators.set_indicators(
        recommendation.indicators, rows, RecommendationIndicator
    )
    if not changes:
        return None
    recommendation.updated_at = utcnow()
    flush_or_conflict(recommendation)
    return record_history(recommendation, "indicators_set", actor, changes=changes)


def _update_files(files: Sequence[evidence_files.Upload], actor: User) -> list[UpdateFile]:
    """An update's files, each checked (core.files)."""
    limit = setting("EVIDENCE_MAX_BYTES", evidence_files.DEFAULT_MAX_BYTES)
    checked = evidence_files.check_all(list(files), kept=0, max_bytes=limit)
    return [UpdateFile(position=i, created_by_id=actor.id, **upload) for i, upload in enumerate(checked)]


def _evidence_link(url: str | None) -> str | None:
    """An update's link: a web address, or none."""
    url = words(ProgressUpdate.limits["link_url"], url, "link_url").strip() or None
    if url is not None and not is_web_url(url):
        raise InvalidField("link_url", _l("The link must be a web address starting with https:// or http://."))
    return url


def _reported(recommendation: Recommendation, indicator: Any, value: Any) -> dict[str, Any]:
    """The figure an update reports: one of the recommendation's indicators (by id or name)
    and a value, both or neither."""
    amount = indicators.number(value, "value", _l("The figure"))
    if indicator in (None, "") and amount is None:
        return {}
    found = indicators.chosen(recommendation.indicators, indicator)
    if found is None:
        raise InvalidField("indicator", _l("Choose which of the recommendation's indicators the figure reports on."))
    if amount is None:
        raise InvalidField("value", _l("Give the figure for “%(indicator)s”.", indicator=found.name))
    return {"indicator": found, "value": amount}


def post_progress_update(
    recommendation: Recommendation,
    actor: User,
    *,
    text: str,
    date: dt.date | None,
    indicator: int | str | None = None,
    value: Any = None,
    link_url: str | None = None,
    files: Sequence[evidence_files.Upload] = (),
) -> ProgressUpdate:
    """An owner's dated note on `recommendation`, optionally with a figure reported against
    one of its indicators, a link and files as its evidence."""
    access.require(actor, "post_update", recommendation)
    if not recommendation.is_agreed:
        raise OperationRefused(_l("Progress can be reported once the co-chairs have agreed this recommendation."))
    if recommendation.status == RecommendationWorkflow.verified.value:
        raise OperationRefused(_l("This recommendation is done and verified; there is no more progress to report."))
    text = words(ProgressUpdate.limits["text"], text, "text")
    if date is None:
        raise OperationRefused(_l("Give the date of the update."))
    if date > clock.today():
        raise OperationRefused(_l("A progress update cannot be dated in the future."))
    update = ProgressUpdate(
        recommendation=recommendation,
        organisation_id=acting_owner(recommendation, actor).id,
        author_id=actor.id,
        date=date,
        text=text,
        link_url=_evidence_link(link_url),
        files=_update_files(files, actor),
        **_reported(recommendation, indicator, value),
    )
    db.session.add(update)
    db.session.flush()
    evidence = [file.describe() for file in update.files] + ([update.link_url] if update.link_url else [])
    changes = {"text": [None, update.text]} | ({"evidence": [None, evidence]} if evidence else {})
    record_history(update, "update_posted", actor, changes=changes)
    return update
