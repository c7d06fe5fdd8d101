"""The API's filters as a partner builds them: the lists of filter values give each value's
slug and how many public records it filters to, the filters take those slugs (or ids), and a
value outside what the document allows is refused with 422 naming the parameter — never
quietly ignored."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tracker.accounts.models import Organisation, OrganisationKind
from tracker.core.extensions import db
from tracker.roundtables.operations import create_recommendation
from tracker.taxonomy.models import Country, Forum, ForumKind, Theme

from .factories import take_transition
from .test_api import API, TODAY, get_json, many_pledges, pledge_world, roundtable_world, walk  # noqa: F401 (a fixture)

VALUE_LISTS = ("themes", "organisations", "forums", "processes", "countries")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_each_filter_value_counts_what_its_filter_gives(client, make, many_pledges):  # noqa: F811
    roundtable_world(make)
    for values in VALUE_LISTS:
        answer = get_json(client, f"{API}/{values}")
        assert answer["items"] and answer["total"] == len(answer["items"]), values
        names = [item["name"] for item in answer["items"]]
        assert names == sorted(names, key=str.casefold), f"{values}: A–Z"
        for item in answer["items"]:
            for noun in ("pledges", "roundtables", "recommendations"):
                if f"{noun}_url" in item:
                    listed = get_json(client, _path(item[f"{noun}_url"]))
                    assert listed["total"] == item[noun], (values, item["name"], noun)
                    assert item["slug"] in item[f"{noun}_url"]
    society = next(item for item in get_json(client, f"{API}/organisations")["items"] if item["name"] == "Society 0")
    assert (society["slug"], society["pledges"], society["roundtables"]) == ("society-0", 15, 0)
    fiji = next(item for item in get_json(client, f"{API}/countries")["items"] if item["slug"] == "fiji")
    assert (fiji["iso_code"], fiji["region"]) == ("FJ", "009")
    owner = next(
        item for item in get_json(client, f"{API}/organisations")["items"] if item["slug"] == "philippine-red-cross"
    )
    assert (owner["pledges"], owner["roundtables"], owner["recommendations"]) == (0, 0, 3)  # owns, signs nothing
    bali = get_json(client, f"{API}/processes")["items"]
    assert [(item["slug"], item["roundtables"]) for item in bali] == [("bali-process", 1)]


def test_only_public_records_are_counted_and_listed(client, make):
    hidden_theme = Theme(name="Only in drafts", slug="only-in-drafts")
    hidden_country = Country(name="Tuvalu", iso_code="TV")
    hidden_forum = Forum(name="A private process", kind=ForumKind.PROCESS)
    db.session.add_all([hidden_theme, hidden_country, hidden_forum])
    db.session.flush()
    drafter = make.organisation("Drafting Society")
    make.pledge(lead=drafter, themes=[hidden_theme], countries=[hidden_country])
    chair = make.organisation("Private Chair", kind=OrganisationKind.GOVERNMENT)
    make.roundtable(co_chairs=[chair], is_public=False, forum_id=hidden_forum.id)
    make.organisation("Proposed Society", confirmed=False)
    pledge_world(make)
    listed = {values: get_json(client, f"{API}/{values}")["items"] for values in VALUE_LISTS}
    everything = repr(listed)
    for hidden in ("Only in drafts", "Tuvalu", "A private process", "Drafting Society", "Private Chair", "Proposed"):
        assert hidden not in everything
    assert {item["name"] for item in listed["organisations"]} >= {"Australian Red Cross", "Indonesian Red Cross"}


def test_filters_take_slugs_and_ids_alike(client, make):
    w = pledge_world(make)
    rt = roundtable_world(make)
    by_slug = {
        "organisation": w.partner.slug,
        "forum": w.forum.slug,
        "country": w.country.slug,
        "theme": w.theme.slug,
    }
    by_id = {"organisation": w.partner.id, "forum": w.forum.id, "country": w.country.id}
    for name, slug in by_slug.items():
        found = [item["slug"] for item in walk(client, f"{API}/pledges?{name}={slug}")]
        assert found == [w.pledge.slug], name
        if name in by_id:
            assert [item["slug"] for item in walk(client, f"{API}/pledges?{name}={by_id[name]}")] == found
    assert w.partner.slug == "indonesian-red-cross" and w.country.slug == "indonesia"
    for name, value in (
        ("process", rt.process.slug),
        ("co_chair", rt.co_chair_org.slug),
        ("co_chair", rt.co_chair_org.id),
    ):
        assert [item["slug"] for item in walk(client, f"{API}/roundtables?{name}={value}")] == ["bali-2018"], name
    assert get_json(client, f"{API}/pledges?organisation=no-such-organisation")["total"] == 0


def test_a_slug_is_given_once_and_kept(client, make):
    first = make.organisation("Croix-Rouge française")
    twin = make.organisation("Croix Rouge Française")  # another name, the same slug: numbered
    arabic = make.organisation("الهلال الأحمر القطري")
    assert (first.slug, twin.slug) == ("croix-rouge-francaise", "croix-rouge-francaise-2")
    assert arabic.slug and arabic.slug.isascii()
    first.name = "French Red Cross"
    db.session.flush()
    assert first.slug == "croix-rouge-francaise"  # a partner's filter keeps working after a rename
    # Rows written without the ORM (a bulk insert) get theirs from the column's default.
    db.session.execute(sa.insert(Country), [{"name": "Timor-Leste"}, {"name": "Timor Leste"}])
    slugs = db.session.scalars(sa.select(Country.slug).where(Country.name.like("Timor%")).order_by(Country.id)).all()
    assert slugs == ["timor-leste", "timor-leste-2"]
    assert db.session.scalar(sa.select(sa.func.count()).where(Organisation.slug.is_(None))) == 0


@pytest.mark.parametrize(
    "path, query, parameter",
    [
        ("pledges", "state=draft", "state"),  # drafts are never public: no such state here
        ("pledges", "state=nonsense", "state"),
        ("pledges", "sort=nonsense", "sort"),
        ("pledges", "outcome=great", "outcome"),
        ("pledges", "region=999", "region"),
        ("pledges", "per_page=0", "per_page"),
        ("pledges", "per_page=101", "per_page"),
        ("pledges", "per_page=2.5", "per_page"),
        ("pledges", "per_page=%D9%A3", "per_page"),  # an Arabic-Indic three: no number in an address
        ("pledges", "q=" + "a" * 201, "q"),
        ("pledges", "theme=" + "a" * 201, "theme"),
        ("pledges", "organisation=", "organisation"),
        ("pledges", "sort=title&sort=newest", "sort"),  # which one?
        ("roundtables", "kind=summit", "kind"),
        ("roundtables", "sort=oldest", "sort"),
        ("roundtables", "year=last", "year"),
        ("roundtables", "year=0", "year"),
        ("pledges", "staet=done", "staet"),  # a mistyped name would otherwise widen the list
        ("pledges", "lang=de", "lang"),
        ("recommendations", "due_before=20270105", "due_before"),  # a day, as 2027-01-05
        ("recommendations", "reference=", "reference"),
    ],
)
def test_a_value_the_document_does_not_allow_is_refused_naming_it(client, make, path, query, parameter):
    pledge_world(make)
    body = get_json(client, f"{API}/{path}?{query}", status=422)
    assert body["status"] == "Unprocessable Entity"
    assert list(body["errors"]["query"]) == [parameter]
    assert all(isinstance(message, str) and message for message in body["errors"]["query"][parameter])


def test_a_refusal_is_in_the_readers_language(client, make):
    body = get_json(client, f"{API}/pledges?state=nonsense&lang=fr", status=422)
    assert body["errors"]["query"]["state"] == ["Doit être l’une des valeurs suivantes\u00a0: in_progress, done."]


def test_a_refused_request_is_refused_whatever_its_validators_say(client, make):
    """`If-None-Match: *` matches any copy, but a request the API refuses gets no 304."""
    pledge_world(make)
    assert client.get(f"{API}/pledges?per_page=0", headers={"If-None-Match": "*"}).status_code == 422
    assert client.get(f"{API}/pledges?per_page=5", headers={"If-None-Match": "*"}).status_code == 304


def test_a_filter_value_outside_any_record_matches_nothing(client, make):
    pledge_world(make)
    for query in ("theme=%C2%B2", "organisation=%EF%BC%91", "country=1.5", "forum=-1"):
        assert get_json(client, f"{API}/pledges?{query}")["total"] == 0, query
    assert get_json(client, f"{API}/roundtables?year=17")["total"] == 0
    regional = get_json(client, f"{API}/pledges?q=Regional")["total"]
    assert get_json(client, f"{API}/pledges?q=%01%02Regional")["total"] == regional > 0  # control characters: no words
    assert (
        get_json(client, f"{API}/pledges?q=Regional%00Protection")["total"]
        == (get_json(client, f"{API}/pledges?q=Regional+Protection")["total"])
    )


def test_filter_values_answer_304_until_a_change(client, make):
    w = pledge_world(make)
    first = client.get(f"{API}/themes")
    assert client.get(f"{API}/themes", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    make.pledge_in_progress(author=w.author, themes=[w.theme], title="Another")
    db.session.commit()
    again = client.get(f"{API}/themes", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.get_json()["items"][0]["pledges"] == 2


def test_a_search_starts_with_the_best_match(client, make, auth):
    """Without a chosen order, a search lists first the pledges whose title holds the words —
    on the API and on the register, whose order menu then shows "Best match"."""
    w = pledge_world(make)
    recent = make.pledge_in_progress(author=w.author, title="Coastal Shelters", text="A regional plan for shelters.")
    make.action(recent, author=w.author, date=dt.date(2024, 5, 1), summary="Built the first shelters.")
    db.session.commit()
    found = [item["slug"] for item in walk(client, f"{API}/pledges?q=regional")]
    assert found == [item["slug"] for item in walk(client, f"{API}/pledges?q=regional&sort=best_match")]
    assert found[0] == w.pledge.slug  # "Regional Protection", though another has a later action
    assert walk(client, f"{API}/pledges?q=regional&sort=last_action")[0]["slug"] == recent.slug
    page = client.get("/pledges?q=regional").get_data(as_text=True)
    assert re.search(r'<option value="best_match" selected>', page)
    assert page.index("Regional Protection") < page.index("Coastal Shelters")
    assert walk(client, f"{API}/pledges")[0]["slug"] == recent.slug  # no search: latest action


def test_an_empty_filter_says_so(client):
    body = get_json(client, f"{API}/pledges?forum=", status=422)
    assert body["errors"]["query"]["forum"] == ["Give a value, or leave the parameter out."]


def test_the_language_asked_for_is_kept_on_the_next_page(client, many_pledges):  # noqa: F811
    first = get_json(client, f"{API}/pledges?lang=fr&per_page=2&state=done")
    assert "lang=fr" in first["next"]
    assert get_json(client, _path(first["next"]))["items"]


def test_a_recommendation_says_whether_it_is_overdue(app, client, make):
    w = roundtable_world(make)
    late = create_recommendation(w.roundtable, w.co_chair, text="Train border officials", owners=[w.owner],
                                 due_date=TODAY - dt.timedelta(days=1))  # fmt: skip
    take_transition(late, "agree", w.co_chair, today=TODAY - dt.timedelta(days=30))
    db.session.commit()
    overdue = {item["id"]: item["overdue"] for item in walk(client, f"{API}/recommendations")}
    assert overdue[late.id] is True and overdue[w.updated.id] is False
    assert [item["id"] for item in walk(client, f"{API}/recommendations?overdue=true")] == [late.id]
    page = get_json(client, f"{API}/roundtables/{w.roundtable.slug}")
    assert {r["id"]: r["overdue"] for r in page["recommendations"]} == overdue


@pytest.mark.parametrize("address", ["/api/v1/openapi.json", "/api/v1/docs", "/api/v1/openapi.json?lang=ar"])
def test_the_documentation_answers_304_while_current(client, address):
    first = client.get(address)
    assert first.status_code == 200 and first.headers["ETag"]
    assert client.get(address, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
