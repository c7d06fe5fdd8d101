"""Evidence files (issue 20, item 3): a co-chair asks an owner to "attach the circulation
e-mail" — now a progress update takes a link and files, and an action files as well as
links. What a file is comes from its bytes: a renamed executable is refused, so is a file
over the limit (which the refusal names); a file is served only as a download, and only to
those who may see its record — the public once it is public — and goes with a withdrawn
action."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core.changes import InvalidField
from tracker.core.extensions import db
from tracker.core.files import Upload
from tracker.core.history import HistoryEntry
from tracker.pledges.evidence import ActionFile
from tracker.pledges.operations import withdraw_action
from tracker.roundtables.models import UpdateFile
from tracker.roundtables.operations import post_progress_update

from .evidence import elf_bytes, pdf_bytes, png_bytes
from .factories import PASSWORD


def text_of(response) -> str:
    return response.get_data(as_text=True)


def _login(client, person):
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


@pytest.fixture
def draft(make):
    pledge = make.pledge(title="Restoring family links")
    staff = make.staff(organisation=pledge.lead_signatory)
    db.session.commit()
    return pledge, staff


def _action_form(staff, **extra):
    return {
        "date": "2024-05-03",
        "summary": "Circulated the guidance to every branch.",
        "organisations": [staff.organisation_id],
        "figures-0-label": "",
        "links-0-url": "",
        **extra,
    }


def test_staff_attach_files_to_an_action_and_only_those_who_may_see_it_download_them(client, draft, make):
    pledge, staff = draft
    _login(client, staff)
    response = client.post(
        f"/pledges/{pledge.slug}/actions/new",
        data=_action_form(
            staff,
            new_files=[(io.BytesIO(pdf_bytes()), "Circulation e-mail.pdf"), (io.BytesIO(png_bytes()), "photo.PNG")],
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    pdf, png = db.session.scalars(sa.select(ActionFile).order_by(ActionFile.position)).all()
    assert (pdf.filename, pdf.content_type, pdf.size) == ("Circulation e-mail.pdf", "application/pdf", len(pdf_bytes()))
    assert (png.filename, png.content_type) == ("photo.png", "image/png")
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    address = f"/pledges/{pledge.slug}/actions/{pdf.action_id}/files/{pdf.id}"
    # (a paperclip icon, hidden from screen readers, before the name)
    assert re.search(
        rf'<a href="{re.escape(address)}" download>(<svg[^>]*aria-hidden="true"[^>]*>.*?</svg> )?<bdi>Circulation e-mail.pdf</bdi></a>',
        page,
    )
    assert "(PDF, " in page

    download = client.get(address)
    assert download.status_code == 200 and download.data == pdf_bytes()
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="Circulation e-mail.pdf"')
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]  # a draft's: kept by no cache

    client.post("/auth/logout")
    assert client.get(address).status_code == 404  # a draft: not even said to exist
    outsider = make.staff()
    db.session.commit()
    _login(client, outsider)
    assert client.get(address).status_code == 404
    client.post("/auth/logout")
    take_transition(pledge, "start", staff)
    db.session.commit()
    public = client.get(address)
    assert public.status_code == 200 and "public" in public.headers["Cache-Control"]
    api = client.get(f"/api/v1/pledges/{pledge.slug}").get_json()
    assert api["actions"][0]["files"][0] == {
        "filename": "Circulation e-mail.pdf",
        "content_type": "application/pdf",
        "size": len(pdf_bytes()),
        "url": f"http://localhost{address}",
    }
    # Withdrawn, the action takes its files with it.
    action = pdf.action
    withdraw_action(action, staff, reason="Recorded on the wrong pledge.")
    db.session.commit()
    assert client.get(address).status_code == 404


def test_a_renamed_executable_is_refused_and_the_form_keeps_what_was_typed(client, draft):
    pledge, staff = draft
    _login(client, staff)
    refused = client.post(
        f"/pledges/{pledge.slug}/actions/new",
        data=_action_form(staff, new_files=[(io.BytesIO(elf_bytes()), "report.pdf")]),
        content_type="multipart/form-data",
    )
    page = text_of(refused)
    assert refused.status_code == 422
    assert "“report.pdf” is not a PDF, an image (PNG, JPEG, GIF or WebP) or an office document" in page
    assert "whatever its name says" in page
    assert "Circulated the guidance to every branch.</textarea>" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionFile)) == 0
    assert not pledge.actions


def test_a_file_over_the_limit_is_refused_naming_the_limit(client, draft, app):
    pledge, staff = draft
    app.config["EVIDENCE_MAX_BYTES"] = 2 * 1024
    _login(client, staff)
    big = pdf_bytes() + b"%" + b"x" * 4096
    refused = client.post(
        f"/pledges/{pledge.slug}/actions/new",
        data=_action_form(staff, new_files=[(io.BytesIO(big), "annual report.pdf")]),
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "a file may be at most 2 KB" in text_of(refused) and "“annual report.pdf” is" in text_of(refused)
    page = text_of(client.get(f"/pledges/{pledge.slug}/actions/new"))
    assert "each up to 2 KB" in page


def test_an_edit_takes_a_file_off_and_history_says_so(client, draft):
    pledge, staff = draft
    from tracker.pledges.operations import record_action

    action = record_action(
        pledge,
        staff,
        date=None,
        summary="Trained 40 volunteers.",
        organisations=[staff.organisation],
        files=[Upload("attendance.pdf", pdf_bytes())],
    )
    db.session.commit()
    file_id = action.files[0].id
    _login(client, staff)
    form = text_of(client.get(f"/pledges/{pledge.slug}/actions/{action.id}/edit"))
    assert "attendance.pdf" in form and 'name="remove_files"' in form
    saved = client.post(
        f"/pledges/{pledge.slug}/actions/{action.id}/edit",
        data={
            "summary": "Trained 40 volunteers.",
            "organisations": [staff.organisation_id],
            "remove_files": [str(file_id)],
            "figures-0-label": "",
            "links-0-url": "",
            "version": str(action.version),
        },
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    assert db.session.get(ActionFile, file_id) is None
    entry = db.session.scalar(sa.select(HistoryEntry).where(HistoryEntry.event == "action_edited"))
    assert entry.changes["files"][0][0].startswith("attendance.pdf (PDF, ")
    assert entry.changes["files"][1] == []


def test_an_owner_posts_an_update_with_a_link_and_the_circulation_email(client, make):
    co_chair = make.co_chair()
    owner = make.organisation()
    public = make.roundtable(co_chairs=[co_chair.organisation], slug="bali")
    private = make.roundtable(co_chairs=[co_chair.organisation], is_public=False, slug="closed")
    staff = make.staff(organisation=owner)
    open_one = make.recommendation(roundtable=public, owners=[owner])
    closed_one = make.recommendation(roundtable=private, owners=[owner])
    for recommendation in (open_one, closed_one):
        take_transition(recommendation, "agree", co_chair)
    db.session.commit()
    _login(client, staff)
    bad_link = client.post(
        f"/recommendations/{open_one.id}/updates",
        data={"update-date": "2024-05-03", "update-text": "Circulated.", "update-link_url": "ftp://example.org/x"},
    )
    assert bad_link.status_code == 422 and "The link must be a web address" in text_of(bad_link)
    posted = client.post(
        f"/recommendations/{open_one.id}/updates",
        data={
            "update-date": "2024-05-03",
            "update-text": "Circulated to the Ministers.",
            "update-link_url": "https://www.baliprocess.net/news",
            "update-new_files": [(io.BytesIO(pdf_bytes()), "circulation e-mail.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert posted.status_code == 302
    history = text_of(client.get(f"/recommendations/{open_one.id}/history"))
    assert "Evidence: circulation e-mail.pdf (PDF, " in history and "https://www.baliprocess.net/news" in history
    post_progress_update(
        closed_one, staff, text="Circulated.", date=open_one.agreed_on, files=[Upload("x.pdf", pdf_bytes())]
    )
    db.session.commit()
    open_file, closed_file = db.session.scalars(sa.select(UpdateFile).order_by(UpdateFile.id)).all()
    client.post("/auth/logout")
    page = text_of(client.get(f"/recommendations/{open_one.id}"))
    assert "baliprocess.net" in page and "circulation e-mail.pdf" in page
    update = open_file.update
    assert client.get(f"/recommendations/{open_one.id}/updates/{update.id}/files/{open_file.id}").status_code == 200
    closed = closed_file.update
    assert client.get(f"/recommendations/{closed_one.id}/updates/{closed.id}/files/{closed_file.id}").status_code == 404
    # Another recommendation's address never serves this one's file.
    assert client.get(f"/recommendations/{open_one.id}/updates/{closed.id}/files/{closed_file.id}").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "“empty.pdf” is empty"),
        ("notes.txt", b"Just some words.", "“notes.txt” is not a PDF"),
        ("setup.exe", b"MZ" + b"\x00" * 300, "“setup.exe” is not a PDF"),
    ],
)
def test_what_may_be_attached_is_judged_by_the_bytes(name, data, message):
    from tracker.core import files

    with pytest.raises(InvalidField, match=message):
        files.check(Upload(name, data))
    # A real image with the wrong name is kept under its real type.
    assert files.check(Upload("scan.pdf", png_bytes()))["filename"] == "scan.png"
