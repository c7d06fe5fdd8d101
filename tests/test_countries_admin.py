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
    saved = db.session.get(Country, imported.id)
    assert (saved.iso_code, saved.region) == ("FJ", "009")  # its code gives its region of the world: Oceania
    entry = db.session.scalar(sa.select(HistoryEntry).where(HistoryEntry.record_type == "country"))
    changes = {"iso_code": [None, "FJ"], "region": [None, "009"]}
    assert (entry.event, entry.actor_id, entry.changes) == ("edited", admin.id, changes)
    assert "Fiji" in client.get("/admin/audit").get_data(as_text=True)
    assert '<td data-label="Region of the world">Oceania</td>' in client.get("/admin/countries").get_data(as_text=True)


def test_a_named_region_is_given_its_region_of_the_world_and_a_code_outranks_a_choice(client, admin):
    """(Issue 19, "by region".) A named region has no ISO code: the admin says where it is."""
    added = client.post("/admin/countries/new", data={"name": "ASEAN member states", "iso_code": "", "region": "142"})
    assert added.status_code == 302
    region = db.session.scalar(sa.select(Country).where(Country.name == "ASEAN member states"))
    assert (region.iso_code, region.region) == (None, "142")
    form = client.get(f"/admin/countries/{region.id}").get_data(as_text=True)
    assert '<option selected value="142">Asia</option>' in form
    client.post("/admin/countries/new", data={"name": "Papua New Guinea", "iso_code": "pg", "region": "142"})
    assert db.session.scalar(sa.select(Country.region).where(Country.iso_code == "PG")) == "009"
    refused = client.post("/admin/countries/new", data={"name": "Sahel", "iso_code": "", "region": "999"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Choose one of the regions listed." in page and 'value="Sahel"' in page
    assert db.session.scalar(sa.select(Country).where(Country.name == "Sahel")) is None


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
