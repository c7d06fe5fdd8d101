"""The JSON API as a good citizen of the web, as a partner's program or a script on another
site meets it: the next page in a `Link` header, CORS for any origin without credentials,
and a rate limit per client address that every answer tells — kept renders sent in front of
Flask included — and that the OpenAPI document describes (tracker/api/headers.py,
tracker/core/web/api_rate_limit.py)."""

import re
from pathlib import Path

import pytest

from config import Config
from tracker import create_app
from tracker.core.extensions import db
from tracker.core.web.security import limiter

ROOT = Path(__file__).resolve().parent.parent
PLEDGES = "/api/v1/pledges"
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
PARTNER = "https://partner.example.net"


@pytest.fixture
def requests_reaching_flask(app):
    """How many requests were answered by Flask (not by the kept renders in front of it)."""
    seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(1) and None)
    return seen


@pytest.fixture
def three_a_minute(app):
    """The API limited to 3 requests a minute per address, counters from zero."""
    app.config["API_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    yield
    limiter.reset()


def _lists(make):
    """Three public records of each list, so that two a page makes two pages."""
    for title in ("Safe water", "First aid", "Family links"):
        make.pledge_in_progress(title=title)
        make.roundtable(title=f"Roundtable on {title}")
    make.roundtable(title="Private", is_public=False)
    db.session.commit()


def _link(url: str) -> str:
    return f'<{url}>; rel="next"'


# --- Link: rel="next" ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PLEDGES, "/api/v1/roundtables"])
def test_a_list_page_links_to_the_next_in_a_header_until_the_last(client, make, path):
    _lists(make)
    first = client.get(f"{path}?per_page=2")
    assert first.headers["Link"] == _link(first.get_json()["next"])

    last = client.get(first.get_json()["next"])
    assert last.status_code == 200 and last.get_json()["next"] is None
    assert "Link" not in last.headers
    assert len(first.get_json()["items"]) + len(last.get_json()["items"]) == 3


def test_a_list_sent_from_its_kept_render_keeps_its_link(app, make, requests_reaching_flask):
    _lists(make)
    first = app.test_client().get(f"{PLEDGES}?per_page=2")
    again = app.test_client().get(f"{PLEDGES}?per_page=2")
    head = app.test_client().head(f"{PLEDGES}?per_page=2")
    assert len(requests_reaching_flask) == 1  # the second and third from the kept render
    assert again.headers["Link"] == first.headers["Link"] == _link(again.get_json()["next"])
    assert head.headers["Link"] == first.headers["Link"]


def test_a_304_has_no_link_whether_flask_or_the_kept_render_answers(app, make, requests_reaching_flask):
    """The client's copy has its `next`; RFC 9110 asks a 304 for its validators alone."""
    _lists(make)
    url = f"{PLEDGES}?per_page=2"
    head = app.test_client().head(url)  # (a HEAD is answered, never kept)
    assert head.headers["Link"]
    current = {"If-None-Match": head.headers["ETag"]}

    from_flask = app.test_client().get(url, headers=current)
    app.test_client().get(url)  # now kept
    reached = len(requests_reaching_flask)
    from_kept = app.test_client().get(url, headers=current)

    assert len(requests_reaching_flask) == reached  # answered in front of Flask
    for response in (from_flask, from_kept):
        assert response.status_code == 304 and "Link" not in response.headers
        assert response.headers["ETag"] == head.headers["ETag"]


def test_a_single_record_has_no_link(client, make):
    pledge = make.pledge_in_progress()
    db.session.commit()
    assert "Link" not in client.get(f"{PLEDGES}/{pledge.slug}").headers


# --- CORS ---------------------------------------------------------------------------------------


def _assert_readable_by_any_site(response):
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {name.strip().lower() for name in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "last-modified", "link", *(name.lower() for name in RATE_LIMIT_HEADERS)} <= exposed
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Origin" not in response.headers.get("Vary", "")  # the same answer for every site: one copy


@pytest.mark.parametrize("path", [PLEDGES, "/api/v1/roundtables", "/api/v1/openapi.json", "/api/v1/pledges/none"])
def test_any_site_may_read_the_api_without_credentials(client, path):
    _assert_readable_by_any_site(client.get(path, headers={"Origin": PARTNER}))


def test_cors_headers_are_sent_from_the_kept_render_too(app, make, requests_reaching_flask):
    _lists(make)
    app.test_client().get(PLEDGES)  # rendered without Origin, then kept
    kept = app.test_client().get(PLEDGES, headers={"Origin": PARTNER})
    assert len(requests_reaching_flask) == 1
    _assert_readable_by_any_site(kept)


def test_a_preflight_for_a_conditional_get_is_allowed(client):
    response = client.options(
        PLEDGES,
        headers={
            "Origin": PARTNER,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match, accept-language",
        },
    )
    assert response.status_code in (200, 204)
    _assert_readable_by_any_site(response)
    methods = {method.strip() for method in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    allowed = {name.strip().lower() for name in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {"if-none-match", "accept-language"}
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_a_preflight_for_anything_but_reading_is_not_allowed(client):
    delete = client.options(PLEDGES, headers={"Origin": PARTNER, "Access-Control-Request-Method": "DELETE"})
    assert "Access-Control-Allow-Methods" not in delete.headers
    header = client.options(
        PLEDGES,
        headers={
            "Origin": PARTNER,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-api-key",
        },
    )
    assert "Access-Control-Allow-Headers" not in header.headers


def test_a_plain_options_says_what_is_allowed_and_other_methods_are_refused(client):
    """What a client without CORS (and schemathesis) expects: Allow, and 405 for the rest."""
    options = client.options(PLEDGES)
    assert {method.strip() for method in options.headers["Allow"].split(",")} == {"GET", "HEAD", "OPTIONS"}
    refused = client.delete(PLEDGES)
    assert refused.status_code == 405 and refused.get_json()["code"] == 405


@pytest.mark.parametrize("path", ["/", "/pledges", "/auth/login", "/no-such-page"])
def test_the_sites_own_pages_allow_no_other_origin(client, path):
    response = client.get(path, headers={"Origin": PARTNER})
    assert not any(name.lower().startswith("access-control-") for name, _value in response.headers)


# --- the rate limit -----------------------------------------------------------------------------


def _stands(response) -> tuple[int, int, int]:
    limit, remaining, reset = (int(response.headers[name]) for name in RATE_LIMIT_HEADERS)
    return limit, remaining, reset


def test_the_fourth_request_from_one_address_waits_with_a_json_429(client, make, three_a_minute):
    _lists(make)
    answers = [client.get(PLEDGES, headers={"Origin": PARTNER}) for _ in range(4)]
    assert [response.status_code for response in answers] == [200, 200, 200, 429]
    assert [_stands(response)[:2] for response in answers] == [(3, 2), (3, 1), (3, 0), (3, 0)]
    assert all(0 < _stands(response)[2] <= 60 for response in answers)

    refused = answers[-1]
    assert refused.get_json() == {
        "code": 429,
        "status": "Too Many Requests",
        "message": refused.get_json()["message"],
    }
    assert "at most 3 in 60 seconds" in refused.get_json()["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Retry-After" not in answers[0].headers
    _assert_readable_by_any_site(refused)  # the page's script can read why, and when to retry


def test_answers_sent_from_the_kept_render_count_and_tell_the_count(app, make, three_a_minute, requests_reaching_flask):
    _lists(make)
    first = app.test_client().get(PLEDGES)
    kept = [app.test_client().get(PLEDGES) for _ in range(2)]
    assert len(requests_reaching_flask) == 1  # the second and third were answered in front of Flask
    assert [_stands(response)[1] for response in (first, *kept)] == [2, 1, 0]

    refused = app.test_client().get(PLEDGES)
    assert refused.status_code == 429 and refused.get_json()["code"] == 429
    assert "Retry-After" in refused.headers


def test_a_304_counts_too(app, make, three_a_minute):
    _lists(make)
    etag = app.test_client().get(PLEDGES).headers["ETag"]
    current = app.test_client().get(PLEDGES, headers={"If-None-Match": etag})  # from the kept render
    assert current.status_code == 304 and _stands(current)[1] == 1


def test_another_address_has_its_own_count(client, make, three_a_minute):
    _lists(make)
    for _ in range(4):
        client.get(PLEDGES)
    other = client.get(PLEDGES, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert other.status_code == 200 and _stands(other)[1] == 2


def test_the_sites_pages_are_neither_limited_nor_told_the_apis_count(client, make, three_a_minute):
    _lists(make)
    for _ in range(4):
        client.get(PLEDGES)
    for _ in range(4):
        page = client.get("/pledges")
        assert page.status_code == 200
        assert not any(name in page.headers for name in (*RATE_LIMIT_HEADERS, "Retry-After"))


def test_preflights_are_not_counted(client, three_a_minute):
    for _ in range(5):
        preflight = client.options(PLEDGES, headers={"Origin": PARTNER, "Access-Control-Request-Method": "GET"})
        assert preflight.status_code == 200 and "RateLimit-Limit" not in preflight.headers
    assert _stands(client.get(PLEDGES))[1] == 2


def test_without_a_limit_nothing_is_counted_or_told(client):
    """The tests' own configuration: the limit is off unless a test turns it on."""
    for _ in range(5):
        response = client.get(PLEDGES)
        assert response.status_code == 200 and "RateLimit-Limit" not in response.headers


def test_with_redis_the_count_is_kept_where_every_worker_reads_it(schema_url):
    """Every gunicorn worker and every app server counts in Redis: kept answers too."""
    import redis

    url = "redis://127.0.0.1:6379/13"
    client = redis.Redis.from_url(url)
    pattern = "LIMITS:LIMITER/tracker/api/*"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": schema_url, "RATELIMIT_STORAGE_URI": url, "API_RATE_LIMIT": "3 per minute"}
    )
    try:
        answers = [app.test_client().get(PLEDGES) for _ in range(4)]  # the second on, from the kept render
        keys = list(client.scan_iter(match=pattern))
        assert [response.status_code for response in answers] == [200, 200, 200, 429]
        assert len(keys) == 1 and int(client.get(keys[0])) == 4
        assert 0 < client.ttl(keys[0]) <= 60
    finally:
        for key in client.scan_iter(match=pattern):
            client.delete(key)
        with app.app_context():
            db.engine.dispose()  # its connections closed now, not whenever they are collected
        create_app({"SQLALCHEMY_DATABASE_URI": schema_url})  # the limiter back in memory for the next tests


def test_the_api_is_limited_by_default_as_the_readme_says():
    readme = (ROOT / "README.md").read_text()
    assert Config.API_RATE_LIMIT == "600 per minute"
    assert "`API_RATE_LIMIT` = 600 per minute" in readme
    assert "### JSON API" in readme and "#### Versioning and deprecation" in readme


# --- the OpenAPI document -----------------------------------------------------------------------


def _document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "head", "post", "put", "patch", "delete"):
                yield f"{method.upper()} {path}", operation


def test_every_operation_documents_its_429_and_the_rate_limit_headers(client):
    document = _document(client)
    for name, operation in _operations(document):
        responses = {status: _resolve(document, response) for status, response in operation["responses"].items()}
        too_many = responses["429"]
        assert too_many["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, name
        for header in (*RATE_LIMIT_HEADERS, "Retry-After"):
            assert _resolve(document, too_many["headers"][header])["required"] is True, (name, header)
        for status, response in responses.items():
            if status == "429":
                continue
            for header in RATE_LIMIT_HEADERS:
                documented = _resolve(document, response["headers"][header])
                assert not documented.get("required"), (name, status, header)  # the operator may turn it off
                assert documented["schema"]["type"] == "integer"


def test_the_headers_sent_are_the_documented_ones(client, make, three_a_minute):
    """What schemathesis checks of every answer, with the limit on: each documented header
    sent has the documented form."""
    _lists(make)
    document = _document(client)
    answer = client.get(f"{PLEDGES}?per_page=2")
    documented = _resolve(document, document["paths"][PLEDGES]["get"]["responses"]["200"])["headers"]
    for name in RATE_LIMIT_HEADERS:
        schema = _resolve(document, documented[name])["schema"]
        assert int(answer.headers[name]) >= schema["minimum"], name
    if "Link" in documented:
        assert re.fullmatch(documented["Link"]["schema"]["pattern"], answer.headers["Link"])


def test_every_list_operation_documents_its_link_header(client):
    """A list is an operation whose 200 has a `next`: it uses LIST_HEADERS (tracker/api/common.py)."""
    document = _document(client)
    lists = []
    for name, operation in _operations(document):
        ok = _resolve(document, operation["responses"].get("200", {}))
        schema = _resolve(document, ok.get("content", {}).get("application/json", {}).get("schema", {}))
        if "next" in schema.get("properties", {}):
            lists.append(name)
            assert "Link" in ok["headers"], name
            assert not ok["headers"]["Link"].get("required"), name  # not on the last page
    assert {"GET /api/v1/pledges", "GET /api/v1/roundtables"} <= set(lists)


def _resolve(document: dict, node: dict) -> dict:
    """`node`, or what its `$ref` names in `document`."""
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node
