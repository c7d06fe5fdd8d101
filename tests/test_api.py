"""The public JSON API under /api/v1 as its users rely on it: it answers what its OpenAPI
document says, never shows what the public pages hide, lists exactly what the public lists
list, pages through them with `next`, answers 304 while nothing has changed, documents itself
without the internet, and answers errors in JSON (while the site's HTML pages keep theirs)."""

import base64
import datetime as dt
import itertools
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate as validate_spec

from tests.factories import take_transition
from tracker.accounts.models import Organisation, OrganisationKind, User
from tracker.core.dates import DatePrecision
from tracker.core.extensions import db
from tracker.core.listing import ListState
from tracker.pledges import catalogue
from tracker.pledges.models import Pledge
from tracker.pledges.operations import edit_pledge, record_action, withdraw_action
from tracker.roundtables.catalogue import ROUNDTABLES
from tracker.roundtables.models import Roundtable
from tracker.roundtables.operations import (
    add_outcome,
    add_outcome_group,
    create_recommendation,
    edit_recommendation,
    post_progress_update,
)
from tracker.taxonomy.models import Country, Forum, ForumKind, Theme

TODAY = dt.date(2026, 11, 22)
API = "/api/v1"
# Routes under /api/v1 that are the documentation itself, not the API it documents.
DOC_ENDPOINTS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "api_docs.asset"}


@pytest.fixture(autouse=True)
def today(app):
    app.config["TODAY"] = TODAY
    return TODAY


