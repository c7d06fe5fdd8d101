"""Nothing that is not public appears in any public output.

One world holds one of everything private — a draft pledge (and its action), a withdrawn
action, a pledge's contact person and e-mail, a private roundtable, a draft recommendation,
a recommendation's contact, a private send-back reason, staff e-mail addresses — and every
public page, download, feed and API answer is searched for each of them.
"""

import datetime as dt
import re

import pytest

from tests.factories import take_transition
from tracker.core.extensions import db
from tracker.pledges.operations import withdraw_action
from tracker.roundtables.models import Recommendation, Roundtable
from tracker.roundtables.operations import create_recommendation

from .test_roundtables import world  # noqa: F401  (the roundtable world fixture)

SECRETS = {
    "draft pledge": "Unpublished plan Quokka",
    "draft pledge's action": "Draft action Wombat",
    "withdrawn action": "Withdrawn seminar Platypus",
    "pledge contact": "Jane Officer",
    "pledge contact e-mail": "jane.officer@redcross.example",
    "private roundtable": "Closed meeting Numbat",
    "draft recommendation": "Draft recommendation Bilby",
    "recommendation contact": "Ravi Contact",
    "recommendation contact e-mail": "ravi.contact@gov.example",
    "private send-back reason": "Private reason Echidna",
}
E_MAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@pytest.fixture
def secrets_world(make, world):  # noqa: F811
    staff = make.staff()
    pledge = make.pledge_in_progress(
        author=staff,
        title="Regional Protection",
        contact_name=SECRETS["pledge contact"],
        contact_email=SECRETS["pledge contact e-mail"],
    )
    make.action(
        pledge,
        author=staff,
        summary="Organised three roundtables.",
        links=[{"url": "https://example.org/r", "title": "Report"}],
    )
    withdrawn = make.action(pledge, author=staff, summary=SECRETS["withdrawn action"])
    withdraw_action(withdrawn, staff, reason="Recorded twice.")
    draft = make.pledge(author=staff, title=SECRETS["draft pledge"])
    make.action(draft, author=staff, summary=SECRETS["draft pledge's action"])

    make.roundtable(title=SECRETS["private roundtable"], is_public=False, co_chairs=[world.cochair_au.organisation])
    create_recommendation(world.roundtable, world.cochair_au, text=SECRETS["draft recommendation"], owners=[world.arc])
    return pledge, draft


def _agreed_and_sent_back(world):  # noqa: F811
    recommendation = create_recommendation(
        world.roundtable,
        world.cochair_au,
        text="Formalise national coordination mechanisms",
        owners=[world.arc],
        due_date=dt.date(2030, 1, 1),
        outcome=world.outcome,
        contact_name=SECRETS["recommendation contact"],
        contact_email=SECRETS["recommendation contact e-mail"],
    )
    take_transition(recommendation, "agree", world.cochair_au)
    take_transition(recommendation, "complete", world.owner_staff, what_was_done="Formalised the mechanism.")
    take_transition(recommendation, "send_back", world.cochair_au, reason=SECRETS["private send-back reason"])
    return recommendation


def _public_outputs(pledge, roundtable, recommendation) -> list[str]:
    return [
        "/",
        "/pledges",
        "/pledges?sort=title",
        f"/pledges/{pledge.slug}",
        f"/pledges/{pledge.slug}/actions.atom",
        "/actions.atom",
        "/roundtables",
        f"/roundtables/{roundtable.slug}",
        f"/recommendations/{recommendation.id}",
        "/open-data",
        "/pledges.csv",
        "/actions.csv",
        "/api/v1/pledges",
        f"/api/v1/pledges/{pledge.slug}",
        "/api/v1/roundtables",
        f"/api/v1/roundtables/{roundtable.slug}",
        "/api/v1/openapi.json",
    ]


def test_no_public_output_shows_anything_private(client, make, world, secrets_world):  # noqa: F811
    pledge, _draft = secrets_world
    recommendation = _agreed_and_sent_back(world)
    outputs = _public_outputs(pledge, world.roundtable, recommendation)
    for url in outputs:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        for what, secret in SECRETS.items():
            assert secret not in body, f"{what} appears in {url}"
        assert not E_MAIL.search(body), f"an e-mail address appears in {url}: {E_MAIL.search(body).group(0)}"
    # The pages do show what is public.
    assert "Organised three roundtables." in client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    assert "Formalise national coordination mechanisms" in client.get(f"/roundtables/{world.roundtable.slug}").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "words",
    [SECRETS["withdrawn action"], SECRETS["draft pledge"], SECRETS["draft pledge's action"], "Platypus", "Quokka"],
)
def test_searching_for_private_words_finds_nothing(client, make, world, secrets_world, words):  # noqa: F811
    page = client.get("/pledges", query_string={"q": words}).get_data(as_text=True)
    assert "No pledges match" in page and "pledge-list" not in page
    assert client.get("/api/v1/pledges", query_string={"q": words}).get_json()["items"] == []
    for url in ("/pledges.csv", "/actions.csv"):
        rows = client.get(url, query_string={"q": words}).get_data(as_text=True).splitlines()
        assert len(rows) == 1, url  # the header row only


def test_private_records_are_not_found_at_their_addresses(client, make, world, secrets_world):  # noqa: F811
    _pledge, draft = secrets_world
    private = db.session.scalar(db.select(Roundtable).where(Roundtable.title == SECRETS["private roundtable"]))
    draft_recommendation = db.session.scalar(
        db.select(Recommendation).where(Recommendation.text == SECRETS["draft recommendation"])
    )
    for url in (
        f"/pledges/{draft.slug}",
        f"/pledges/{draft.slug}/actions.atom",
        f"/api/v1/pledges/{draft.slug}",
        f"/roundtables/{private.slug}",
        f"/api/v1/roundtables/{private.slug}",
        f"/recommendations/{draft_recommendation.id}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.get_data(as_text=True)
        assert SECRETS["draft pledge"] not in body and SECRETS["private roundtable"] not in body, url
