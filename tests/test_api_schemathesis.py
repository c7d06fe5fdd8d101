"""Schemathesis against the JSON API's own OpenAPI document (/api/v1/openapi.json), in
process through WSGI, with every one of schemathesis' checks: for every operation, generated
requests — valid ones and invalid ones (schemathesis' positive and negative modes) — never
give a server error; every answer conforms to the document (a documented status code, its
content type and headers, its response schema); every request the document allows is
answered (positive_data_acceptance) and every one it does not is refused
(negative_data_rejection). Then a stateful phase: sequences of calls that follow the links
between operations (a list's slugs to their detail).

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
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from werkzeug.serving import make_server

from tracker import create_app
from tracker.core.extensions import db
from tracker.data.demo import load_demo
from tracker.pledges.models import Pledge
from tracker.roundtables.models import Roundtable

from .databases import empty_all_tables
from .fuzzing import API_EXAMPLES, PROFILE, Snapshot, snapshot

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

# Every check schemathesis has: none is left out.
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


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
    response = case.call_and_validate(checks=ALL_CHECKS)
    assert response.status_code < 500
    changed = api.rows.differences(snapshot(api.app))
    assert not changed, f"{case.method} {case.formatted_path} wrote to: {', '.join(changed)}"


def test_sequences_of_calls_conform(api):
    """Schemathesis' stateful phase: calls chained by the links between operations (the
    document's, and those schemathesis infers: a list item's slug to its detail), every
    answer checked by every check, and nothing written."""
    machine = api.schema.as_state_machine()

    class Calls(machine):
        def validate_response(self, response, case, additional_checks=(), **kwargs):
            case.validate_response(response, checks=ALL_CHECKS, transport_kwargs=kwargs)

    Calls.run(settings=settings(max_examples=API_EXAMPLES // 2, stateful_step_count=6, deadline=None))
    changed = api.rows.differences(snapshot(api.app))
    assert not changed, f"wrote to: {', '.join(changed)}"


# `schemathesis run` as a partner would run it against a served tracker: every check, every
# phase (the document's examples, coverage of each parameter's bounds and values, fuzzing,
# stateful sequences). `make fuzz` (profile "long") gives each operation 1,000 examples.
CLI_EXAMPLES = 1000 if PROFILE == "long" else 60


def test_schemathesis_run_finds_nothing(api, tmp_path):
    server = make_server("127.0.0.1", 0, api.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-under-test", daemon=True)
    thread.start()
    try:
        command = [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"http://127.0.0.1:{server.server_port}{DOCUMENT}",
            "--checks=all",
            "--phases=examples,coverage,fuzzing,stateful",
            f"--max-examples={CLI_EXAMPLES}",
            "--no-color",
            "--workers=1",
            *(["--seed=1", "--generation-deterministic"] if PROFILE != "long" else ["--generation-database=none"]),
        ]
        # (in a folder of its own: schemathesis keeps a cache where it runs)
        run = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False, cwd=tmp_path)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout or " passed" in run.stdout
    changed = api.rows.differences(snapshot(api.app))
    assert not changed, f"schemathesis run wrote to: {', '.join(changed)}"