def get_json(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    return response.get_json()


def spec_of(client) -> dict:
    return get_json(client, f"{API}/openapi.json")


def walk(client, url) -> list[dict]:
    """Every item of a list, following `next` from `url` to the last page."""
    items, pages = [], 0
    while url:
        page = get_json(client, url)
        items += page["items"]
        url = page["next"]
        pages += 1
        assert pages < 100, "`next` never ends"
    return items


# --- small worlds ----------------------------------------------------------------------------------


class World:
    pass


def pledge_world(make) -> World:
    """Two published pledges with what a pledge can have: forum, theme, country, budget,
    period, a joint signatory, actions with figures, links and imprecise dates; one done."""
    w = World()
    w.forum = Forum(name="Global Refugee Forum 2019", kind=ForumKind.CONFERENCE, year=2019)
    w.theme = Theme(name="Migration", slug="migration")
    w.country = Country(name="Indonesia", iso_code="ID")
    db.session.add_all([w.forum, w.theme, w.country])
    w.lead = make.organisation("Australian Red Cross")
    w.partner = make.organisation("Indonesian Red Cross")
    w.author = make.staff(organisation=w.lead)
    w.pledge = make.pledge_in_progress(
        author=w.author,
        co_signatories=[w.partner],
        title="Regional Protection",
        forum_id=w.forum.id,
        themes=[w.theme],
        countries=[w.country],
        region="South-East Asia",
        period_start=2019,
        period_end=2023,
        budget_amount=Decimal("80000000"),
        budget_currency="AUD",
        budget_note="approximately",
        actions_intro="Joint progress includes:",
    )
    w.first = make.action(
        w.pledge,
        author=w.author,
        date=dt.date(2019, 6, 1),
        summary="Trained first responders.",
        details="In *three* provinces.",
        heading="Capacity",
        organisations=[w.lead, w.partner],
        figures=[
            {"label": "People trained", "value": Decimal("2037"), "unit": "people", "year": 2020, "period_note": None}
        ],
        links=[{"url": "https://example.org/report", "title": "Annual report"}],
    )
    w.second = make.action(
        w.pledge,
        author=w.author,
        date=dt.date(2021, 3, 1),
        date_precision=DatePrecision.MONTH,
        summary="Opened a hotline.",
    )
    w.done = make.pledge_in_progress(author=make.staff(), title="Finished Plan")
    make.action(w.done, date=dt.date(2020, 1, 1), date_precision=DatePrecision.YEAR, summary="Did it all.")
    take_transition(w.done, "complete", make.staff(organisation=w.done.lead_signatory))
    return w


def roundtable_world(make) -> World:
    """A public roundtable with outcomes, and agreed recommendations: one with an update,
    one verified with a public comment, one sent back with a private reason."""
    w = World()
    w.process = Forum(name="Bali Process", kind=ForumKind.PROCESS)
    db.session.add(w.process)
    db.session.flush()
    w.co_chair_org = make.organisation("Government of Australia", kind=OrganisationKind.GOVERNMENT)
    w.owner = make.organisation("Philippine Red Cross")
    w.partner = make.organisation("Timor-Leste Red Cross")
    w.roundtable = make.roundtable(
        co_chairs=[w.co_chair_org],
        participants=[w.partner],
        slug="bali-2018",
        title="Bali roundtable",
        forum_id=w.process.id,
        place="Bali",
        participants_note="13 governments",
        summary="Two days of frank discussion.",
    )
    admin = make.admin()
    w.group = add_outcome_group(w.roundtable, admin, heading="On collaboration:")
    w.outcome = add_outcome(w.group, admin, text="formalising national coordination; and")
    w.co_chair = make.co_chair(organisation=w.co_chair_org)
    w.owner_staff = make.staff(organisation=w.owner)

    def agreed(text, **fields):
        recommendation = create_recommendation(
            w.roundtable,
            w.co_chair,
            text=text,
            owners=[w.owner, w.partner],
            due_date=dt.date(2027, 1, 1),
            outcome=w.outcome,
            **fields,
        )
        take_transition(recommendation, "agree", w.co_chair, today=TODAY - dt.timedelta(days=30))
        return recommendation

    w.updated = agreed("Formalise national coordination mechanisms")
    post_progress_update(w.updated, w.owner_staff, text="Mechanism drafted.", date=TODAY - dt.timedelta(days=5))
    w.verified = agreed("Share data across borders")
    take_transition(w.verified, "complete", w.owner_staff, what_was_done="Agreement signed.")
    take_transition(w.verified, "verify", w.co_chair, comment="Exemplary follow-through.", public=True)
    w.sent_back = agreed("Train border officials")
    take_transition(w.sent_back, "complete", w.owner_staff, what_was_done="Some training.")
    take_transition(w.sent_back, "send_back", w.co_chair, reason="Say how many were trained.", public=False)
    return w


# --- 1. the OpenAPI document, and the API answering as it says --------------------------------------


def test_the_openapi_document_is_valid_and_documents_every_api_route(app, client):
    spec = spec_of(client)
    validate_spec(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    for promise in ("read-only", "next", "ETag", "If-None-Match"):
        assert promise in spec["info"]["description"]

    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{API}/") and rule.endpoint not in DOC_ENDPOINTS
    }
    assert routes == set(spec["paths"])
    assert routes == {
        *(f"{API}/{things}" for things in ("pledges", "roundtables", "recommendations")),
        f"{API}/pledges/{{slug}}",
        f"{API}/roundtables/{{slug}}",
        f"{API}/recommendations/{{id}}",
        *(f"{API}/{values}" for values in ("themes", "organisations", "forums", "processes", "countries")),
    }
    for path, operations_ in spec["paths"].items():
        assert set(operations_) - {"parameters"} == {"get"}, f"{path} should be read-only"
        get = operations_["get"]
        assert get["summary"] and get["description"]
        assert {"200", "304"} <= set(get["responses"])
        documented = {parameter["name"] for parameter in get.get("parameters", [])}
        if "{" in path:
            assert "404" in get["responses"]
        elif "cursor" in documented:  # a list a page at a time; what it is given is checked
            assert {"q", "cursor", "per_page"} <= documented and "422" in get["responses"]


def test_every_documented_path_answers_as_documented(client, make):
    pledges, roundtables = pledge_world(make), roundtable_world(make)
    make.roundtable(slug="jakarta-2019", start_date=dt.date(2019, 3, 1), end_date=None)
    spec = spec_of(client)
    openapi = OpenAPI.from_dict(spec)

    def check(url, status, **kwargs):
        response = client.get(url, **kwargs)
        assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
        openapi.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response))
        return response

    slugs = {
        "pledges": [pledges.pledge.slug, pledges.done.slug],
        "roundtables": [roundtables.roundtable.slug, "jakarta-2019"],
    }
    checked = set()
    for path in spec["paths"]:
        collection = path.removeprefix(f"{API}/").split("/")[0]
        if "{" in path:
            name = "slug" if "{slug}" in path else "id"
            keys = slugs.get(collection) or [str(get_json(client, f"{API}/{collection}")["items"][0][name])]
            for key in keys:
                answer = check(path.replace(f"{{{name}}}", key), 200)
                check(path.replace(f"{{{name}}}", key), 304, headers={"If-None-Match": answer.headers["ETag"]})
                check(
                    path.replace(f"{{{name}}}", key),
                    304,
                    headers={"If-Modified-Since": answer.headers["Last-Modified"]},
                )
            check(path.replace(f"{{{name}}}", "no-such-thing" if name == "slug" else "999999"), 404)
        elif "cursor" in {parameter["name"] for parameter in spec["paths"][path]["get"].get("parameters", [])}:
            first = check(path + "?per_page=1", 200).get_json()
            assert first["next"], "two records: the first page of one links to the next"
            check(first["next"], 200)
            check(path + "?q=a&per_page=100", 200)
            check(path + "?per_page=0", 422)
        else:  # a list of filter values, whole
            answer = check(path, 200)
            assert answer.get_json()["items"], path
            check(path, 304, headers={"If-None-Match": answer.headers["ETag"]})
        checked.add(path)
    assert checked == set(spec["paths"])


