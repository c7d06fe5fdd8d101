"""An organisations file's rows: a name, a kind, a short name and a country each, checked
before anything is written."""

from __future__ import annotations

from ...accounts.models import Organisation
from ...core.i18n import _l
from .cells import (
    Invalid,
    parse_kind,
    short_text,
)
from .rows import Row


class OrganisationRow(Row):
    """An organisation of an organisations file: new to the tracker (an admin imports it,
    so it is confirmed); pledges and actions of the same import may name it."""

    def check(self) -> None:
        name = self.cell("name", self._name)
        short_name = self.cell("short_name", short_text, Organisation, "short_name")
        kind = self.cell("kind", parse_kind)
        country = self.cell("country", short_text, Organisation, "country")
        if not self.valid:
            return
        organisation = Organisation(name=name, short_name=short_name, kind=kind, country=country, confirmed=True)
        self.batch.organisations.append(organisation)
        self.batch.names.organisations.add(organisation)

    def _name(self, value: str) -> str:
        name = Organisation.limits["name"].clean(value, "name")
        existing = self.batch.names.organisations.named(name)
        if existing is not None:
            raise Invalid(_l("an organisation called “%(name)s” already exists.", name=existing.name))
        return name
