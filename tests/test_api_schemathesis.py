"""Schemathesis against the JSON API's own OpenAPI document (/api/v1/openapi.json), in
process through WSGI: for every operation, generated requests — valid ones and invalid ones
(schemathesis' positive and negative modes) — never give a server error, and every answer
conforms to the document: a documented status code, its content type and headers, and its
response schema (schemathesis' default checks, `case.call_and_validate`).

The database holds the demo data, so lists have items, and a detail is asked now and then
for a real slug (drafts and private roundtables too, which must answer 404): a generated
slug finds nothing. The API is read-only: every example also checks that nothing was
written. The number of examples comes from the Hypothesis profile (tests/fuzzing.py: `ci`,
or `long` for `make fuzz`).

(`schemathesis.pytest.from_fixture` would be the short way, but with pytest 9 it fails
before running anything — it sets `Function._nodeid`, which pytest 9 no longer has — so the
operations' strategies are used with Hypothesis directly.)
"""

import datetime as dt
from dataclasses import dataclass

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tracker import create_app
from tracker.core.extensions import db
from tracker.data.demo import load_demo
from tracker.pledges.models import Pledge
from tracker.roundtables.models import Roundtable

from .databases import empty_all_tables
from .fuzzing import API_EXAMPLES, Snapshot, snapshot

TODAY = dt.date(2025, 3, 1)
DOCUMENT = "/api/v1/openapi.json"


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) of the document. (Read at collection from an app with an empty
    in-memory database: the document is written from the code, not the data.)"""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    paths = app.test_client().get(DOCUMENT).get_json()["paths"]
    return [
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()

# Every default check of schemathesis runs (not_a_server_error; status code, content type,
# headers and response schema conformance; …) except two about how strictly parameters are
# refused. The API is lenient by design (README, "JSON API"): a filter value that names
# nothing gives an empty list and an unknown `sort` the default order, although the
# document lists their values as an `enum` — which these two checks read as "anything else
# must be refused" (and the converse for the id filters, whose non-ASCII digits get 422).
LENIENT_BY_DESIGN = [schemathesis.checks.negative_data_rejection, schemathesis.checks.positive_data_acceptance]


@dataclass
class Api:
    app: object
    schema: object
    slugs: dict[str, list[str]]  # path -> the demo's slugs (published or not)
    rows: Snapshot  # every row after the demo loaded

    def _repr_pretty_(self, printer, _cycle) -> None:  # (Hypothesis prints it with a failure: keep it short)
        printer.text("<the API with the demo data>")


@pytest.fixture(scope="module")
def api(schema_url):
    """The app with the demo data, and its schema (loaded from the app itself)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": schema_url})
    with app.app_context():
        load_demo(today=TODAY)
        db.session.commit()
        slugs = {
            "/api/v1/pledges/{slug}": list(db.session.scalars(sa.select(Pledge.slug).order_by(Pledge.slug))),
            "/api/v1/roundtables/{slug}": list(
                db.session.scalars(sa.select(Roundtable.slug).order_by(Roundtable.slug))
            ),
        }
        db.session.remove()
    yield Api(app, schemathesis.openapi.from_wsgi(DOCUMENT, app), slugs, snapshot(app))
    with app.app_context():
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def test_every_operation_is_tested(api):
    found = {(result.ok().method.upper(), result.ok().full_path) for result in api.schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@settings(max_examples=API_EXAMPLES)
@given(data=st.data())
def test_api_conforms_to_its_openapi_document(api, method, path, data):
    operation = api.schema[path.removeprefix(api.schema.base_path.rstrip("/"))][method]
    fixed = {}
    if path in api.slugs:
        slug = data.draw(st.one_of(st.none(), st.sampled_from(api.slugs[path])), label="real slug")
        fixed = {"path_parameters": {"slug": slug}} if slug is not None else {}
    mode = data.draw(st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]), label="mode")
    case = data.draw(operation.as_strategy(mode, **fixed), label="case")
    response = case.call_and_validate(excluded_checks=LENIENT_BY_DESIGN)
    assert response.status_code < 500
    changed = api.rows.differences(snapshot(api.app))
    assert not changed, f"{case.method} {case.formatted_path} wrote to: {', '.join(changed)}"