def test_a_pledge_reads_as_on_its_page(client, make):
    w = pledge_world(make)
    withdraw_action(make.action(w.pledge, author=w.author, summary="Withdrawn one."), w.author)
    pledge = get_json(client, f"{API}/pledges/{w.pledge.slug}")
    assert pledge["url"] == f"http://localhost/pledges/{w.pledge.slug}"
    assert client.get(urlsplit(pledge["url"]).path).status_code == 200
    assert (pledge["title"], pledge["state"], pledge["forum"]) == (
        "Regional Protection",
        "in_progress",
        "Global Refugee Forum 2019",
    )
    assert (pledge["themes"], pledge["countries"], pledge["region"]) == (
        ["Migration"],
        ["Indonesia"],
        "South-East Asia",
    )
    assert (pledge["period_start"], pledge["period_end"], pledge["period_note"]) == (2019, 2023, None)
    assert pledge["signatories"] == [
        {"name": "Australian Red Cross", "slug": "australian-red-cross", "lead": True},
        {"name": "Indonesian Red Cross", "slug": "indonesian-red-cross", "lead": False},
    ]
    assert pledge["budget"] == {"amount": "80000000.00", "currency": "AUD", "note": "approximately"}
    assert pledge["actions_intro"] == "Joint progress includes:"
    assert pledge["actions_count"] == 2  # the withdrawn one is not counted …
    assert [a["summary"] for a in pledge["actions"]] == [
        "Trained first responders.",
        "Opened a hotline.",
    ]  # … nor shown
    first, second = pledge["actions"]
    assert first == {
        "date": "2019-06-01",
        "date_precision": "day",
        "heading": "Capacity",
        "summary": "Trained first responders.",
        "details": "In *three* provinces.",
        "organisations": ["Australian Red Cross", "Indonesian Red Cross"],
        "figures": [
            {
                "label": "People trained",
                "value": "2037.00",
                "unit": "people",
                "year": 2020,
                "period_note": None,
                "indicator": None,
            }
        ],
        "links": [{"url": "https://example.org/report", "title": "Annual report"}],
        "files": [],
        "text_format": "plain",
        "language": "en",  # (its pledge's)
        "translations": {},
        "source_reference": None,
        "source_url": None,
    }
    assert (second["date"], second["date_precision"]) == ("2021-03", "month")
    assert pledge["last_action_on"] == "2021-03"  # as precise as the latest action's date
    assert pledge["published_at"].endswith("+00:00") and pledge["completed_at"] is None
    assert dt.datetime.fromisoformat(pledge["updated_at"]) >= dt.datetime.fromisoformat(pledge["published_at"])

    done = get_json(client, f"{API}/pledges/{w.done.slug}")
    assert (done["state"], done["last_action_on"], done["budget"]) == ("done", "2020", None)
    assert done["completed_at"] is not None

    listed = {item["slug"]: item for item in get_json(client, f"{API}/pledges")["items"]}
    long_parts = ("text", "actions_intro", "text_format", "budget", "actions")
    summary = {key: value for key, value in pledge.items() if key not in long_parts}
    assert listed[w.pledge.slug] == summary  # the list item is the detail without its long parts


def test_a_roundtable_reads_as_on_its_page(client, make):
    w = roundtable_world(make)
    roundtable = get_json(client, f"{API}/roundtables/bali-2018")
    assert roundtable["url"] == "http://localhost/roundtables/bali-2018"
    assert (roundtable["title"], roundtable["process"], roundtable["place"]) == (
        "Bali roundtable",
        "Bali Process",
        "Bali",
    )
    assert (roundtable["start_date"], roundtable["end_date"]) == ("2018-05-14", "2018-05-15")
    assert (roundtable["co_chairs"], roundtable["participants"]) == (
        ["Government of Australia"],
        ["Timor-Leste Red Cross"],
    )
    assert (roundtable["participants_note"], roundtable["summary"]) == (
        "13 governments",
        "Two days of frank discussion.",
    )
    assert roundtable["recommendations_count"] == 3
    assert roundtable["outcome_groups"] == [
        {
            "heading": "On collaboration:",
            "outcomes": [{"id": w.outcome.id, "text": "formalising national coordination; and"}],
        }
    ]
    by_id = {r["id"]: r for r in roundtable["recommendations"]}
    updated = by_id[w.updated.id]
    assert updated["owners"] == [
        {"name": "Philippine Red Cross", "slug": "philippine-red-cross", "lead": True},
        {"name": "Timor-Leste Red Cross", "slug": "timor-leste-red-cross", "lead": False},
    ]
    assert updated["overdue"] is False  # due 2027: not yet late
    assert (updated["state"], updated["due_date"], updated["heading"], updated["outcome_id"]) == (
        "in_progress", "2027-01-01", "On collaboration:", w.outcome.id,
    )  # fmt: skip
    assert updated["updates"] == [
        {
            "date": (TODAY - dt.timedelta(days=5)).isoformat(),
            "organisation": "Philippine Red Cross",
            "text": "Mechanism drafted.",
            "language": "en",  # (its recommendation's)
            "translations": {},
            "indicator": None,
            "value": None,
            "link": None,
            "files": [],
        }
    ]
    assert updated["review"] is None
    verified = by_id[w.verified.id]
    assert verified["state"] == "verified"
    assert (verified["review"]["kind"], verified["review"]["words"]) == ("verified", "Exemplary follow-through.")
    sent_back = by_id[w.sent_back.id]
    assert sent_back["state"] == "in_progress"
    assert (sent_back["review"]["kind"], sent_back["review"]["words"]) == ("sent_back", None)  # the reason is private
    listed = get_json(client, f"{API}/roundtables")["items"]
    assert [item["slug"] for item in listed] == ["bali-2018"] and listed[0]["recommendations_count"] == 3


