"""The demo data holds the seed documents faithfully, and loading it is safe to repeat.

The expected texts below are copied from `shared/seeds/` by hand, independently of the
data files in `tracker/data/demo/`, so a slip in either shows up here.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from tracker import create_app
from tracker.accounts.models import Organisation, OrganisationKind, Role, User
from tracker.core.dates import DatePrecision
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry, timeline_query
from tracker.data.demo import load_demo
from tracker.pledges.models import ActionFigure, ActionTaken, Pledge
from tracker.roundtables import follow_through
from tracker.roundtables.models import (
    Outcome,
    OutcomeGroup,
    ProgressUpdate,
    Recommendation,
    RecommendationOwner,
    Roundtable,
)
from tracker.taxonomy.models import Country, Forum, ForumKind, Theme

TODAY = dt.date(2025, 3, 1)

ARC = "Australian Red Cross"
DFAT = "Department of Foreign Affairs and Trade"
HOME_AFFAIRS = "Department of Home Affairs"

# Seed 004, "Actions taken": the ten bullets, in order, as typed.
REGIONAL_PROTECTION_BULLETS = [
    "Australian Red Cross, Department of Foreign Affairs and Trade (DFAT) and Home Affairs have organised three roundtables to discuss trends and evidence from the Asia Pacific Migration Network (APMN, of which Australian Red Cross is Co-Chair) that supports the exploration of opportunities to engage on regional protection for vulnerable migrants, and to build on existing regional cooperation.",
    "Australian Red Cross and the Home Affairs International Division engaged during the negotiation phase of the Global Compact for Safe, Orderly and Regular Migration and the Global Compact on Refugees.",
    "In addition, Australian Red Cross continues to engage on regional issues associated with Trafficking, People Smuggling and other related issues through the National Roundtable on Trafficking and Modern Day Slavery, and the Home Affairs NGO Dialogue.",
    "The Governments of Australia and Indonesia, in collaboration with Australian Red Cross, co-hosting a regional roundtable on the Trafficking in Person Working Group of the Bali Process.",
    "Alongside government representatives, NGOs and civil society, 9 National Society representatives, including the APMN Secretariat, attending the Bali Process workshop on Human Security and Trafficking, with support of the Regional Support Office of the Bali Process and Home Affairs.",
    "Four National Society representatives being invited to attend the Bali Process Symposium on Supply Chain Transparency in Jakarta in June 2019, and Australian Red Cross as well as Philippines Red Cross presenting on their experiences and expertise at the forum.",
    "Additional increased regional and global engagement on Modern Slavery, included supporting Home Affairs Modern Slavery Unit to prepare for and facilitate a study visit involving four delegates from the newly established Sri Lankan Victim and Witness Protection Unit for people who are at risk of or have experienced Modern Slavery, presenting to a visiting Thai delegation, and engaging with representatives from the UK Home Office visiting Australia to explain the Support for Trafficked Persons program and the victim centred approach. The UK delegation indicated that they are interested in learning more about the Red Cross Strengths and Needs Assessment.",
    "Supported the Asia Pacific Migration Network (APMN), which now engages 35 National Societies, as co-chair and by providing the Secretariat function;",
    "Contributed to the IFRC Global Migration Taskforce, including by taking a lead role in policy work and representation from an Asia Pacific perspective in global migration issues, in particular the Global Compacts for Safe, Orderly and Regular Migration and the Global Compact on Refugees.; and",
    "Worked closely with Asia Pacific migration advisors from ICRC and IFRC.",
]
BALI_HEADING = (
    "Collaboration has been particularly strengthened with regard to Human Trafficking and the Bali Process, including:"
)
MOVEMENT_HEADING = "Supporting the broader Red Cross Red Crescent Movement, Australian Red Cross has also:"

# Seed 003: the four groups of outcomes, in order, as typed.
BALI_ROUNDTABLE_OUTCOMES = [
    (
        "Effective cooperation between governments and CSOs is key to preventing and addressing human trafficking and serious forms of labour exploitation, including the importance of:",
        [
            "supporting CSOs as an invaluable asset in identification and protection processes and ensuring clear guidelines and operating procedures to clarify roles and responsibilities;",
            "formalising national coordination mechanisms to lay the foundation for effective protection; and",
            "ensuring coordination mechanisms are operationalised through referral pathways, SOPs, regular meetings and evaluations",
        ],
    ),
    (
        "Referring to the root causes of trafficking and labour exploitation, governments and CSOs can collaborate to:",
        [
            "increase capacity for knowledge building sharing about why people experience human trafficking; and",
            "build opportunities to form both formal and informal networks to increase pathways for identification and referrals.",
        ],
    ),
    (
        "On the challenges of effective collaboration:",
        [
            "Governments play a convening role to bring governments and CSOs together to share information and good practice; and",
            "develop a shared understanding of common goals, focused on shared mandates and objectives while recognizing different roles, mandates and priorities.",
        ],
    ),
    (
        "Examples of good practices includes:",
        [
            "Innovative approaches to address shared challenges",
            "Strong networks",
            "Recognition of the strengths that CSOs bring to identification and protection.",
            "Participants agreed to share contact details to facilitate strengthened connections and relationships and build effective pathways for information and knowledge sharing.",
        ],
    ),
]

DEMO_ACCOUNTS = [
    "admin@example.org",
    "staff.arc@example.org",
    "staff.prc@example.org",
    "cochair.au@example.org",
    "cochair.id@example.org",
]

COUNTED_MODELS = [
    Organisation, User, Forum, Theme, Country, Pledge, ActionTaken, ActionFigure, Roundtable,
    OutcomeGroup, Outcome, Recommendation, RecommendationOwner, ProgressUpdate, HistoryEntry,
]  # fmt: skip


@pytest.fixture
def demo(app):
    summary = load_demo(today=TODAY)
    db.session.commit()
    return summary


def pledge(slug) -> Pledge:
    return db.session.scalar(sa.select(Pledge).where(Pledge.slug == slug))


def roundtable() -> Roundtable:
    return db.session.scalar(sa.select(Roundtable).where(Roundtable.title.contains("Government and Civil Society")))


def user(email) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def names(organisations) -> list[str]:
    return [o.name for o in organisations]


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in COUNTED_MODELS}


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


# --- seed 004: Regional Protection -------------------------------------------------------


def test_regional_protection_has_every_seed_bullet_as_an_action_in_order(demo):
    regional_protection = pledge("regional-protection")
    assert [a.summary for a in regional_protection.actions] == REGIONAL_PROTECTION_BULLETS
    assert regional_protection.actions_intro == "Joint progress towards this pledge includes:"
    assert [a.heading for a in regional_protection.actions] == [None] * 3 + [BALI_HEADING] * 4 + [MOVEMENT_HEADING] * 3


def test_regional_protection_is_signed_by_arc_dfat_and_home_affairs_and_in_progress(demo):
    regional_protection = pledge("regional-protection")
    assert regional_protection.title == "Regional Protection"
    assert regional_protection.lead_signatory.name == ARC
    assert sorted(names(regional_protection.signatory_organisations)) == sorted([ARC, DFAT, HOME_AFFAIRS])
    assert regional_protection.forum.name == "33rd International Conference of the Red Cross and Red Crescent, 2019"
    assert regional_protection.forum.kind is ForumKind.CONFERENCE
    assert regional_protection.status == "in_progress"
    assert not regional_protection.is_complete
    assert regional_protection.text.strip()


def test_regional_protection_actions_name_the_organisations_their_bullets_name(demo):
    actions = pledge("regional-protection").actions
    signatories = set(names(pledge("regional-protection").signatory_organisations))
    assert all(set(names(a.organisations)) <= signatories for a in actions)
    assert set(names(actions[0].organisations)) == {ARC, DFAT, HOME_AFFAIRS}
    assert set(names(actions[1].organisations)) == {ARC, HOME_AFFAIRS}
    assert all(ARC in names(a.organisations) for a in actions)  # every bullet involves ARC
    assert all(names(a.organisations) == [ARC] for a in actions[7:])  # "Australian Red Cross has also:"


def test_regional_protection_dates_are_only_as_precise_as_the_seed(demo):
    actions = pledge("regional-protection").actions
    jakarta = actions[5]
    assert "in June 2019" in jakarta.summary
    assert (jakarta.date.year, jakarta.date.month, jakarta.date_precision) == (2019, 6, DatePrecision.MONTH)
    assert all(a.date_precision is not DatePrecision.DAY for a in actions)
    assert all(2018 <= a.date.year <= 2019 for a in actions)


def test_regional_protection_came_in_through_the_import_with_its_history(demo):
    entries = db.session.scalars(timeline_query(pledge("regional-protection"))).all()
    admin = user("admin@example.org")
    # The pledge and each of its ten actions: imported by the admin, as any published records
    # are, the signatories the published text names recorded as signed on their behalf.
    assert [e.event for e in entries] == ["imported"] * 11
    assert {e.actor_id for e in entries} == {admin.id}
    assert entries[0].comment == (
        "Imported from a file: the signatories it names are recorded as having signed, on their behalf."
    )
    assert entries[0].to_state == "in_progress"


# --- seed 003: the Bali Process roundtable -----------------------------------------------


def test_roundtable_holds_the_seed_meeting(demo):
    meeting = roundtable()
    assert (meeting.start_date, meeting.end_date) == (dt.date(2018, 5, 14), dt.date(2018, 5, 15))
    assert meeting.forum.name == "Bali Process"
    assert meeting.forum.kind is ForumKind.PROCESS
    assert meeting.is_public
    assert names(meeting.co_chairs) == ["Government of Australia", "Government of Indonesia"]
    assert {o.kind for o in meeting.co_chairs} == {OrganisationKind.GOVERNMENT}
    assert "13 governments and national and regional Civil Society Organisations (CSOs) and international agencies" in (
        meeting.participants_note
    )
    assert meeting.summary.startswith("On 14 – 15 May 2018 Australian Red Cross and the IFRC")


def test_roundtable_participants_include_the_six_national_societies_icrc_and_ifrc(demo):
    participants = roundtable().participants
    national_societies = [o for o in participants if o.kind is OrganisationKind.NATIONAL_SOCIETY]
    assert len(national_societies) == 6
    for name in ["Australian Red Cross", "Bangladesh Red Crescent", "Maldivian Red Crescent", "Nepal Red Cross",
                 "Pakistan Red Crescent", "Philippine Red Cross"]:  # fmt: skip
        assert any(o.name.startswith(name) for o in national_societies), name
    assert {"ICRC", "IFRC"} <= {o.short_name for o in participants}


def test_roundtable_outcomes_are_the_seeds_four_groups_word_for_word(demo):
    groups = roundtable().outcome_groups
    assert [len(g.outcomes) for g in groups] == [3, 2, 2, 4]
    assert [(g.heading, [o.text for o in g.outcomes]) for g in groups] == BALI_ROUNDTABLE_OUTCOMES


def test_recommendations_cover_every_state_with_one_overdue(demo):
    recommendations = roundtable().recommendations
    by_state = {}
    for recommendation in recommendations:
        by_state.setdefault(recommendation.status, []).append(recommendation)
    assert len(by_state["draft"]) == 1
    assert len(by_state["in_progress"]) >= 2
    assert len(by_state["done"]) == 1
    assert len(by_state["verified"]) == 1
    overdue = [r for r in recommendations if follow_through.is_overdue(r, TODAY)]
    assert len(overdue) == 1 and overdue[0].status == "in_progress"
    assert all(r.due_date > TODAY for r in recommendations if r not in overdue)


def test_overdue_follows_the_injected_today(app):
    later = TODAY + dt.timedelta(days=400)
    load_demo(today=later)
    overdue = [r for r in roundtable().recommendations if follow_through.is_overdue(r, later)]
    assert len(overdue) == 1
    assert overdue[0].due_date < later


def test_recommendations_are_agreed_outcomes_with_owners(demo):
    recommendations = roundtable().recommendations
    outcome_texts = {o.text for g in roundtable().outcome_groups for o in g.outcomes}
    assert all(r.outcome.text in outcome_texts and r.group is r.outcome.group for r in recommendations)
    assert all(r.lead_owner is not None for r in recommendations)
    assert any(ARC in names(r.owner_organisations) for r in recommendations)


def test_recommendation_progress_is_reported_where_its_state_implies_it(demo):
    for recommendation in roundtable().recommendations:
        if recommendation.status == "draft":
            assert recommendation.updates == []
        else:
            assert recommendation.updates, recommendation.text
            assert all(u.date <= TODAY for u in recommendation.updates)
            owners = {o.id for o in recommendation.owner_organisations}
            assert all(u.organisation_id in owners for u in recommendation.updates)


def test_verified_recommendation_was_reviewed_by_a_co_chair_through_the_workflow(demo):
    verified = next(r for r in roundtable().recommendations if r.status == "verified")
    assert verified.verified_by.role is Role.CO_CHAIR
    assert verified.verified_by.organisation in roundtable().co_chairs
    events = [e.event for e in db.session.scalars(timeline_query(verified))]
    assert events == ["created", "agree", "complete", "verify"]


def test_a_recommendation_sent_back_says_why(demo):
    sent_back = [r for r in roundtable().recommendations if r.sent_back_at is not None]
    assert len(sent_back) == 1
    assert sent_back[0].status == "in_progress"
    assert sent_back[0].sent_back_reason
    assert sent_back[0].sent_back_by.organisation in roundtable().co_chairs


# --- seed 002: ASEAN-ACT -----------------------------------------------------------------


def test_asean_act_budget_period_and_partners(demo):
    asean_act = pledge("asean-australia-counter-trafficking")
    assert asean_act.title == "ASEAN-Australia Counter Trafficking"
    assert (asean_act.budget_amount, asean_act.budget_currency) == (Decimal("80000000"), "AUD")
    assert (asean_act.period_start, asean_act.period_end) == (2018, 2028)
    assert asean_act.forum.kind is ForumKind.PROGRAMME
    assert asean_act.lead_signatory.short_name == "DFAT"
    assert {"UNODC", "SOMTC", "ACWC", "AICHR", "ODI"} <= {o.short_name for o in asean_act.signatory_organisations}
    assert {"Cambodia", "Lao PDR", "Philippines", "Thailand", "Vietnam", "Indonesia", "Myanmar"} == {
        c.name for c in asean_act.countries
    }
    assert {"Human trafficking", "Victim rights", "Gender equality and social inclusion"} <= {
        t.name for t in asean_act.themes
    }
    assert asean_act.status == "in_progress"


def test_asean_act_training_figures(demo):
    figures = db.session.scalars(
        sa.select(ActionFigure)
        .join(ActionTaken)
        .where(ActionTaken.pledge_id == pledge("asean-australia-counter-trafficking").id)
        .where(ActionFigure.label == "people trained")
        .order_by(ActionFigure.position)
    ).all()
    assert [(f.value, f.unit, f.year, f.period_note) for f in figures] == [
        (Decimal("2037"), "people", 2020, None),
        (Decimal("1212"), "people", 2021, "Jan–Jun 2021"),
    ]


def test_asean_act_achievements_include_grants_and_covid_response(demo):
    actions = pledge("asean-australia-counter-trafficking").actions
    assert len(actions) == 12
    grants = next(a for a in actions if "grants program" in a.summary)
    assert (grants.date, grants.date_precision) == (dt.date(2021, 7, 1), DatePrecision.MONTH)
    assert "Village Focus International (Lao PDR)" in grants.details
    assert "Blue Dragon Foundation" in names(grants.organisations)
    assert sum("COVID-19" in (a.heading or "") for a in actions) == 3


# --- seeds 000 and 001: the human rights technical cooperation programs ------------------


def test_china_and_lao_programs_keep_their_titles_as_typed(demo):
    china = pledge("china-australia-2017-21-hrtcp")
    assert china.title == "China-Australia 2017–21 Human Rights Technical Cooperation Program"
    assert (china.period_start, china.period_end) == (2017, 2021)
    assert {"Australian Human Rights Commission", DFAT} <= set(names(china.signatory_organisations))
    assert any(o.country == "China" and o.kind is OrganisationKind.GOVERNMENT for o in china.signatory_organisations)
    assert {"Women’s rights", "Children’s rights", "Access to justice"} == {t.name for t in china.themes}
    lao = pledge("lao-pdr-australia-2017-21-hrtcp")
    assert "Department of Treaties and Law" in names(lao.signatory_organisations)
    assert "Government of Lao-PDR (GoL)’s" in lao.text


def test_hrtc_has_its_approximate_budget_and_open_ended_duration(demo):
    hrtc = pledge("hrtc-china-australia")
    assert hrtc.budget_note == "Approximately $2.5 million annually"
    assert hrtc.budget_amount is None
    assert hrtc.period_label == "1997–ongoing"
    assert {"Legal reform", "Women’s rights", "Children’s rights", "Ethnic and minority rights"} == {
        t.name for t in hrtc.themes
    }


def test_a_commitment_is_done(demo):
    done = db.session.scalars(sa.select(Pledge).where(Pledge.status == "done")).all()
    assert [p.slug for p in done] == ["lao-pdr-australia-2017-21-hrtcp"]
    entries = db.session.scalars(timeline_query(done[0])).all()
    assert (entries[0].event, entries[0].to_state) == ("imported", "done")
    assert done[0].completed_at is not None and done[0].published_at is not None


def test_a_philippine_red_cross_pledge_is_left_in_draft(demo):
    drafts = db.session.scalars(sa.select(Pledge).where(Pledge.status == "draft")).all()
    assert [d.lead_signatory.name for d in drafts] == ["Philippine Red Cross"]
    assert drafts[0].published_at is None


def test_public_pages_show_completion_and_hide_the_draft(client, demo):
    assert "Implementation completion: No" in page_text(client.get("/pledges/regional-protection"))
    assert "Implementation completion: Yes" in page_text(client.get("/pledges/lao-pdr-australia-2017-21-hrtcp"))
    draft = db.session.scalar(sa.select(Pledge).where(Pledge.status == "draft"))
    assert client.get(f"/pledges/{draft.slug}").status_code == 404


# --- accounts ----------------------------------------------------------------------------


@pytest.mark.parametrize("email", DEMO_ACCOUNTS)
def test_demo_accounts_log_in_with_the_demo_password(demo, auth, email):
    response = auth.login(email)
    assert response.status_code == 302
    # Logged in, each lands on their own work: admins on the admin pages, co-chairs on the
    # follow-through of their roundtables, staff on their organisation's pledges (a failed
    # login stays on the form with a 422).
    landing = {"admin@example.org": "/admin/", "cochair.au@example.org": "/roundtables/follow-through",
               "cochair.id@example.org": "/roundtables/follow-through"}  # fmt: skip
    assert response.headers["Location"] == landing.get(email, "/pledges/mine")


def test_demo_accounts_have_the_roles_and_organisations_the_demo_needs(demo):
    assert user("admin@example.org").role is Role.ADMIN and user("admin@example.org").organisation is None
    assert user("staff.arc@example.org").organisation.name == ARC
    assert user("staff.prc@example.org").organisation.name == "Philippine Red Cross"
    assert user("cochair.au@example.org").role is Role.CO_CHAIR
    assert user("cochair.au@example.org").organisation.name == "Government of Australia"
    assert user("cochair.id@example.org").organisation.name == "Government of Indonesia"


def test_a_wrong_password_does_not_log_in_to_a_demo_account(demo, auth):
    assert auth.login("staff.arc@example.org", password="not-the-demo-password").status_code == 422


# --- loading -----------------------------------------------------------------------------


def test_load_reports_what_it_loaded(demo):
    assert demo == "Loaded demo data: 7 pledges, 34 actions, 1 roundtable, 7 recommendations, 7 accounts."


def test_loading_twice_changes_nothing(demo):
    before = counts()
    assert load_demo(today=TODAY + dt.timedelta(days=30)) == "Demo data already loaded; nothing changed."
    db.session.commit()
    assert counts() == before


def test_loading_keeps_an_existing_accounts_password(app, make):
    make.admin(email="admin@example.org").set_password("a-real-admin-password")
    load_demo(today=TODAY)
    assert user("admin@example.org").check_password("a-real-admin-password")
    assert not user("admin@example.org").check_password("demo-password")


def test_only_if_empty_leaves_a_database_with_pledges_alone(app, make):
    make.pledge(title="A real pledge")
    before = counts()
    assert load_demo(only_if_empty=True, today=TODAY) == "The database already holds pledges; demo data not loaded."
    assert counts() == before


def test_cli_loads_and_commits(app, runner):
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Loaded demo data: 7 pledges" in result.output
    db.session.remove()  # a fresh session sees only what was committed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 7
    again = runner.invoke(args=["demo", "load"])
    assert "Demo data already loaded; nothing changed." in again.output


def test_cli_refuses_demo_data_in_production(monkeypatch):
    # No `app` fixture: with a test app's context pushed, the CLI would run in that app.
    class Production(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"  # never the developer's database, whatever happens

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    production = create_app(Production)
    result = production.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "Demo data is refused in the production config." in result.output
