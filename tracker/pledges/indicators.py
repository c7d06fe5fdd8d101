"""What a pledge promised in numbers ("volunteers trained: 500 by 2027"), reported on by its
actions' figures: the pledges area's indicators (core.indicators has their arithmetic)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import indicators
from ..core.dates import DatePrecision
from ..core.extensions import Base


class PledgeIndicator(indicators.IndicatorColumns, Base):
    """What a pledge promised in numbers ("volunteers trained: 500 by 2027"), reported on by
    its actions' figures (core.indicators)."""

    __tablename__ = "pledge_indicators"
    __table_args__ = (indicators.combine_constraint(),)

    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id", ondelete="CASCADE"), index=True)

    # (Named, not imported: the pledge's models import this module.)
    pledge: Mapped[Any] = relationship("Pledge", back_populates="indicators")
    figures: Mapped[list[Any]] = relationship("ActionFigure", back_populates="indicator")

    def readings(self) -> list[indicators.Reading]:
        """The figures its pledge's current actions report against it (`_reading`)."""
        return [_reading(figure) for figure in self.figures if figure.action.withdrawn_at is None]


def _reading(figure: Any) -> indicators.Reading:
    """A figure as a reading, dated as its source gives it: by the year it is for, when it
    says and that is not its action's (a report of 2021 giving "2,037 people trained in
    2020"), else by its action's date; in recording order."""
    action, value, order = figure.action, Decimal(figure.value), (figure.action.position, figure.position)
    if figure.year and (action.date is None or action.date.year != figure.year):
        return indicators.Reading(dt.date(figure.year, 1, 1), value, order, DatePrecision.YEAR)
    return indicators.Reading(action.date, value, order, action.date_precision)