# --- 2. what the public pages hide, the API hides ---------------------------------------------------


SECRETS = {
    "draft pledge": "Zanzibarian unpublished plan",
    "withdrawn action": "Quokkawithdrawn",
    "pledge contact name": "Cordelia Contactperson",
    "pledge contact e-mail": "cordelia.contact@signatory.example",
    "private roundtable": "Xyzzy closed-door meeting",
    "draft recommendation": "Plughdraft recommendation",
    "recommendation contact name": "Rexford Contactman",
    "recommendation contact e-mail": "rexford@owner.example",
    "private send-back reason": "Frobozz private reason",
}


def test_nothing_private_is_in_any_answer(client, auth, make):
    w = pledge_world(make)
    r = roundtable_world(make)
    # What must never be seen …
    draft = make.pledge(author=w.author, title=SECRETS["draft pledge"], slug="unpublished-plan")
    make.action(draft, author=w.author, summary="Draft-only action.")
    withdrawn = make.action(
        w.pledge, author=w.author, summary=f"Briefly claimed {SECRETS['withdrawn action']} success."
    )
    withdraw_action(withdrawn, w.author)
    edit_pledge(
        w.pledge, w.author, contact_name=SECRETS["pledge contact name"], contact_email=SECRETS["pledge contact e-mail"]
    )
    private = make.roundtable(
        co_chairs=[r.co_chair_org], is_public=False, slug="closed-door", title=SECRETS["private roundtable"]
    )
    create_recommendation(private, r.co_chair, text="Private roundtable's recommendation.", owners=[r.owner])
    create_recommendation(r.roundtable, r.co_chair, text=SECRETS["draft recommendation"], owners=[r.owner])
    edit_recommendation(
        r.updated,
        r.co_chair,
        contact_name=SECRETS["recommendation contact name"],
        contact_email=SECRETS["recommendation contact e-mail"],
    )
    again = create_recommendation(
        r.roundtable, r.co_chair, text="Map the referral pathways", owners=[r.owner], due_date=dt.date(2027, 1, 1)
    )
    take_transition(again, "agree", r.co_chair)
    take_transition(again, "complete", r.owner_staff, what_was_done="Mapped.")
    take_transition(again, "send_back", r.co_chair, reason=SECRETS["private send-back reason"], public=False)

    def everything() -> dict[str, str]:
        answers = {}
        for collection in ("pledges", "roundtables"):
            url = f"{API}/{collection}?per_page=100"
            answers[url] = client.get(url).get_data(as_text=True)
            for item in walk(client, url):
                detail = f"{API}/{collection}/{item['slug']}"
                answers[detail] = client.get(detail).get_data(as_text=True)
        return answers

    answers = everything()
    # … while what is public is there (so the search below searches the right answers).
    assert f"{API}/pledges/{w.pledge.slug}" in answers and f"{API}/roundtables/bali-2018" in answers
    assert "Opened a hotline." in answers[f"{API}/pledges/{w.pledge.slug}"]
    assert "Exemplary follow-through." in answers[f"{API}/roundtables/bali-2018"]
    assert "Map the referral pathways" in answers[f"{API}/roundtables/bali-2018"]
    for url, body in answers.items():
        for what, secret in SECRETS.items():
            assert secret not in body, f"{what} in {url}"
        assert "@" not in body, f"an e-mail address in {url}"

    assert get_json(client, f"{API}/pledges?q={SECRETS['withdrawn action']}")["total"] == 0
    assert get_json(client, f"{API}/pledges?q=Zanzibarian")["total"] == 0
    assert get_json(client, f"{API}/roundtables?q=Xyzzy")["total"] == 0

    missing = client.get(f"{API}/pledges/no-such-pledge")
    hidden = client.get(f"{API}/pledges/unpublished-plan")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data() == missing.get_data()
    missing = client.get(f"{API}/roundtables/no-such-roundtable")
    hidden = client.get(f"{API}/roundtables/closed-door")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data() == missing.get_data()

    # The same answers whoever asks: the draft's own author, a co-chair of the private roundtable.
    for person in (w.author, r.co_chair):
        auth.login(person.email)
        assert everything() == answers
        assert client.get(f"{API}/pledges/unpublished-plan").status_code == 404
        assert client.get(f"{API}/roundtables/closed-door").status_code == 404
        auth.logout()


