"""/api/v1/recommendations as a partner relies on it: every agreed recommendation of the
public meetings and reviews, and nothing else; each filter narrows the list as its
documentation says, and a value the document refuses is a 422 naming the parameter; `next`
walks the whole list once; one recommendation reads as its roundtable's answer gives it;
and an unchanged answer is not sent again."""

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from tests.factories import take_transition
from tests.test_api import World, get_json, walk
from tracker.accounts.models import OrganisationKind
from tracker.core.extensions import db
from tracker.core.listing import ListState
from tracker.roundtables.catalogue import RECOMMENDATIONS
from tracker.roundtables.operations import create_recommendation, edit_recommendation, post_progress_update

TODAY = dt.date(2026, 11, 22)
LIST = "/api/v1/recommendations"

SECRETS = {
    "draft recommendation": "Plughdraft recommendation",
    "private roundtable": "Xyzzy closed-door meeting",
    "private roundtable's recommendation": "Quokka private recommendation",
    "contact name": "Rexford Contactman",
    "contact e-mail": "rexford@owner.example",
    "private send-back reason": "Frobozz private reason",
}


@pytest.fixture(autouse=True)
def today(app):
    app.config["TODAY"] = TODAY
    return TODAY


@pytest.fixture
def w(make) -> World:
    """A public roundtable (2018) and a public review (2021), each with agreed
    recommendations in every state and a draft; a private roundtable with one agreed."""
    w = World()
    government = make.organisation("Government of Australia", kind=OrganisationKind.GOVERNMENT)
    w.co_chair = make.co_chair(organisation=government)
    w.red_cross = make.organisation("Philippine Red Cross")
    w.crescent = make.organisation("Maldivian Red Crescent")
    w.red_cross_staff = make.staff(organisation=w.red_cross)
    w.bali = make.roundtable(co_chairs=[government], slug="bali-2018", title="Bali roundtable")
    w.upr = make.roundtable(
        co_chairs=[government], slug="upr-2021", title="UPR cycle 4", kind="review",
        start_date=dt.date(2021, 11, 1), end_date=None,
    )  # fmt: skip
    w.closed = make.roundtable(
        co_chairs=[government], is_public=False, slug="closed-door", title=SECRETS["private roundtable"]
    )

    def agreed(roundtable, text, owners, due=None, **source):
        recommendation = create_recommendation(roundtable, w.co_chair, text=text, owners=owners, due_date=due, **source)
        take_transition(recommendation, "agree", w.co_chair, today=TODAY - dt.timedelta(days=60))
        return recommendation

    w.overdue = agreed(
        w.bali, "Formalise coordination", [w.red_cross], TODAY - dt.timedelta(days=10), reference="121.1"
    )
    w.later = agreed(w.bali, "Share data across borders", [w.crescent, w.red_cross], dt.date(2027, 6, 30))
    w.done = agreed(w.bali, "Train border officials", [w.red_cross], TODAY - dt.timedelta(days=5))
    take_transition(w.done, "complete", w.red_cross_staff, what_was_done="Trained 40.")
    w.verified = agreed(w.bali, "Map referral pathways", [w.red_cross], TODAY - dt.timedelta(days=40))
    take_transition(w.verified, "complete", w.red_cross_staff, what_was_done="Mapped.")
    take_transition(w.verified, "verify", w.co_chair, comment="Exemplary follow-through.", public=True)
    w.sent_back = agreed(w.bali, "Open a hotline", [w.red_cross])  # (no due date)
    take_transition(w.sent_back, "complete", w.red_cross_staff, what_was_done="Some.")
    take_transition(w.sent_back, "send_back", w.co_chair, reason=SECRETS["private send-back reason"], public=False)
    edit_recommendation(
        w.sent_back, w.co_chair, contact_name=SECRETS["contact name"], contact_email=SECRETS["contact e-mail"]
    )
    w.due_today = agreed(w.upr, "Ratify the convention", [w.crescent], TODAY, reference="121.1")
    w.numbered = agreed(w.upr, "Report to the committee", [w.crescent], dt.date(2027, 1, 1), reference="121.10")
    post_progress_update(w.numbered, make.staff(organisation=w.crescent), text="Report drafted.", date=TODAY)
    w.draft = create_recommendation(w.bali, w.co_chair, text=SECRETS["draft recommendation"], owners=[w.red_cross])
    w.private = agreed(w.closed, SECRETS["private roundtable's recommendation"], [w.red_cross], dt.date(2020, 1, 1))
    db.session.commit()
    return w


def ids(items) -> list[int]:
    return [item["id"] for item in items]


# --- the list -------------------------------------------------------------------------------------


