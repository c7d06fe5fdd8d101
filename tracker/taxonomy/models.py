"""What records are filed under: the forums where commitments are made (conferences,
intergovernmental processes, programmes), themes, and countries or regions. Pledges and
roundtables are filed under them; the public lists filter by them; admins keep them.
"""

from __future__ import annotations

import enum
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..core.changes import RESERVED_SLUGS
from ..core.columns import choice, give_slugs_by_name, slug_from_name
from ..core.extensions import Base
from ..core.i18n import _l
from ..core.limits import Limit
from . import regions


class ForumKind(enum.Enum):
    CONFERENCE = "conference"
    PROCESS = "process"
    PROGRAMME = "programme"


class Forum(Base):
    """Where a commitment was made: a conference, an intergovernmental process, a programme."""

    __tablename__ = "forums"
    limits: ClassVar[dict[str, Limit]] = {
        "name": Limit(300, required=_l("Give the forum's name.")),
        "short_name": Limit(80),
        "description": Limit(5_000, lines=True),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300), unique=True)
    # Its page's address, /forums/<slug>: made from its name when it is added, never changed.
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    short_name: Mapped[str | None] = mapped_column(sa.String(80))
    kind: Mapped[ForumKind] = mapped_column(choice(ForumKind, "forum_kind"))
    year: Mapped[int | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")


give_slugs_by_name(Forum, fallback="forum", reserved=RESERVED_SLUGS)


class Theme(Base):
    __tablename__ = "themes"
    limits: ClassVar[dict[str, Limit]] = {"name": Limit(120, required=_l("Give the theme's name."))}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)


class Country(Base):
    """A country or a named region ("ASEAN member states"); regions have no ISO code."""

    __tablename__ = "countries"
    limits: ClassVar[dict[str, Limit]] = {"name": Limit(120, required=_l("Give the country's or region's name."))}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # Its identifier in addresses and API filters (/api/v1/pledges?country=cambodia): made from
    # its name when it is added, never changed.
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, default=slug_from_name("countries", "country"))
    iso_code: Mapped[str | None] = mapped_column(sa.String(2), unique=True)
    # Its region of the world (`regions`: an M49 code), which its ISO code gives; an admin
    # gives a named region one. The public lists and charts count pledges by it.
    region: Mapped[str | None] = mapped_column(sa.String(3), index=True)

    @property
    def region_name(self) -> str | None:
        """Its region of the world's name, in the reader's language."""
        return regions.name(self.region) if self.region else None

    @validates("iso_code")
    def _region_from_code(self, _key: str, iso_code: str | None) -> str | None:
        if (region := regions.region_of(iso_code)) is not None:
            self.region = region
        return iso_code


give_slugs_by_name(Country, fallback="country")