# --- 3. the lists: the public list's search, filters, sorts and pages ---------------------------------


@pytest.fixture
def many_pledges(make):
    """45 published pledges (and drafts) across themes, forums, countries, organisations,
    states and action dates."""
    themes = [Theme(name="Migration", slug="migration"), Theme(name="Health", slug="health")]
    forums = [Forum(name=f"Conference {n}", kind=ForumKind.CONFERENCE) for n in (1, 2)]
    countries = [Country(name="Fiji", iso_code="FJ"), Country(name="Nepal", iso_code="NP")]
    db.session.add_all([*themes, *forums, *countries])
    db.session.flush()
    organisations = [make.organisation(f"Society {n}") for n in range(3)]
    staff = [make.staff(organisation=organisation) for organisation in organisations]
    for n in range(45):
        author = staff[n % 3]
        pledge = make.pledge_in_progress(
            author=author,
            title=f"{'Water' if n % 4 == 0 else 'Shelter'} pledge {n:02d}",
            themes=[themes[n % 2]],
            forum_id=forums[n % 2].id if n % 5 else None,
            countries=[countries[n % 2]] if n % 3 else [],
        )
        if n % 6:
            make.action(pledge, author=author, date=dt.date(2015 + n % 9, 1 + n % 12, 1), summary=f"Action {n}")
        if n % 7 == 0 and n % 6:
            take_transition(pledge, "complete", author)
    for n in range(3):
        make.pledge(author=staff[0], title=f"Water draft {n}")
    return {"themes": themes, "forums": forums, "countries": countries, "organisations": organisations}


def _expected(args: dict) -> list[str]:
    state = ListState.from_args(args, catalogue.PLEDGES)
    return list(db.session.scalars(catalogue.PLEDGES.select(state).with_only_columns(catalogue.PLEDGES.model.slug)))


def test_following_next_walks_every_published_pledge_once(client, many_pledges):
    first = get_json(client, f"{API}/pledges")
    assert (len(first["items"]), first["total"]) == (20, 45)
    assert first["next"].startswith(f"http://localhost{API}/pledges?")
    slugs = [item["slug"] for item in walk(client, f"{API}/pledges")]
    assert len(slugs) == len(set(slugs)) == 45
    assert slugs == _expected({})
    assert all("draft" not in slug for slug in slugs)
    # per_page is kept in `next`, and a short page size gives more pages of the same list.
    page = get_json(client, f"{API}/pledges?per_page=7&sort=title")
    assert parse_qs(urlsplit(page["next"]).query)["per_page"] == ["7"]
    assert [item["slug"] for item in walk(client, f"{API}/pledges?per_page=7&sort=title")] == _expected(
        {"sort": "title"}
    )


def test_search_filters_and_sorts_give_what_the_public_list_gives(client, many_pledges):
    theme, forum, country, organisation = (
        many_pledges["themes"][0], many_pledges["forums"][1], many_pledges["countries"][0], many_pledges["organisations"][2],
    )  # fmt: skip
    cases = [
        {},
        {"sort": "title"},
        {"sort": "newest"},
        {"sort": "last_action"},
        {"state": "done"},
        {"state": "in_progress", "sort": "title"},
        {"theme": theme.slug},
        {"forum": str(forum.id)},
        {"country": str(country.id), "sort": "newest"},
        {"region": "142", "sort": "title"},  # Asia: Nepal's pledges (UN M49)
        {"region": "009", "state": "done"},  # Oceania: Fiji's
        {"organisation": str(organisation.id)},
        {"q": "water"},
        {"q": '"pledge 1"'},
        {"q": "Action 1"},
        {"q": "water", "theme": theme.slug, "sort": "title"},
        # Records by their slugs, as the answers and the lists of filter values give them.
        {"forum": forum.slug, "sort": "title"},
        {"country": country.slug},
        {"organisation": organisation.slug, "state": "done"},
        # A record's identifier that names nothing matches nothing.
        {"theme": "no-such-theme"},
        {"organisation": "999999"},
        {"organisation": "abc"},
        {"country": "-1"},
    ]
    followed = 0
    for args in cases:
        expected = _expected(args)
        url = f"{API}/pledges?{urlencode({**args, 'per_page': 10})}"
        first = get_json(client, url)
        assert first["total"] == len(expected), args
        assert [item["slug"] for item in walk(client, url)] == expected, args
        if first["next"]:  # the next page keeps the search, filters and sort
            kept = parse_qs(urlsplit(first["next"]).query)
            assert {key: values[0] for key, values in kept.items() if key not in ("cursor", "per_page")} == (
                ListState.from_args(args, catalogue.PLEDGES).args()
            )
            followed += 1
    assert followed >= 10  # most cases span several pages
    assert _expected({"state": "done"}) and _expected({"q": "water"}) and _expected({"region": "142"})


