"""Administration › Countries and regions (issue 18): an import creates the countries its
files name without an ISO code; an admin gives them one, renames them, adds regions — every
way in refusing the same codes and look-alike names, with history in the audit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tracker.core.changes import InvalidField
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.taxonomy import operations as taxonomy
from tracker.taxonomy.models import Country

from .factories import PASSWORD


@pytest.fixture
def admin(make, client):
    person = make.admin()
    db.session.commit()
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302
    return person


def test_an_admin_gives_a_country_an_import_created_its_iso_code(client, admin):
    imported = Country(name="Fiji")  # as an import creates it: no code
    db.session.add(imported)
    db.session.commit()
    listed = client.get("/admin/countries").get_data(as_text=True)
    assert "none (a region)" in listed
    saved = client.post(f"/admin/countries/{imported.id}", data={"name": "Fiji", "iso_code": "fj"})
    assert saved.status_code == 302 and saved.headers["Location"] == "/admin/countries"
    assert db.session.get(Country, imported.id).iso_code == "FJ"
    entry = db.session.scalar(sa.select(HistoryEntry).where(HistoryEntry.record_type == "country"))
    assert (entry.event, entry.actor_id, entry.changes) == ("edited", admin.id, {"iso_code": [None, "FJ"]})
    assert "Fiji" in client.get("/admin/audit").get_data(as_text=True)


@pytest.mark.parametrize(
    "data, field_message",
    [
        ({"name": "Tonga", "iso_code": "T0"}, "Use the two-letter ISO 3166 code, such as FJ or PH; leave it empty for a region."),
        ({"name": "Tonga", "iso_code": "fj"}, "Another country has the code FJ."),
        ({"name": "FIJI ", "iso_code": ""}, "A country or region with this name already exists: “Fiji”."),
        ({"name": "", "iso_code": "TO"}, "Give the country&#39;s or region&#39;s name."),
    ],
)  # fmt: skip
def test_a_refused_country_keeps_what_was_typed_and_says_what_to_fix(client, admin, data, field_message):
    taxonomy.create_country(admin, name="Fiji", iso_code="FJ")
    db.session.commit()
    refused = client.post("/admin/countries/new", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert field_message in page
    assert not data["name"] or f'value="{data["name"].strip()}"' in page  # (kept as typed, trimmed)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Country)) == 1


def test_a_region_has_no_code_and_the_operation_refuses_what_the_form_refuses(app, make):
    admin = make.admin()
    region = taxonomy.create_country(admin, name="ASEAN member states")
    assert region.iso_code is None
    with pytest.raises(InvalidField) as refused:
        taxonomy.update_country(region, admin, name="ASEAN member states", iso_code="ASEAN")
    assert refused.value.field == "iso_code"