def test_the_list_is_every_agreed_recommendation_of_the_public_meetings_newest_meeting_first(client, w):
    page = get_json(client, LIST)
    # The 2021 review's first, then the 2018 roundtable's, each meeting's as recorded.
    assert ids(page["items"]) == [
        r.id for r in (w.due_today, w.numbered, w.overdue, w.later, w.done, w.verified, w.sent_back)
    ]
    assert page["total"] == 7 and page["next"] is None
    first = page["items"][0]
    assert first["roundtable"] == {
        "slug": "upr-2021",
        "title": "UPR cycle 4",
        "url": "http://localhost/roundtables/upr-2021",
        "kind": "review",
    }
    assert (first["state"], first["due_date"], first["reference"]) == ("in_progress", TODAY.isoformat(), "121.1")


def test_each_filter_narrows_the_list_as_documented(client, w):
    cases = {
        "roundtable=bali-2018": [w.overdue, w.later, w.done, w.verified, w.sent_back],
        f"roundtable={w.upr.id}": [w.due_today, w.numbered],  # its id does too
        "mechanism=review": [w.due_today, w.numbered],
        "mechanism=roundtable": [w.overdue, w.later, w.done, w.verified, w.sent_back],
        "mechanism=ministerial": [],
        "state=done": [w.done],
        "state=verified": [w.verified],
        "state=in_progress": [w.due_today, w.numbered, w.overdue, w.later, w.sent_back],
        f"owner={w.crescent.slug}": [w.due_today, w.numbered, w.later],  # lead or not
        f"owner={w.crescent.id}": [w.due_today, w.numbered, w.later],
        # Overdue: in progress past its due date (done by the due date is not late; due today is not yet).
        "overdue=true": [w.overdue],
        "overdue=false": [w.due_today, w.numbered, w.later, w.done, w.verified, w.sent_back],
        # Both bounds include the day; without a due date, never.
        f"due_before={TODAY}": [w.due_today, w.overdue, w.done, w.verified],
        f"due_after={TODAY}": [w.due_today, w.numbered, w.later],
        f"due_after={TODAY}&due_before={TODAY}": [w.due_today],
        "reference=121.1": [w.due_today, w.overdue],  # exactly: not 121.10
        "q=border": [w.later, w.done],
        "q=hotline&state=in_progress": [w.sent_back],
        f"mechanism=roundtable&overdue=false&owner={w.red_cross.slug}&due_before=2026-12-31": [w.done, w.verified],
        # A value of the right form that names nothing matches nothing.
        "roundtable=no-such-meeting": [],
        "roundtable=closed-door": [],  # (private: as if it did not exist)
        "owner=no-such-organisation": [],
        "owner=999999": [],
        "reference=999": [],
        "reference=a%00b": [],  # a NUL names nothing (PostgreSQL cannot even compare it)
    }
    for query, expected in cases.items():
        page = get_json(client, f"{LIST}?{query}")
        assert ids(page["items"]) == [r.id for r in expected], query
        assert page["total"] == len(expected), query


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("mechanism=workshop", "mechanism"),
        ("state=draft", "state"),  # drafts are never public
        ("state=agreed", "state"),
        ("overdue=yes", "overdue"),
        ("overdue=1", "overdue"),
        ("overdue=True", "overdue"),
        ("due_before=2027-13-01", "due_before"),
        ("due_before=31/12/2026", "due_before"),
        ("due_after=tomorrow", "due_after"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("roundtable=", "roundtable"),
        ("reference=" + "9" * 201, "reference"),
    ],
)
def test_an_invalid_parameter_is_refused_naming_it(client, query, parameter):
    body = get_json(client, f"{LIST}?{query}", status=422)
    assert (body["code"], body["status"]) == (422, "Unprocessable Entity")
    assert set(body["errors"]["query"]) == {parameter}


def test_following_next_walks_every_recommendation_once_keeping_the_filters(client, make, w):
    government = w.bali.co_chairs[0]
    for day in (1, 1, 2):  # three more meetings, two of them on one day, three recommendations each
        meeting = make.roundtable(co_chairs=[government], start_date=dt.date(2019, 3, day), end_date=None)
        for n in range(3):
            recommendation = create_recommendation(
                meeting, w.co_chair, text=f"Recommendation {n}", owners=[w.red_cross], due_date=dt.date(2027, 1, 1)
            )
            take_transition(recommendation, "agree", w.co_chair)
    everything = get_json(client, f"{LIST}?per_page=100")
    assert everything["total"] == 16 and len(everything["items"]) == 16

    walked = walk(client, f"{LIST}?per_page=3")
    assert ids(walked) == ids(everything["items"])
    assert len(set(ids(walked))) == 16

    query = {"mechanism": "roundtable", "overdue": "false", "due_after": "2026-01-01", "per_page": "2"}
    first = get_json(client, f"{LIST}?{urlencode(query)}")
    kept = parse_qs(urlsplit(first["next"]).query)
    assert {name: kept[name] for name in query} == {name: [value] for name, value in query.items()}
    filtered = walk(client, f"{LIST}?{urlencode(query)}")
    assert ids(filtered) == ids(get_json(client, f"{LIST}?{urlencode({**query, 'per_page': 100})}")["items"])
    assert len(filtered) == first["total"] == 9 + 3  # the new ones, and `later`, `done` and `verified`