def test_roundtable_list_filters_and_sorts_give_what_the_public_list_gives(client, make):
    processes = [
        Forum(name="Bali Process", kind=ForumKind.PROCESS),
        Forum(name="Budapest Process", kind=ForumKind.PROCESS),
    ]
    db.session.add_all(processes)
    db.session.flush()
    co_chairs = [make.organisation(f"Government {n}", kind=OrganisationKind.GOVERNMENT) for n in range(2)]
    for n in range(25):
        make.roundtable(
            co_chairs=[co_chairs[n % 2]],
            title=f"{'Coastal' if n % 3 == 0 else 'Inland'} roundtable {n:02d}",
            start_date=dt.date(2016 + n % 4, 1 + n % 12, 1),
            end_date=None,
            forum_id=processes[n % 2].id,
            is_public=n % 5 != 0,
        )
    cases = [
        {},
        {"sort": "title"},
        {"process": str(processes[0].id)},
        {"co_chair": str(co_chairs[1].id), "sort": "title"},
        {"year": "2017"},
        {"q": "coastal"},
        {"year": "17"},
        {"process": "nothing"},
        {"process": processes[1].slug, "co_chair": co_chairs[1].slug},
    ]
    for args in cases:
        state = ListState.from_args(args, ROUNDTABLES)
        expected = list(db.session.scalars(ROUNDTABLES.select(state).with_only_columns(ROUNDTABLES.model.slug)))
        assert [
            item["slug"] for item in walk(client, f"{API}/roundtables?{urlencode({**args, 'per_page': 6})}")
        ] == expected, args
    assert len(walk(client, f"{API}/roundtables?per_page=6")) == 20  # the 5 private ones are never listed


@pytest.mark.parametrize(
    "query",
    [
        "cursor=garbage",
        "cursor=%25%25%25",
        "cursor=" + base64.urlsafe_b64encode(json.dumps([["not a date", "x"], 5, False]).encode()).decode(),
        "cursor=" + base64.urlsafe_b64encode(json.dumps([[None, None], -3, True]).encode()).decode(),
        "cursor=" + "A" * 5000,
        "cursor=" + base64.urlsafe_b64encode(json.dumps([["2019-06-01", 10**23], 2, False]).encode()).decode(),
        "cursor=" + base64.urlsafe_b64encode(json.dumps([["2019-06-01", -(2**63) - 1], 2, False]).encode()).decode(),
        "cursor=" + base64.urlsafe_b64encode(b'[["2019-06-01", 1e308], 2, false]').decode(),
        "per_page=abc",
        "per_page=0",
        "per_page=-5",
        "per_page=101",
        "per_page=1e3",
        "per_page=99999999999999999999999",
        "state=%00",
        "theme=a%00b",
        "organisation=%C2%B2",
        "forum=%EF%BC%91",
        "country=1.5",
        "q=%00%01%02",
        "q=" + "word+" * 2000,
        "q=%25_%5C",
        "sort[]=title",
    ],
)
def test_a_malformed_parameter_never_breaks_the_list(client, many_pledges, query):
    response = client.get(f"{API}/pledges?{query}")
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    if response.status_code == 200:
        assert isinstance(body["items"], list) and body["total"] <= 45
        if query.startswith("cursor="):  # a cursor that is not ours gives the first page
            assert body == get_json(client, f"{API}/pledges")
    else:
        assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
        assert set(body["errors"]["query"]) <= {
            "q",
            "sort[]",  # (no such parameter)
            "per_page",
            "state",
            "theme",
            "organisation",
            "forum",
            "region",
            "country",
        }


@pytest.mark.parametrize(
    "query", ["year=%C2%B2%C2%B2%C2%B2%C2%B2", "co_chair=%C2%B2", "process=%00", "per_page=x", "cursor=zzz"]
)
def test_a_malformed_parameter_never_breaks_the_roundtable_list(client, make, query):
    make.roundtable()
    response = client.get(f"{API}/roundtables?{query}")
    assert response.status_code in (200, 422)
    assert response.mimetype == "application/json"


