"""Indicators with targets (issue 19, item 1): a pledge that promised "500 volunteers trained
by 2027" says so in numbers, each figure its actions report can count towards it, and its
page, the API and the CSV show how far it has got. Marking it done short of target asks
for a word of explanation, kept in history, and never blocks."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core import indicators
from tracker.core.access import PermissionDenied
from tracker.core.changes import InvalidField, OperationRefused
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.pledges.operations import set_indicators

from .factories import PASSWORD
from .test_open_data import _write


def text_of(response) -> str:
    return response.get_data(as_text=True)


class _Indicator:
    def __init__(self, baseline=None, target=None, combine="sum"):
        self.baseline_value = None if baseline is None else Decimal(baseline)
        self.target_value = None if target is None else Decimal(target)
        self.combine = combine


def _readings(*pairs):
    return [indicators.Reading(day, Decimal(value), (i,)) for i, (day, value) in enumerate(pairs)]


def test_figures_added_up_count_from_the_baseline_towards_the_target():
    progress = indicators.progress_of(
        _Indicator(target=500),
        _readings((dt.date(2024, 3, 1), 50), (dt.date(2023, 6, 1), 40), (dt.date(2025, 1, 1), 30)),
    )
    assert progress.achieved == 120 and progress.percent == 24 and not progress.reached
    # Values over time, in date order, with the running total.
    assert [(p.date.year, p.level) for p in progress.points] == [(2023, 40), (2024, 90), (2025, 120)]

    from_baseline = indicators.progress_of(_Indicator(baseline=100, target=500), _readings((None, 100)))
    assert (from_baseline.achieved, from_baseline.percent) == (200, 25)


def test_the_latest_value_stands_for_where_things_are_even_going_down():
    # A rate to bring down from 200 to 50: the latest figure, not the sum, says where it is.
    falling = _Indicator(baseline=200, target=50, combine="latest")
    progress = indicators.progress_of(falling, _readings((dt.date(2025, 1, 1), 120), (dt.date(2024, 1, 1), 180)))
    assert progress.achieved == 120 and progress.percent == 53
    # An undated figure is no one's latest.
    assert indicators.progress_of(falling, _readings((None, 60), (dt.date(2024, 1, 1), 180))).achieved == 180


def test_a_percentage_is_never_100_unless_reached_and_can_pass_it():
    assert indicators.progress_of(_Indicator(target=1000), _readings((None, 999))).percent == 99
    assert indicators.progress_of(_Indicator(target=1000), _readings((None, 1))).percent == 1
    reached = indicators.progress_of(_Indicator(target=1000), _readings((None, 1000)))
    assert (reached.percent, reached.reached, reached.bar) == (100, True, 100)
    beyond = indicators.progress_of(_Indicator(target=1000), _readings((None, 1001)))
    assert (beyond.percent, beyond.bar) == (101, 100)
    nothing = indicators.progress_of(_Indicator(target=1000), [])
    assert (nothing.achieved, nothing.percent) == (None, 0)
    untargeted = indicators.progress_of(_Indicator(), _readings((None, 7)))
    assert (untargeted.achieved, untargeted.percent, untargeted.short_of_target) == (7, None, False)


@pytest.fixture
def promised(make):
    """A pledge in progress that promised 500 volunteers trained by 2027, with its staff."""
    pledge = make.pledge_in_progress(title="Volunteers for disaster response")
    staff = make.staff(organisation=pledge.lead_signatory)
    set_indicators(
        pledge,
        staff,
        [{"name": "Volunteers trained", "unit": "people", "target_value": "500", "target_date": dt.date(2027, 12, 31)}],
    )
    db.session.commit()
    return pledge, staff


def test_indicators_are_checked_and_their_changes_kept_in_history(promised, make):
    pledge, staff = promised
    with pytest.raises(PermissionDenied):
        set_indicators(pledge, make.staff(), [{"name": "Anything"}])
    with pytest.raises(InvalidField, match="Name what is counted"):
        set_indicators(pledge, staff, [{"name": " "}])
    with pytest.raises(InvalidField, match="Two indicators are called “Volunteers trained”"):
        set_indicators(pledge, staff, [{"name": "Volunteers trained"}, {"name": "volunteers  trained"}])
    with pytest.raises(InvalidField, match=r"Indicator “Shelters”: The target must be a number from 0"):
        set_indicators(pledge, staff, [{"name": "Shelters", "target_value": "-3"}])
    with pytest.raises(InvalidField, match="The target's day must come after the baseline's"):
        set_indicators(
            pledge,
            staff,
            [{"name": "Shelters", "baseline_date": dt.date(2025, 1, 1), "target_date": dt.date(2024, 1, 1)}],
        )
    db.session.rollback()
    entries = db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.event == "indicators_set")).all()
    assert [entry.changes["indicators"] for entry in entries] == [
        [[], ["Volunteers trained (people): — → 500 by 2027-12-31, added up"]]
    ]


def test_a_figure_counts_towards_an_indicator_only_of_its_own_pledge(promised, make):
    pledge, staff = promised
    other = make.pledge_in_progress(title="Another pledge")
    other_staff = make.staff(organisation=other.lead_signatory)
    set_indicators(other, other_staff, [{"name": "Meals"}])
    db.session.commit()
    with pytest.raises(OperationRefused, match="This pledge has no such indicator"):
        make.action(pledge, author=staff, figures=[{"value": 3, "indicator_id": other.indicators[0].id}])
    db.session.rollback()  # (as a view does on a refusal)
    # By its name (a script), its label and unit taken from the indicator when left out.
    action = make.action(pledge, author=staff, figures=[{"value": 120, "indicator": "volunteers trained"}])
    figure = action.figures[0]
    assert (figure.label, figure.unit, figure.indicator) == ("Volunteers trained", "people", pledge.indicators[0])


def _login(client, person):
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


def _figure_row(indicator_id, value, date):
    return {
        "date": date,
        "summary": f"Trained {value} volunteers.",
        "organisations": [],
        "figures-0-label": "",
        "figures-0-value": value,
        "figures-0-indicator": str(indicator_id),
        "links-0-url": "",
    }


def test_three_figures_show_the_same_percentage_on_the_page_the_api_and_the_csv(client, promised):
    pledge, staff = promised
    indicator = pledge.indicators[0]
    _login(client, staff)
    for value, date in (("40", "2023-06-01"), ("50", "2024-03-01"), ("30", "2025-01-15")):
        data = _figure_row(indicator.id, value, date) | {"organisations": [staff.organisation_id]}
        assert client.post(f"/pledges/{pledge.slug}/actions/new", data=data).status_code == 302
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert "120 of 500 <bdi>people</bdi>" in page and "24% of target" in page
    assert 'max="100" value="24"' in page  # the progress bar
    assert "counts towards its target" in page and "<bdi>Volunteers trained</bdi> over time" in page

    client.post("/auth/logout")
    api = client.get(f"/api/v1/pledges/{pledge.slug}").get_json()
    (shown,) = api["indicators"]
    assert (shown["name"], shown["target"], shown["achieved"], shown["percent"]) == (
        "Volunteers trained",
        "500.00",
        "120.00",
        24,
    )
    assert [point["level"] for point in shown["values"]] == ["40.00", "90.00", "120.00"]
    assert {figure["indicator"] for action in api["actions"] for figure in action["figures"]} == {"Volunteers trained"}

    rows = list(csv.DictReader(io.StringIO(client.get("/pledges.csv").get_data(as_text=True).lstrip("\ufeff"))))
    (row,) = [row for row in rows if row["slug"] == pledge.slug]
    assert '"achieved": "120"' in row["indicators"] and '"percent": 24' in row["indicators"]


def test_marking_done_short_of_target_asks_why_keeps_it_and_never_blocks(client, promised, make):
    pledge, staff = promised
    make.action(pledge, author=staff, figures=[{"value": 120, "indicator": "Volunteers trained"}])
    db.session.commit()
    _login(client, staff)
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert "Not every indicator has reached its target" in page
    assert "Volunteers trained: 120 of 500 people (24%)" in page
    done = client.post(
        f"/pledges/{pledge.slug}/transitions/complete",
        data={"complete-comment": "The programme ended when funding stopped."},
    )
    assert done.status_code == 302
    entry = db.session.scalar(sa.select(HistoryEntry).where(HistoryEntry.event == "complete"))
    assert entry.comment == "The programme ended when funding stopped."
    assert entry.changes["short_of_target"] == [None, ["Volunteers trained: 120 of 500 people (24%)"]]
    history = text_of(client.get(f"/pledges/{pledge.slug}/history"))
    assert "Done short of target" in history


def test_done_short_of_target_without_a_word_is_still_done(make, promised):
    pledge, staff = promised
    make.action(pledge, author=staff, figures=[{"value": 499, "indicator": "Volunteers trained"}])
    entry = take_transition(pledge, "complete", staff)
    assert pledge.is_complete and entry.comment is None
    assert entry.changes["short_of_target"] == [None, ["Volunteers trained: 499 of 500 people (99%)"]]


def test_the_editor_keeps_an_indicator_and_its_figures_and_refuses_with_what_was_typed(client, promised, make):
    pledge, staff = promised
    make.action(pledge, author=staff, figures=[{"value": 120, "indicator": "Volunteers trained"}])
    db.session.commit()
    indicator_id = pledge.indicators[0].id
    _login(client, staff)
    form = text_of(client.get(f"/pledges/{pledge.slug}/indicators"))
    assert 'value="Volunteers trained"' in form and "New indicator" in form
    refused = client.post(
        f"/pledges/{pledge.slug}/indicators",
        data={
            "rows-0-id": str(indicator_id),
            "rows-0-name": "Volunteers trained",
            "rows-0-target_value": "500",
            "rows-0-combine": "sum",
            "rows-1-name": "",
            "rows-1-unit": "shelters",
            "rows-1-target_value": "12",
            "rows-1-combine": "sum",
        },
    )
    assert refused.status_code == 422
    assert "Name what is counted" in text_of(refused) and 'value="shelters"' in text_of(refused)
    saved = client.post(
        f"/pledges/{pledge.slug}/indicators",
        data={
            "rows-0-id": str(indicator_id),
            "rows-0-name": "Volunteers trained (all branches)",
            "rows-0-target_value": "1,000",
            "rows-0-combine": "sum",
            "rows-1-name": "Shelters built",
            "rows-1-target_value": "12",
            "rows-1-combine": "sum",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    kept, added = pledge.indicators
    assert kept.id == indicator_id and kept.target_value == 1000 and len(kept.figures) == 1
    assert added.name == "Shelters built" and kept.progress.percent == 12
    removed = client.post(
        f"/pledges/{pledge.slug}/indicators",
        data={"rows-0-id": str(indicator_id), "rows-0-name": "x", "rows-0-combine": "sum", "rows-0-remove": "y"},
    )
    assert removed.status_code == 302
    db.session.expire_all()
    assert pledge.indicators == [] and pledge.actions[0].figures[0].value == 120  # the figure stays


def test_a_recommendations_progress_updates_report_against_its_indicator(client, make):
    co_chair = make.co_chair()
    roundtable = make.roundtable(co_chairs=[co_chair.organisation])
    owner = make.organisation()
    recommendation = make.recommendation(roundtable=roundtable, owners=[owner])
    take_transition(recommendation, "agree", co_chair)
    db.session.commit()
    _login(client, co_chair)
    saved = client.post(
        f"/recommendations/{recommendation.id}/indicators",
        data={
            "rows-0-name": "Officials trained",
            "rows-0-unit": "people",
            "rows-0-target_value": "40",
            "rows-0-combine": "sum",
        },
    )
    assert saved.status_code == 302
    client.post("/auth/logout")
    staff = make.staff(organisation=owner)
    db.session.commit()
    _login(client, staff)
    indicator_id = str(recommendation.indicators[0].id)
    missing = client.post(
        f"/recommendations/{recommendation.id}/updates",
        data={"update-date": "2024-05-01", "update-text": "First course held.", "update-indicator": indicator_id},
    )
    assert missing.status_code == 422 and "Give the figure for “Officials trained”" in text_of(missing)
    for day, value in (("2024-05-01", "12"), ("2024-09-01", "18")):
        posted = client.post(
            f"/recommendations/{recommendation.id}/updates",
            data={
                "update-date": day,
                "update-text": "A course held.",
                "update-indicator": indicator_id,
                "update-value": value,
            },
        )
        assert posted.status_code == 302
    page = text_of(client.get(f"/recommendations/{recommendation.id}"))
    assert "30 of 40 <bdi>people</bdi>" in page and "75% of target" in page
    api = client.get(f"/api/v1/roundtables/{roundtable.slug}").get_json()
    (shown,) = [r for r in api["recommendations"] if r["id"] == recommendation.id]
    assert shown["indicators"][0]["percent"] == 75
    assert [(u["indicator"], u["value"]) for u in shown["updates"]] == [
        ("Officials trained", "12.00"),
        ("Officials trained", "18.00"),
    ]


# The ASEAN-Australia Counter Trafficking fact sheet (2021, ../shared/seeds/002): "training
# 2,037 people in 2020, and 1,212 (Jan-Jun 2021)" — two figures, one indicator, no target
# stated; and a target given by hand for a second pledge of the same file.
_PLEDGES = [
    {
        "slug": "asean-act",
        "title": "ASEAN-Australia Counter Trafficking",
        "state": "in_progress",
        "lead_signatory": "Department of Foreign Affairs and Trade",
        "published_on": "2021-07-01",
        "text": "Help ASEAN Member States to respond to trafficking in persons.",
        "indicators": '[{"name": "Counter-trafficking actors trained", "unit": "people", "combine": "sum"}]',
    },
    {
        "slug": "volunteers",
        "title": "Volunteers for disaster response",
        "state": "in_progress",
        "lead_signatory": "Department of Foreign Affairs and Trade",
        "published_on": "2021-07-01",
        "text": "Train 400 more volunteers for disaster response by 2027.",
        "indicators": '[{"name": "Volunteers trained", "unit": "people", "baseline": "100", "target": "500", '
        '"target_date": "2027-12-31", "achieved": "ignored", "percent": 3}]',
    },
]
_ACTIONS = [
    {
        "pledge": "asean-act",
        "date": "2021",
        "summary": "Built regional and national capacities in justice sector agencies' responses.",
        "attributed_to": "Department of Foreign Affairs and Trade",
        "figures": '[{"label": "people trained", "value": "2037", "unit": "people", "year": 2020, '
        '"indicator": "Counter-trafficking actors trained"}, {"label": "people trained", "value": "1212", '
        '"unit": "people", "year": 2021, "period_note": "Jan–Jun 2021", "indicator": "counter-trafficking actors trained"}]',
    },
    {
        "pledge": "volunteers",
        "date": "2022-03",
        "summary": "First courses held.",
        "attributed_to": "Department of Foreign Affairs and Trade",
        "figures": '[{"value": "150", "indicator": "Volunteers trained"}]',
    },
]


def test_the_import_takes_indicators_and_the_figures_that_count_towards_them(runner, make, tmp_path):
    from tracker.data import open_data

    make.organisation(name="Department of Foreign Affairs and Trade")
    db.session.commit()
    files = [
        _write(tmp_path / "pledges.csv", open_data.PLEDGE_COLUMNS, _PLEDGES),
        _write(tmp_path / "actions.csv", open_data.ACTION_COLUMNS, _ACTIONS),
    ]
    result = runner.invoke(args=["data", "import", *files])
    assert result.exit_code == 0, result.output
    from tracker.pledges.models import Pledge

    act = db.session.scalar(sa.select(Pledge).where(Pledge.slug == "asean-act"))
    (trained,) = act.indicators
    progress = trained.progress
    assert (progress.achieved, progress.percent) == (Decimal("3249"), None)
    assert [(p.date.year, p.level) for p in progress.points] == [(2020, 2037), (2021, 3249)]
    volunteers = db.session.scalar(sa.select(Pledge).where(Pledge.slug == "volunteers"))
    (indicator,) = volunteers.indicators
    assert (indicator.baseline_value, indicator.target_value, indicator.target_date) == (
        100,
        500,
        dt.date(2027, 12, 31),
    )
    assert indicator.progress.achieved == 250 and indicator.progress.percent == 38  # 150 of the 400 to go
    assert volunteers.actions[0].figures[0].label == "Volunteers trained"


@pytest.mark.parametrize(
    ("pledge_cell", "figure_cell", "message"),
    [
        (
            '[{"name": "Volunteers trained", "target": 500}]',
            '[{"value": "1", "indicator": "Volunteers trained"}]',
            "pledges.csv: Row 3, column indicators: Each indicator's target must be a string or null",
        ),
        (
            '[{"name": "Volunteers trained", "goal": "500"}]',
            '[{"value": "1", "indicator": "Volunteers trained"}]',
            "pledges.csv: Row 3, column indicators: Unknown key goal",
        ),
        (
            '[{"name": "Volunteers trained", "target_date": "2027"}]',
            '[{"value": "1", "indicator": "Volunteers trained"}]',
            "pledges.csv: Row 3, column indicators: 2027 is not a day (use 2027-12-31).",
        ),
        (
            '[{"name": "Volunteers trained"}]',
            '[{"value": "1", "indicator": "Meals served"}]',
            (
                "actions.csv: Row 3, column figures: The pledge has no indicator “Meals served” "
                "(its indicators: “Volunteers trained”)."
            ),
        ),
    ],
)
def test_a_bad_indicator_cell_names_its_row_and_column_and_nothing_is_written(
    runner, make, tmp_path, pledge_cell, figure_cell, message
):
    from tracker.data import open_data
    from tracker.pledges.models import Pledge

    make.organisation(name="Department of Foreign Affairs and Trade")
    db.session.commit()
    pledges = [_PLEDGES[0], _PLEDGES[1] | {"indicators": pledge_cell}]
    actions = [_ACTIONS[0], _ACTIONS[1] | {"figures": figure_cell}]
    files = [
        _write(tmp_path / "pledges.csv", open_data.PLEDGE_COLUMNS, pledges),
        _write(tmp_path / "actions.csv", open_data.ACTION_COLUMNS, actions),
    ]
    result = runner.invoke(args=["data", "import", *files])
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 0


def test_progress_updates_import_a_figure_for_the_recommendations_indicator(make):
    from tracker.data import open_data
    from tracker.roundtables.models import Recommendation

    recommendations = (
        "meeting,meeting_kind,meeting_date,reference,text,owners,state,indicators\r\n"
        "Universal Periodic Review of Fiji,review,2019-11-12,1.1,Train officials in the convention,Fiji,in_progress,"
        '"[{""name"": ""Officials trained"", ""unit"": ""people"", ""target"": ""40""}]"\r\n'
    )
    updates = (
        "meeting,recommendation,date,organisation,text,indicator,value\r\n"
        "Universal Periodic Review of Fiji,1.1,2021-03-01,Fiji,A first course.,officials trained,12\r\n"
        "Universal Periodic Review of Fiji,1.1,2022-03-01,Fiji,A second course.,Officials trained,18\r\n"
    )
    refused = open_data.read(
        [
            ("recommendations.csv", recommendations),
            ("progress_updates.csv", updates.replace("officials trained,12", "Judges trained,12").replace(",18", ",")),
        ],
        create_missing=True,
    )
    assert [str(error) for error in refused.errors] == [
        (
            "progress_updates.csv: Row 2, column indicator: The recommendation has no indicator “Judges trained” "
            "(its indicators: “Officials trained”)."
        ),
        (
            "progress_updates.csv: Row 3, column value: Give the value reported for “Officials trained”, or leave "
            "the indicator empty."
        ),
    ]
    db.session.rollback()
    batch = open_data.read(
        [("recommendations.csv", recommendations), ("progress_updates.csv", updates)], create_missing=True
    )
    assert batch.errors == []
    batch.write(make.admin())
    db.session.commit()
    recommendation = db.session.scalar(sa.select(Recommendation))
    (indicator,) = recommendation.indicators
    assert (indicator.progress.achieved, indicator.progress.percent) == (Decimal("30"), 75)


def test_a_forums_page_adds_up_indicators_whose_units_agree(client, make):
    from tracker.taxonomy.models import Forum, ForumKind

    forum = Forum(name="34th International Conference", kind=ForumKind.CONFERENCE)
    db.session.add(forum)
    db.session.flush()
    targets = [
        ("Volunteers trained", "people", "500", 120),
        ("First aiders", "People", "300", 30),
        ("Shelters", "shelters", "10", 4),
    ]
    for name, unit, target, figure in targets:
        pledge = make.pledge_in_progress(title=f"Pledge on {name}", forum_id=forum.id)
        staff = make.staff(organisation=pledge.lead_signatory)
        set_indicators(pledge, staff, [{"name": name, "unit": unit, "target_value": target}])
        make.action(pledge, author=staff, figures=[{"value": figure, "indicator": name}])
    draft = make.pledge(title="A draft's indicator is no one's business", forum_id=forum.id)
    set_indicators(
        draft, make.staff(organisation=draft.lead_signatory), [{"name": "x", "unit": "people", "target_value": "1000"}]
    )
    db.session.commit()
    page = " ".join(text_of(client.get(f"/forums/{forum.slug}")).split())
    assert "Indicators, added up where units agree" in page
    # people: 2 indicators, 150 of 800 (19%); shelters: 1, 4 of 10 (40%) — the draft's not counted.
    assert (
        '<th scope="row" class="fw-normal"><bdi>people</bdi></th> <td class="text-end">2</td> <td class="text-end">150</td> <td class="text-end">800</td> <td>19%'
        in page
    )
    assert (
        '<bdi>shelters</bdi></th> <td class="text-end">1</td> <td class="text-end">4</td> <td class="text-end">10</td> <td>40%'
        in page
    )
