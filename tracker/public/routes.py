"""The public's pages that belong to no one record: the home page, the open-data page, the
CSV downloads and the site-wide feed of new actions taken.

The downloads give the pledges the public list shows for the same search and filters (q,
state, theme, organisation, forum, country), in `tracker.data.open_data`'s format; these
views only read the address and send the file."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..core import access, clock, data_version
from ..core.extensions import db
from ..core.listing import ListState
from ..core.web import pdf
from ..core.web.conditional import cacheable
from ..data import open_data
from ..pledges import catalogue, feeds
from ..pledges.models import ActionTaken, Pledge, PledgeSignatory
from ..roundtables.catalogue import ROUNDTABLES
from ..taxonomy.models import Forum
from . import forums

bp = Blueprint("public", __name__)

LATEST_ON_HOME = 8


@bp.route("/")
@cacheable
def home() -> str:
    """What the register holds, a search box, and the latest actions taken."""
    published = access.visible(catalogue.PUBLIC, Pledge)
    by_state = {  # each state: its pledges, and their current actions (kept on each pledge's row)
        status: (pledges, actions or 0)
        for status, pledges, actions in db.session.execute(
            sa.select(Pledge.status, sa.func.count(), sa.func.sum(Pledge.actions_count))
            .where(published)
            .group_by(Pledge.status)
        )
    }
    return render_template(
        "public/home.html",
        charts=_register_charts(),
        pledges=sum(pledges for pledges, _ in by_state.values()),
        done=by_state.get("done", (0, 0))[0],
        actions=sum(actions for _, actions in by_state.values()),
        roundtables=ROUNDTABLES.count(ListState()),
        latest=feeds.latest_actions(limit=LATEST_ON_HOME, by_date=True),
    )


# The register's charts on the home page: each a filter of the pledge list, its bars that
# filter's values with the pledges each gives (so a bar's figure is what its link lists).
HOME_CHARTS = [
    ("state", _l("Pledges by state"), _l("How many published pledges are in progress and how many are done.")),
    (
        "theme",
        _l("Pledges by theme"),
        _l("How many published pledges address each theme (a pledge may have several)."),
    ),
    (
        "forum",
        _l("Pledges by forum"),
        _l("Where the published pledges were made: each conference, process or programme."),
    ),
    (
        "region",
        _l("Pledges by region of the world"),
        _l("How many published pledges cover a country or region in each region of the world."),
    ),
    (
        "country",
        _l("Pledges by country or region"),
        _l("How many published pledges cover each country or region."),
    ),
]

# A chart: its id, title, description and rows (label, count, the list it counts, flag).
Chart = tuple[str, str | LazyString, str | LazyString, list[tuple[Any, int, str | None, None]]]


def _register_charts() -> list[Chart]:
    values = catalogue.PLEDGES.facet_values(ListState(), only=tuple(param for param, _, _ in HOME_CHARTS))
    charts: list[Chart] = []
    for param, title, description in HOME_CHARTS:
        rows: list[tuple[Any, int, str | None, None]] = [
            (value.label, value.count, _filtered_list(param, value.key), None)
            for value in sorted(values[param], key=lambda value: -value.count)
        ]
        charts.append((f"chart-{param}", title, description, rows))
    charts.append(
        (
            "chart-completed",
            _("Pledges completed, by year"),
            _("How many published pledges were marked done in each year, the earliest first."),
            _completed_by_year(),
        )
    )
    return charts


def _completed_by_year() -> list[tuple[Any, int, str | None, None]]:
    year = sa.extract("year", Pledge.completed_at)
    rows = db.session.execute(
        sa.select(year, sa.func.count())
        .where(access.visible(catalogue.PUBLIC, Pledge), Pledge.status == "done", Pledge.completed_at.is_not(None))
        .group_by(year)
        .order_by(year)
    )
    return [(str(int(done_in)), int(count), None, None) for done_in, count in rows]


def _filtered_list(param: str, key: str) -> str:
    arguments: dict[str, Any] = {param: key}
    return url_for("pledges.index", **arguments)


def _forum(slug: str) -> Forum:
    record = db.session.scalar(sa.select(Forum).where(Forum.slug == slug))
    if record is None:
        abort(404)
    return record


@bp.route("/forums/<slug>")
@cacheable
def forum(slug: str) -> str:
    """A forum's pledges (and a process's roundtables) as a whole."""
    record = _forum(slug)
    return render_template("public/forum.html", overview=forums.overview(record, clock.today()))


@bp.route("/forums/<slug>/report.pdf")
@cacheable
def forum_report(slug: str) -> Response:
    """A forum's progress report as PDF: its pledges as a whole, then each one."""
    record = _forum(slug)
    today = clock.today()
    html = render_template(
        "public/forum_report.html",
        overview=forums.overview(record, today),
        pledges=forums.pledges_of(record),
        today=today,
    )
    return pdf.pdf(html, f"{record.slug}-progress-{today.isoformat()}.pdf")


