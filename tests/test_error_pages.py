"""Every error a visitor can meet is a page of the site, in its layout, saying what happened
and where to go; the API answers the same errors in JSON. A server error undoes whatever
the request had written and is logged."""

import logging

import pytest
import sqlalchemy as sa

from tracker.accounts.models import Organisation, OrganisationKind
from tracker.core.extensions import db

from .factories import PASSWORD


def text_of(response) -> str:
    return response.get_data(as_text=True)


def _in_the_sites_layout(page: str) -> bool:
    return 'class="navbar-brand' in page and "site-footer" in page and 'href="/pledges"' in page


@pytest.fixture
def trigger(app, client, make):
    """A function making a request that ends in the given status code, by ordinary use of
    the site (no error is faked, except the 500, which needs a view that fails)."""

    def broken_view():
        db.session.add(Organisation(name="Half-written", kind=OrganisationKind.OTHER))
        db.session.flush()
        raise RuntimeError("a bug")

    app.add_url_rule("/test-only/broken", "broken", broken_view, methods=["GET", "POST"])
    app.config["PROPAGATE_EXCEPTIONS"] = False
    staff = make.staff()
    db.session.commit()

    def request(code: int, api: bool = False):
        if code == 400:
            return client.get("/api/v1/pledges?q=%00" if api else "/pledges?q=%00")
        if code == 403:
            client.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
            response = client.get("/admin/")
            client.post("/auth/logout")
            return response
        if code == 404:
            return client.get("/api/v1/pledges/no-such-pledge" if api else "/pledges/no-such-pledge")
        if code == 422:
            return client.get("/api/v1/pledges?per_page=0")
        if code == 405:
            return client.post("/api/v1/pledges" if api else "/pledges")
        if code == 413:
            return client.post("/api/v1/pledges" if api else "/auth/login", data={"email": "x" * (2 * 1024 * 1024)})
        if code == 429:
            app.config["LOGIN_LIMIT_PER_ADDRESS"] = "1 per minute"
            client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong"})
            return client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong"})
        if code == 500:
            return client.get("/test-only/broken")
        raise AssertionError(code)

    from tracker.core.web.security import limiter

    limiter.reset()
    yield request
    limiter.reset()


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "The request could not be understood"),
        (403, "You may not do this"),
        (404, "Page not found"),
        (405, "Not allowed here"),
        (413, "Too large"),
        (429, "Too many attempts"),
        (500, "Something went wrong on our side"),
    ],
)
def test_each_error_is_a_page_in_the_sites_layout(trigger, code, title):
    response = trigger(code)
    page = text_of(response)
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert f"<h1>{title}</h1>" in page and f"Error {code}" in page
    assert _in_the_sites_layout(page)
    assert "Traceback" not in page and "a bug" not in page


def test_an_edit_conflict_is_a_409_page_that_keeps_what_was_typed(client, auth, make):
    pledge = make.pledge()
    staff = make.staff(organisation=pledge.lead_signatory)
    db.session.commit()
    auth.login(staff.email)
    stale_version = pledge.version
    pledge.title = "Changed by someone else"
    db.session.commit()
    response = client.post(
        f"/pledges/{pledge.slug}/edit",
        data={
            "title": "My careful rewording",
            "text": pledge.text,
            "lead": pledge.lead_signatory.id,
            "version": stale_version,
        },
    )
    assert response.status_code == 409
    page = text_of(response)
    assert _in_the_sites_layout(page) and "My careful rewording" in page


# The API's 500 is tested in test_api (test_an_unexpected_error_in_the_api_is_json_too), its
# 429 in test_api_web. (It reads no body: a POST is 405 before any 400 or 413.)
@pytest.mark.parametrize("code", [404, 405, 422])
def test_the_api_answers_errors_in_json(trigger, code):
    response = trigger(code, api=True)
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code and body["message"]


def test_a_server_error_rolls_back_what_the_request_wrote_and_is_logged(trigger, caplog):
    with caplog.at_level(logging.ERROR, logger="tracker"):
        response = trigger(500)
    assert response.status_code == 500
    assert db.session.scalar(sa.select(sa.func.count()).where(Organisation.name == "Half-written")) == 0
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.message == "Unhandled error" and record.exc_info and "a bug" in str(record.exc_info[1])