def test_a_slug_with_a_nul_character_names_nothing(client, make):
    """The document allows any text in a slug: one with a NUL names nothing (PostgreSQL
    cannot even compare it), as any slug without a record."""
    pledge_world(make)
    for collection in ("pledges", "roundtables"):
        assert get_json(client, f"{API}/{collection}/a%00b", status=404)["code"] == 404
    assert get_json(client, f"{API}/pledges?theme=migration%00")["total"] == 0
    assert (
        get_json(client, f"{API}/pledges?q=Regional%00Protection")["total"]
        == get_json(client, f"{API}/pledges?q=Regional+Protection")["total"]
        > 0
    )


# --- 4. caching --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/pledges", "/pledges/{slug}", "/roundtables", "/roundtables/bali-2018"])
def test_an_unchanged_answer_is_not_sent_again_and_a_change_is(client, make, path):
    w = pledge_world(make)
    roundtable_world(make)
    url = API + path.replace("{slug}", w.pledge.slug)
    response = client.get(url)
    assert response.status_code == 200
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert etag and last_modified

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    record_action(w.pledge, w.author, date=TODAY, summary="Reached the last island.", organisations=[w.lead])
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    if path == "/pledges/{slug}":
        assert changed.get_json()["actions"][-1]["summary"] == "Reached the last island."


# --- 5. the documentation page works without the internet --------------------------------------------


def test_the_docs_page_uses_only_files_this_site_serves(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # (the site's layout's own links aside: its alternate languages, and an empty icon)
    references = [
        ref
        for ref in re.findall(r'<(?:script|link)\b(?![^>]*rel="alternate")[^>]*?(?:src|href)="([^"]+)"', page)
        if ref != "data:,"
    ]
    assert any(ref.endswith(".js") for ref in references) and any(ref.endswith(".css") for ref in references)
    for ref in references:
        assert ref.startswith("/") and not ref.startswith("//"), f"{ref} is not on this site"
        with client.get(ref) as asset:  # (closed: files are sent straight from the disk)
            assert asset.status_code == 200, ref
            if ref.endswith(".css"):  # no fonts or images from elsewhere
                assert not re.search(rb"url\(\s*['\"]?(?:https?:)?//|@import", asset.get_data()), ref
    for absolute in re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', page):  # (the layout's language links)
        assert absolute.startswith("http://localhost/"), f"{absolute} is not on this site"
    spec_url = re.search(r'data-spec-url="([^"]+)"', page).group(1)
    assert spec_url == f"{API}/openapi.json" and client.get(spec_url).status_code == 200
    # Swagger UI must not send the document to the public validator, nor load a remote demo.
    starter = next(ref for ref in references if ref.endswith("docs.js"))
    with client.get(starter) as script:
        assert "validatorUrl: null" in script.get_data(as_text=True)
    assert client.get(f"{API}/docs/assets/index.html").status_code == 404
    assert client.get(f"{API}/docs/assets/swagger-initializer.js").status_code == 404


# --- 6. errors are JSON under /api/, HTML elsewhere -------------------------------------------------


def test_api_errors_are_json_and_site_errors_stay_html(app, client, make):
    make.pledge_in_progress()
    for url in (f"{API}/pledges/no-such", f"{API}/nothing", "/api/v2/pledges"):
        body = get_json(client, url, status=404)
        assert body["code"] == 404 and body["status"] == "Not Found" and body["message"]

    app.config["WTF_CSRF_ENABLED"] = True  # as in production: a POST is refused as 405, not as a form
    for method in ("POST", "PUT", "DELETE"):
        refused = client.open(f"{API}/pledges", method=method)
        assert refused.status_code == 405 and refused.mimetype == "application/json"
        assert refused.get_json()["code"] == 405 and refused.get_json()["status"] == "Method Not Allowed"
        assert "GET" in refused.headers["Allow"]

    page = client.get("/pledges/no-such")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<html" in page.get_data(as_text=True)
    assert client.get("/no-such-page").mimetype == "text/html"


def test_an_unexpected_error_in_the_api_is_json_too(app, client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalogue.PLEDGES.__class__, "page", broken)
    response = client.get(f"{API}/pledges")
    assert response.status_code == 500 and response.mimetype == "application/json"
    assert response.get_json()["code"] == 500
    assert "boom" not in response.get_data(as_text=True)


# --- no query per row ---------------------------------------------------------------------------------
#
# Each request is counted as a server would run it: with nothing loaded yet (the test's
# session is emptied first), so a relationship loaded one row at a time would show.


def _queries_for(client, url) -> int:
    """The SQL statements one request runs."""
    db.session.commit()
    db.session.expunge_all()
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def _same_queries_for_3_and_30(client, url: str, add, rows) -> None:
    """`add(n)` adds n rows; `rows(answer)` counts them in the API's answer."""
    add(3)
    few = _queries_for(client, url)
    add(27)
    many = _queries_for(client, url)  # a fresh render: the data version has moved
    assert rows(get_json(client, url)) == 30
    assert many == few


_forums = itertools.count(1)


