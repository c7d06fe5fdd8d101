"""Text is kept and shown as people meant it, whatever way it comes in: one limit per kind of
text (tracker/core/limits.py) for the forms, the operations and the import; Unicode NFC;
invisible-only text is blank; unclosed bidi controls cannot turn the page around them."""

import pytest
import sqlalchemy as sa

from tracker.accounts.models import Organisation
from tracker.core.changes import InvalidField
from tracker.core.extensions import db
from tracker.core.limits import Limit
from tracker.pledges.evidence import EvidenceLink
from tracker.pledges.models import ActionFigure, ActionTaken, Pledge
from tracker.pledges.operations import create_pledge
from tracker.roundtables.models import Outcome, OutcomeGroup, ProgressUpdate, Recommendation, Roundtable
from tracker.taxonomy.models import Forum, Theme

from .factories import PASSWORD

RLO, PDF, ZWSP = "\u202e", "\u202c", "\u200b"


@pytest.fixture
def staff(make):
    person = make.staff(organisation=make.organisation(name="Philippine Red Cross"))
    db.session.commit()
    return person


def _login(client, person):
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("title", [ZWSP * 3, f" {RLO}{ZWSP} ", "\u2060\u00ad"])
def test_a_title_of_invisible_characters_is_refused_like_a_blank_one(client, staff, title):
    _login(client, staff)
    response = client.post(
        "/pledges/new", data={"title": title, "lead": str(staff.organisation_id), "text": "Restoring family links."}
    )
    assert response.status_code == 422
    assert "Give the pledge a title." in response.get_data(as_text=True)
    with pytest.raises(InvalidField, match="Give the pledge a title"):
        create_pledge(staff, title=title, lead=staff.organisation)
    assert db.session.scalar(sa.select(sa.func.count(Pledge.id))) == 0


def test_text_is_kept_in_unicode_nfc_however_it_was_typed(staff):
    pledge = create_pledge(staff, title="Cafe\u0301 de la Croix-Rouge", lead=staff.organisation)
    assert pledge.title == "Café de la Croix-Rouge" and len(pledge.title) == 22


def test_a_one_line_field_refuses_line_breaks_and_tabs_saying_so(client, make):
    admin = make.admin()
    db.session.commit()
    _login(client, admin)
    response = client.post("/admin/organisations/new", data={"name": "Red\nCross", "kind": "other"})
    assert response.status_code == 422
    assert "Write this on one line: line breaks and tabs are not kept here." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_an_unclosed_right_to_left_override_is_taken_out_balanced_ones_are_kept(make, staff):
    pledge = make.pledge_in_progress(author=staff)
    action = make.action(
        pledge,
        author=staff,
        figures=[{"label": f"people {RLO}trained", "value": 2037, "unit": f"{RLO}people{PDF}"}],
    )
    [figure] = action.figures
    assert figure.label == "people trained"  # the override never closed: out
    assert figure.unit == f"{RLO}people{PDF}"  # closed where it began: kept


def test_a_control_character_no_one_means_to_type_is_taken_out(staff):
    pledge = create_pledge(staff, title="Regional\x07 Protection\x1b", lead=staff.organisation)
    assert pledge.title == "Regional Protection"


# The models whose texts people type, and every limit they declare.
LIMITED = [Pledge, ActionTaken, ActionFigure, EvidenceLink, Roundtable, OutcomeGroup, Outcome, Recommendation,
           ProgressUpdate, Organisation, Forum, Theme]  # fmt: skip


@pytest.mark.parametrize("model", LIMITED, ids=lambda model: model.__name__)
def test_each_limit_fits_its_column_so_every_way_in_stores_what_it_accepts(model):
    for name, limit in model.limits.items():
        assert isinstance(limit, Limit)
        column = model.__table__.c[name]
        length = getattr(column.type, "length", None)
        assert length is None or limit.max_length <= length, f"{model.__name__}.{name}"
        assert not (limit.required and column.nullable), f"{model.__name__}.{name}: required but nullable"


def test_text_people_typed_is_isolated_on_the_page_so_it_cannot_reorder_the_page(client, make, staff):
    """Names and figure labels in Arabic, or holding a right-to-left mark, are shown each in a
    <bdi> of their own: the numbers and words beside them keep their order."""
    arabic = make.organisation(name="جمعية الهلال الأحمر")
    pledge = make.pledge_in_progress(author=staff, co_signatories=[arabic])
    make.action(
        pledge,
        author=staff,
        organisations=[staff.organisation],
        figures=[{"label": "متطوعون مدربون", "value": 2037, "unit": "people\u200f"}],
    )
    db.session.commit()
    page = client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    assert "<bdi>جمعية الهلال الأحمر</bdi>" in page
    assert "<bdi>متطوعون مدربون</bdi>: <strong>2,037</strong> <bdi>people\u200f</bdi>" in page
    assert f'<h1 lang="en" dir="auto">{pledge.title}</h1>' in page  # (isolated by dir="auto")