# --- one recommendation ---------------------------------------------------------------------------


def test_a_recommendation_reads_as_its_roundtables_answer_gives_it_with_its_meeting(client, w):
    in_roundtable = {r["id"]: r for r in get_json(client, "/api/v1/roundtables/upr-2021")["recommendations"]}
    one = get_json(client, f"{LIST}/{w.numbered.id}")
    meeting = one.pop("roundtable")
    assert one == in_roundtable[w.numbered.id]
    assert meeting == {
        "slug": "upr-2021",
        "title": "UPR cycle 4",
        "url": "http://localhost/roundtables/upr-2021",
        "kind": "review",
    }
    assert [update["text"] for update in one["updates"]] == ["Report drafted."]
    listed = get_json(client, f"{LIST}?reference=121.10")["items"]
    assert listed == [{**one, "roundtable": meeting}]  # a list item is the same record


def test_review_words_are_shown_only_when_the_co_chairs_made_them_public(client, w):
    verified = get_json(client, f"{LIST}/{w.verified.id}")["review"]
    sent_back = get_json(client, f"{LIST}/{w.sent_back.id}")["review"]
    assert (verified["kind"], verified["words"]) == ("verified", "Exemplary follow-through.")
    assert (sent_back["kind"], sent_back["words"]) == ("sent_back", None)


def test_drafts_and_private_meetings_recommendations_are_never_listed_nor_found(client, auth, w):
    def everything() -> dict[str, str]:
        answers = {LIST: client.get(f"{LIST}?per_page=100").get_data(as_text=True)}
        for item in walk(client, f"{LIST}?per_page=100"):
            answers[item["id"]] = client.get(f"{LIST}/{item['id']}").get_data(as_text=True)
        return answers

    answers = everything()
    assert len(answers) == 1 + 7
    for url, body in answers.items():
        for what, secret in SECRETS.items():
            assert secret not in body, f"{what} in {url}"
        assert "@" not in body, f"an e-mail address in {url}"
    assert get_json(client, f"{LIST}?q=Quokka")["total"] == get_json(client, f"{LIST}?q=Plughdraft")["total"] == 0

    missing = client.get(f"{LIST}/999999")
    assert missing.status_code == 404 and missing.get_json()["code"] == 404
    for hidden in (w.draft.id, w.private.id, "abc", "%C2%B2", "%EF%BC%91", "99999999999999999999", "1%00", "-1"):
        answer = client.get(f"{LIST}/{hidden}")
        assert (answer.status_code, answer.get_data()) == (404, missing.get_data()), hidden

    # The same answers whoever asks: the co-chairs and the owners of the draft and the private one.
    for person in (w.co_chair, w.red_cross_staff):
        auth.login(person.email)
        assert everything() == answers
        assert client.get(f"{LIST}/{w.private.id}").get_data() == missing.get_data()
        auth.logout()


# --- the document, caching, and what PostgreSQL cannot compare ---------------------------------------


def test_every_answer_is_as_the_document_says(client, w):
    openapi = OpenAPI.from_dict(get_json(client, "/api/v1/openapi.json"))
    for url, status in (
        (f"{LIST}?per_page=2", 200),
        (f"{LIST}?overdue=true&due_before=2026-12-31&mechanism=roundtable", 200),
        (f"{LIST}/{w.verified.id}", 200),
        (f"{LIST}/{w.numbered.id}", 200),
        (f"{LIST}/{w.draft.id}", 404),
        (f"{LIST}?state=draft", 422),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        openapi.validate_response(WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response))


@pytest.mark.parametrize("path", [LIST, f"{LIST}?mechanism=review&overdue=false", "one"])
def test_an_unchanged_answer_is_not_sent_again_and_a_change_is(client, w, path):
    url = f"{LIST}/{w.numbered.id}" if path == "one" else path
    response = client.get(url)
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again.get_data(), again.headers["ETag"]) == (304, b"", etag)
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    edit_recommendation(w.numbered, w.co_chair, text="Report to the committee every year")
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_value_holding_a_nul_matches_nothing_in_any_filter(w):
    """PostgreSQL refuses even to compare a NUL: the list answers an empty page instead."""
    for param in ("roundtable", "owner", "reference", "due_before", "mechanism", "state", "overdue"):
        page = RECOMMENDATIONS.page(ListState(filters={param: "121.1\x00"}), 20)
        assert (page.items, page.total) == ([], 0), param
    assert RECOMMENDATIONS.page(ListState(q="border\x00"), 20).total == 2  # (in a search, a separator)


def test_the_filters_values_are_counted_as_choosing_each_would_list(w):
    counts = RECOMMENDATIONS.facet_values(ListState())
    for param in ("roundtable", "mechanism", "state", "owner"):
        assert counts[param], param
        for value in counts[param]:
            chosen = ListState(filters={param: value.key})
            assert value.count == RECOMMENDATIONS.count(chosen), (param, value.key)
    assert sum(value.count for value in counts["state"]) == RECOMMENDATIONS.count(ListState()) == 7