def _forum(kind=ForumKind.CONFERENCE) -> int:
    """A new forum's id (a forum of its own for each row: a forum loaded per row would show)."""
    forum = Forum(name=f"Forum {next(_forums)}", kind=kind)
    db.session.add(forum)
    db.session.flush()
    return forum.id


def test_pledge_list_queries_do_not_grow_with_the_number_of_pledges(client, make):
    theme, country = Theme(name="Water", slug="water"), Country(name="Fiji")
    db.session.add_all([theme, country])
    db.session.commit()
    ids = (theme.id, country.id)

    def add(count):
        theme, country = db.session.get(Theme, ids[0]), db.session.get(Country, ids[1])
        for n in range(count):
            pledge = make.pledge_in_progress(
                author=make.staff(),
                co_signatories=[make.organisation()],
                themes=[theme],
                countries=[country],
                forum_id=_forum(),
            )
            make.action(pledge, date=dt.date(2019, 1 + n % 12, 1), date_precision=DatePrecision.MONTH)

    _same_queries_for_3_and_30(client, f"{API}/pledges?per_page=100", add, lambda answer: len(answer["items"]))


def test_pledge_queries_do_not_grow_with_the_number_of_actions(client, make):
    author = make.staff()
    slug = make.pledge_in_progress(author=author, co_signatories=[make.organisation()]).slug
    author_id = author.id

    def add(count):
        author = db.session.get(User, author_id)
        pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == slug))
        for n in range(count):
            make.action(
                pledge,
                author=author,
                date=dt.date(2020, 1, 1) + dt.timedelta(days=n),
                summary=f"Action {n}",
                organisations=[author.organisation, pledge.signatory_organisations[1]],
                figures=[{"label": "People", "value": Decimal(n)}, {"label": "Places", "value": Decimal(1)}],
                links=[{"url": f"https://example.org/{n}", "title": "Report"}],
            )

    _same_queries_for_3_and_30(client, f"{API}/pledges/{slug}", add, lambda answer: len(answer["actions"]))


@pytest.fixture
def follow_through(make):
    """Ids of a co-chair organisation and an owner organisation, with a person in each."""
    co_chair_org = make.organisation(kind=OrganisationKind.GOVERNMENT)
    owner = make.organisation()
    make.staff(organisation=owner)
    db.session.commit()
    return co_chair_org.id, owner.id


def _agreed_recommendations(make, roundtable, owner, count: int) -> None:
    """`count` agreed recommendations, each reviewed by a co-chair of its own, with an
    update, two owners and an outcome under a heading of its own."""
    owner_staff = make.staff(organisation=owner)
    for n in range(count):
        co_chair = make.co_chair(organisation=roundtable.co_chairs[0])
        group = add_outcome_group(roundtable, co_chair, heading=f"Heading {n}")
        outcome = add_outcome(group, co_chair, text=f"Outcome {n}")
        recommendation = create_recommendation(
            roundtable,
            co_chair,
            text=f"Recommendation {n}",
            owners=[owner, make.organisation()],
            due_date=dt.date(2027, 1, 1),
            outcome=outcome,
        )
        take_transition(recommendation, "agree", co_chair)
        post_progress_update(recommendation, owner_staff, text=f"Update {n}", date=TODAY)
        take_transition(recommendation, "complete", owner_staff, what_was_done="Done.")
        if n % 2:
            take_transition(recommendation, "verify", co_chair, comment="Good.", public=True)
        else:
            take_transition(recommendation, "send_back", co_chair, reason="More.", public=False)


def test_roundtable_list_queries_do_not_grow_with_the_number_of_roundtables(client, make, follow_through):
    co_chair_id, owner_id = follow_through

    def add(count):
        co_chair_org, owner = db.session.get(Organisation, co_chair_id), db.session.get(Organisation, owner_id)
        for _ in range(count):
            roundtable = make.roundtable(
                co_chairs=[co_chair_org], participants=[make.organisation()], forum_id=_forum(ForumKind.PROCESS)
            )
            _agreed_recommendations(make, roundtable, owner, 1)

    _same_queries_for_3_and_30(client, f"{API}/roundtables?per_page=100", add, lambda answer: len(answer["items"]))


def test_roundtable_queries_do_not_grow_with_the_number_of_recommendations(client, make, follow_through):
    co_chair_id, owner_id = follow_through
    slug = make.roundtable(
        co_chairs=[db.session.get(Organisation, co_chair_id)], participants=[make.organisation()]
    ).slug

    def add(count):
        roundtable = db.session.scalar(sa.select(Roundtable).where(Roundtable.slug == slug))
        _agreed_recommendations(make, roundtable, db.session.get(Organisation, owner_id), count)

    _same_queries_for_3_and_30(client, f"{API}/roundtables/{slug}", add, lambda answer: len(answer["recommendations"]))
