"""The open data downloads: pledges.csv and actions.csv, for the pledges the public list
shows with the same search and filters (q, state, theme, organisation, forum, country).
The format is `open_data`'s; these views only read the address and send the file."""
from flask import Response, request

from .. import catalogue, clock, open_data
from ..conditional import cacheable
from ..listing import ListState
from . import bp


def _listed_pledges():
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
def pledges_csv():
    return _download(open_data.export_pledges(_listed_pledges()), "pledges")


@bp.route("/actions.csv")
@cacheable
def actions_csv():
    return _download(open_data.export_actions(_listed_pledges()), "actions")