@bp.route("/login")
def login_shortcut() -> ResponseReturnValue:
    """/login, as people type it: the log-in page (and, given, where they were going)."""
    following = request.args.get("next")
    return redirect(url_for("auth.login", next=following) if following else url_for("auth.login"))


@bp.route("/open-data", endpoint="open_data")
@cacheable
def open_data_page() -> str:
    """What can be downloaded, in which format, and how to use the API and feeds."""
    return render_template("public/open_data.html")


@bp.route("/feeds")
@cacheable
def feeds_page() -> str:
    """Following new actions in a feed reader: what a feed is, its address to copy (every
    pledge's, or one published pledge's: `?pledge=<slug>`), and what it holds now."""
    pledge = db.session.scalar(
        sa.select(Pledge)
        .where(Pledge.slug == request.args.get("pledge", "")[:120])
        .options(selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation))
    )
    if pledge is not None and not access.can(catalogue.PUBLIC, "view", pledge):
        pledge = None  # a draft has no feed, whoever asks
    address = (
        url_for("pledges.actions_feed", slug=pledge.slug, _external=True)
        if pledge is not None
        else url_for(".actions_feed", _external=True)
    )
    return render_template(
        "public/feeds.html", pledge=pledge, address=address, actions=feeds.latest_actions(pledge, limit=10)
    )


@bp.route("/actions.atom")
@cacheable
def actions_feed() -> Response:
    """New actions taken on every published pledge (Atom)."""
    document = feeds.atom(
        feed_id=url_for(".actions_feed", _external=True),
        title=_("Pledge Tracker: new actions taken"),
        subtitle=_("Actions taken towards published pledges, newest first."),
        self_url=url_for(".actions_feed", _external=True),
        page_url=url_for("pledges.index", _external=True),
        actions=feeds.latest_actions(),
        permalink=_action_permalink,
        last_changed=data_version.current().changed_at,
    )
    return Response(document, mimetype="application/atom+xml")


def _action_permalink(action: ActionTaken) -> str:
    """An action's public address: its place on its pledge's page."""
    return url_for("pledges.show", slug=action.pledge.slug, _anchor=f"action-{action.id}", _external=True)


def _pledge_permalink(pledge: Pledge) -> str:
    return url_for("pledges.show", slug=pledge.slug, _external=True)


# --- the CSV downloads ---------------------------------------------------------------------


def _listed_pledges() -> sa.Select[tuple[Pledge]]:
    """Every published pledge the list page would show for this address (all its pages)."""
    return catalogue.PLEDGES.select(ListState.from_args(request.args, catalogue.PLEDGES))


def _download(body: str, name: str) -> Response:
    filename = f"{name}-{clock.today().isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",  # sent as text/csv; charset=utf-8
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/pledges.csv")
@cacheable
def pledges_csv() -> Response:
    return _download(open_data.export_pledges(_listed_pledges(), _pledge_permalink), "pledges")


@bp.route("/actions.csv")
@cacheable
def actions_csv() -> Response:
    return _download(open_data.export_actions(_listed_pledges()), "actions")


@bp.route("/recommendations.csv")
@cacheable
def recommendations_csv() -> Response:
    """The agreed recommendations of every public meeting or review, in the import's format
    without its private columns."""
    return _download(open_data.export_recommendations(public=True), "recommendations")
