"""Demo data built from the seed documents (`shared/seeds/000–004`), for `flask demo load`.

The seed texts are kept here as data, word for word (en dashes, curly apostrophes and the
seeds' own list punctuation included), and the records are built through `operations`
with the demo accounts as actors, so every pledge, action and recommendation has the
history it would have had in real use.

Loading is idempotent: every record is found by its natural key (an organisation's name,
an account's e-mail, a pledge's or roundtable's slug…) and only what is missing is made.
An existing record is never changed — not even a demo account's password. Nothing is
committed here: the caller commits once.

Where a seed is silent, the data says so in a comment rather than inventing a fact:
dates the seeds do not give carry only a year (`DatePrecision.YEAR`), and the follow-through
of the roundtable's recommendations (owners, due dates, progress notes) is illustrative.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from ..accounts.models import Organisation, OrganisationKind, Role, User
from ..core.dates import DatePrecision
from ..core.extensions import db
from ..core.history import record_history
from ..core.text import MARKDOWN, slugify
from ..pledges import operations as pledges
from ..pledges import signatures
from ..pledges.models import Pledge
from ..roundtables import operations as roundtables
from ..roundtables.models import Outcome, OutcomeGroup, Roundtable
from ..taxonomy.models import Country, Forum, ForumKind, Theme

DEMO_PASSWORD = "demo-password"

NS = OrganisationKind.NATIONAL_SOCIETY
GOV = OrganisationKind.GOVERNMENT
INTL = OrganisationKind.INTERNATIONAL_ORGANISATION
CSO = OrganisationKind.CIVIL_SOCIETY
OTHER = OrganisationKind.OTHER

# --- organisations -----------------------------------------------------------------------

ARC = "Australian Red Cross"
DFAT = "Department of Foreign Affairs and Trade"
HOME_AFFAIRS = "Department of Home Affairs"
AHRC = "Australian Human Rights Commission"
CHINA_MFA = "Ministry of Foreign Affairs of the People’s Republic of China"
LAO_DTL = "Department of Treaties and Law"
GOV_AUSTRALIA = "Government of Australia"
GOV_INDONESIA = "Government of Indonesia"
PRC = "Philippine Red Cross"
ICRC = "International Committee of the Red Cross"
IFRC = "International Federation of Red Cross and Red Crescent Societies"

# The six National Societies seed 003 names (by their full names), ICRC and IFRC.
BALI_ROUNDTABLE_NATIONAL_SOCIETIES = [
    ARC,
    "Bangladesh Red Crescent Society",
    "Maldivian Red Crescent",
    "Nepal Red Cross Society",
    "Pakistan Red Crescent Society",
    PRC,
]

# ASEAN-ACT's "key partners" (seed 002) that are organisations. The seed also lists
# "Civil society organisations" and "Police, prosecutors, judges and social welfare
# agencies": kinds of partner, not organisations, so they are not signatories.
ASEAN_ACT_KEY_PARTNERS = [
    "ASEAN Commission on the Promotion and Protection of the Rights of Women and Children",
    "ASEAN Intergovernmental Commission on the Promotion and Protection of Human Rights",
    "ASEAN Secretariat",
    "ASEAN Senior Officials Meeting on Transnational Crime",
    "Overseas Development Institute",
    "United Nations Office on Drugs and Crime",
]

# The organisations ASEAN-ACT's grants program partnered with in its initial phase (seed 002).
ASEAN_ACT_GRANT_PARTNERS = [
    "Blue Dragon Foundation",
    "Human Rights and Development Foundation",
    "Labour Protection Network",
    "Legal Support for Children and Women",
    "Migrant Forum Asia",
    "Ople Center",
    "Social Responsibility Law",
    "Village Focus International",
]

# name, short name, kind, country. International bodies have no country.
ORGANISATIONS: list[tuple[str, str | None, OrganisationKind, str | None]] = [
    (ARC, "ARC", NS, "Australia"),
    (DFAT, "DFAT", GOV, "Australia"),
    (HOME_AFFAIRS, "Home Affairs", GOV, "Australia"),
    # An independent statutory body (Australia's national human rights institution):
    # neither a government department nor a civil-society organisation.
    (AHRC, "AHRC", OTHER, "Australia"),
    (CHINA_MFA, "中华人民共和国外交部", GOV, "China"),
    # Seed 000: "the key implementing partner, the Department of Treaties and Law" (Lao PDR).
    (LAO_DTL, None, GOV, "Lao PDR"),
    (GOV_AUSTRALIA, None, GOV, "Australia"),
    (GOV_INDONESIA, None, GOV, "Indonesia"),
    (PRC, "PRC", NS, "Philippines"),
    ("Bangladesh Red Crescent Society", "BDRCS", NS, "Bangladesh"),
    ("Maldivian Red Crescent", "MRC", NS, "Maldives"),
    ("Nepal Red Cross Society", "NRCS", NS, "Nepal"),
    ("Pakistan Red Crescent Society", "PRCS", NS, "Pakistan"),
    (ICRC, "ICRC", INTL, None),
    (IFRC, "IFRC", INTL, None),
    (ASEAN_ACT_KEY_PARTNERS[0], "ACWC", INTL, None),
    (ASEAN_ACT_KEY_PARTNERS[1], "AICHR", INTL, None),
    (ASEAN_ACT_KEY_PARTNERS[2], "ASEC", INTL, None),
    (ASEAN_ACT_KEY_PARTNERS[3], "SOMTC", INTL, None),
    (ASEAN_ACT_KEY_PARTNERS[4], "ODI", CSO, "United Kingdom"),
    (ASEAN_ACT_KEY_PARTNERS[5], "UNODC", INTL, None),
    ("Blue Dragon Foundation", None, CSO, "Vietnam"),
    ("Human Rights and Development Foundation", None, CSO, "Thailand"),
    ("Labour Protection Network", None, CSO, "Thailand"),
    ("Legal Support for Children and Women", None, CSO, "Cambodia"),
    ("Migrant Forum Asia", None, CSO, "Philippines"),
    ("Ople Center", None, CSO, "Philippines"),
    ("Social Responsibility Law", None, CSO, "Thailand"),
    ("Village Focus International", None, CSO, "Lao PDR"),
]

# --- accounts (all with DEMO_PASSWORD) ---------------------------------------------------

ADMIN_EMAIL = "admin@example.org"
# Where the demo's co-signatories' signatures come from (their history says so).
SIGNATURE_SOURCE = "named as a signatory in the published text this pledge is taken from"
ARC_STAFF = "staff.arc@example.org"
PRC_STAFF = "staff.prc@example.org"
DFAT_STAFF = "staff.dfat@example.org"
AHRC_STAFF = "staff.ahrc@example.org"
AU_CO_CHAIR = "cochair.au@example.org"
ID_CO_CHAIR = "cochair.id@example.org"

# e-mail, name, role, organisation
ACCOUNTS: list[tuple[str, str, Role, str | None]] = [
    (ADMIN_EMAIL, "Demo admin", Role.ADMIN, None),
    (ARC_STAFF, "Demo staff, Australian Red Cross", Role.STAFF, ARC),
    (PRC_STAFF, "Demo staff, Philippine Red Cross", Role.STAFF, PRC),
    (DFAT_STAFF, "Demo staff, DFAT", Role.STAFF, DFAT),
    (AHRC_STAFF, "Demo staff, Australian Human Rights Commission", Role.STAFF, AHRC),
    (AU_CO_CHAIR, "Demo co-chair, Government of Australia", Role.CO_CHAIR, GOV_AUSTRALIA),
    (ID_CO_CHAIR, "Demo co-chair, Government of Indonesia", Role.CO_CHAIR, GOV_INDONESIA),
]

# --- forums, themes, countries -----------------------------------------------------------

RED_CROSS_CONFERENCE_2019 = "33rd International Conference of the Red Cross and Red Crescent, 2019"
BALI_PROCESS = "Bali Process"
ASEAN_ACT_PROGRAMME = "ASEAN-Australia Counter Trafficking 2018–2028"
AUSTRALIA_CHINA_DIALOGUE = "Australia-China Human Rights Dialogue"

# name, short name, kind, year, description
FORUMS: list[tuple[str, str | None, ForumKind, int | None, str]] = [
    (RED_CROSS_CONFERENCE_2019, "33IC", ForumKind.CONFERENCE, 2019, ""),
    (
        BALI_PROCESS,
        None,
        ForumKind.PROCESS,
        2002,
        (
            "The Bali Process on People Smuggling, Trafficking in Persons and Related Transnational "
            "Crime, co-chaired by the governments of Australia and Indonesia."
        ),
    ),
    (ASEAN_ACT_PROGRAMME, "ASEAN-ACT", ForumKind.PROGRAMME, 2018, "10-year program (2018-2028) $A80 million"),
    (
        AUSTRALIA_CHINA_DIALOGUE,
        None,
        ForumKind.PROCESS,
        1997,
        "In August 1997, China and Australia initiated a high level dialogue on human rights.",
    ),
]

MIGRATION = "Migration"
TRAFFICKING = "Human trafficking"
MODERN_SLAVERY = "Modern slavery"
VICTIM_RIGHTS = "Victim rights"
GESI = "Gender equality and social inclusion"
ACCESS_TO_JUSTICE = "Access to justice"
WOMENS_RIGHTS = "Women’s rights"
CHILDRENS_RIGHTS = "Children’s rights"
LEGAL_REFORM = "Legal reform"
MINORITY_RIGHTS = "Ethnic and minority rights"
UPR = "Universal Periodic Review"

THEMES = [
    MIGRATION, TRAFFICKING, MODERN_SLAVERY, VICTIM_RIGHTS, GESI, ACCESS_TO_JUSTICE,
    WOMENS_RIGHTS, CHILDRENS_RIGHTS, LEGAL_REFORM, MINORITY_RIGHTS, UPR,
]  # fmt: skip

# name, ISO 3166-1 alpha-2 code
COUNTRIES: list[tuple[str, str]] = [
    ("Australia", "AU"),
    ("Cambodia", "KH"),
    ("China", "CN"),
    ("Indonesia", "ID"),
    ("Lao PDR", "LA"),
    ("Myanmar", "MM"),
    ("Philippines", "PH"),
    ("Thailand", "TH"),
    ("Vietnam", "VN"),
]


# --- pledges and their actions taken -----------------------------------------------------


def in_year(year: int) -> tuple[dt.date, DatePrecision]:
    return dt.date(year, 1, 1), DatePrecision.YEAR


def in_month(year: int, month: int) -> tuple[dt.date, DatePrecision]:
    return dt.date(year, month, 1), DatePrecision.MONTH


@dataclass(frozen=True)
class SeedAction:
    summary: str
    when: tuple[dt.date, DatePrecision]
    organisations: tuple[str, ...]  # the signatories the seed names as involved
    heading: str | None = None
    details: str = ""
    figures: tuple[dict, ...] = ()
    links: tuple[dict, ...] = ()


@dataclass(frozen=True)
class SeedPledge:
    slug: str
    title: str
    text: str
    author: str  # e-mail of the staff account that writes it and records its actions
    lead: str
    co_signatories: tuple[str, ...] = ()
    forum: str | None = None
    themes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    fields: dict = field(default_factory=dict)  # the other PLEDGE_FIELDS
    actions: tuple[SeedAction, ...] = ()
    state: str = "in_progress"  # draft, in_progress or done


# Seed 004. The page does not show the pledge text; this is a short neutral statement of
# its aim, drawn from the first action taken ("regional protection for vulnerable
# migrants … build on existing regional cooperation").
REGIONAL_PROTECTION_TEXT = (
    "Australian Red Cross, the Department of Foreign Affairs and Trade (DFAT) and the Department "
    "of Home Affairs work together on regional protection for vulnerable migrants in the Asia "
    "Pacific, building on existing regional cooperation."
)
RP_BALI = (
    "Collaboration has been particularly strengthened with regard to Human Trafficking and the Bali Process, including:"
)
RP_MOVEMENT = "Supporting the broader Red Cross Red Crescent Movement, Australian Red Cross has also:"

# The seed dates only the Jakarta symposium ("in June 2019"). The negotiation phase of the
# two Global Compacts was in 2018; the roundtable co-hosted with the governments of
# Australia and Indonesia is, as far as the two seeds tell, the seed 003 roundtable
# (May 2018: month precision, not the day, for that reason). Everything else is
# reported without a date: it carries 2019, the year of the Conference, to year precision.
REGIONAL_PROTECTION = SeedPledge(
    slug="regional-protection",
    title="Regional Protection",
    text=REGIONAL_PROTECTION_TEXT,
    author=ARC_STAFF,
    lead=ARC,
    co_signatories=(DFAT, HOME_AFFAIRS),
    forum=RED_CROSS_CONFERENCE_2019,
    themes=(MIGRATION, TRAFFICKING, MODERN_SLAVERY),
    countries=("Australia",),
    fields={"region": "Asia Pacific", "actions_intro": "Joint progress towards this pledge includes:"},
    actions=(
        SeedAction(
            "Australian Red Cross, Department of Foreign Affairs and Trade (DFAT) and Home Affairs have "
            "organised three roundtables to discuss trends and evidence from the Asia Pacific Migration "
            "Network (APMN, of which Australian Red Cross is Co-Chair) that supports the exploration of "
            "opportunities to engage on regional protection for vulnerable migrants, and to build on "
            "existing regional cooperation.",
            in_year(2019),
            (ARC, DFAT, HOME_AFFAIRS),
            figures=({"label": "roundtables organised", "value": 3, "unit": "roundtables"},),
        ),
        SeedAction(
            "Australian Red Cross and the Home Affairs International Division engaged during the "
            "negotiation phase of the Global Compact for Safe, Orderly and Regular Migration and the "
            "Global Compact on Refugees.",
            in_year(2018),
            (ARC, HOME_AFFAIRS),
        ),
        SeedAction(
            "In addition, Australian Red Cross continues to engage on regional issues associated with "
            "Trafficking, People Smuggling and other related issues through the National Roundtable on "
            "Trafficking and Modern Day Slavery, and the Home Affairs NGO Dialogue.",
            in_year(2019),
            (ARC, HOME_AFFAIRS),
        ),
        SeedAction(
            "The Governments of Australia and Indonesia, in collaboration with Australian Red Cross, "
            "co-hosting a regional roundtable on the Trafficking in Person Working Group of the Bali "
            "Process.",
            in_month(2018, 5),
            # DFAT is the signatory that speaks for the Government of Australia in the Bali Process.
            (ARC, DFAT),
            heading=RP_BALI,
        ),
        SeedAction(
            "Alongside government representatives, NGOs and civil society, 9 National Society "
            "representatives, including the APMN Secretariat, attending the Bali Process workshop on "
            "Human Security and Trafficking, with support of the Regional Support Office of the Bali "
            "Process and Home Affairs.",
            in_year(2019),
            # Australian Red Cross provides the APMN Secretariat (see the last group).
            (ARC, HOME_AFFAIRS),
            heading=RP_BALI,
            figures=({"label": "National Society representatives attending", "value": 9, "unit": "people"},),
        ),
        SeedAction(
            "Four National Society representatives being invited to attend the Bali Process Symposium "
            "on Supply Chain Transparency in Jakarta in June 2019, and Australian Red Cross as well as "
            "Philippines Red Cross presenting on their experiences and expertise at the forum.",
            in_month(2019, 6),
            (ARC,),
            heading=RP_BALI,
            figures=({"label": "National Society representatives invited", "value": 4, "unit": "people"},),
        ),
        SeedAction(
            "Additional increased regional and global engagement on Modern Slavery, included supporting "
            "Home Affairs Modern Slavery Unit to prepare for and facilitate a study visit involving four "
            "delegates from the newly established Sri Lankan Victim and Witness Protection Unit for people "
            "who are at risk of or have experienced Modern Slavery, presenting to a visiting Thai "
            "delegation, and engaging with representatives from the UK Home Office visiting Australia to "
            "explain the Support for Trafficked Persons program and the victim centred approach. The UK "
            "delegation indicated that they are interested in learning more about the Red Cross Strengths "
            "and Needs Assessment.",
            in_year(2019),
            (ARC, HOME_AFFAIRS),
            heading=RP_BALI,
        ),
        SeedAction(
            "Supported the Asia Pacific Migration Network (APMN), which now engages 35 National "
            "Societies, as co-chair and by providing the Secretariat function;",
            in_year(2019),
            (ARC,),
            heading=RP_MOVEMENT,
            figures=({"label": "National Societies engaged in the APMN", "value": 35, "unit": "National Societies"},),
        ),
        SeedAction(
            "Contributed to the IFRC Global Migration Taskforce, including by taking a lead role in policy "
            "work and representation from an Asia Pacific perspective in global migration issues, in "
            "particular the Global Compacts for Safe, Orderly and Regular Migration and the Global Compact "
            "on Refugees.; and",
            in_year(2019),
            (ARC,),
            heading=RP_MOVEMENT,
        ),
        SeedAction(
            "Worked closely with Asia Pacific migration advisors from ICRC and IFRC.",
            in_year(2019),
            (ARC,),
            heading=RP_MOVEMENT,
        ),
    ),
)

# Seed 002: the fact sheet. Its text is the pledge text (the sentence the fact sheet sets in
# capitals is given in sentence case); its achievements are actions, grouped under each
# section's introduction. The fact sheet dates only the grants program (July 2021) and the
# training figures; it was published in the second half of 2021, so the other achievements
# carry 2021, to year precision.
ASEAN_ACT_TEXT = """\
10-year program (2018-2028) $A80 million

- 31 multi-year projects in five countries
- 6 regional projects supporting ASEAN's ACTIP implementation
- 3 projects with direct focus on victim rights and gender equality and social inclusion
- 3 projects focusing on inclusive public policy

Our key partners:

- ASEAN Commission on the Promotion and Protection of the Rights of Women and Children
- ASEAN Intergovernmental Commission on the Promotion and Protection of Human Rights
- ASEAN Secretariat
- ASEAN Senior Officials Meeting on Transnational Crime
- Civil society organisations
- Overseas Development Institute
- Police, prosecutors, judges and social welfare agencies
- United Nations Office on Drugs and Crime

Australia has partnered with ASEAN member states over the past 17 years to support \
counter-trafficking efforts and continues this through the ASEAN-Australia Counter Trafficking \
program (ASEAN-ACT).

Trafficking in persons has no borders and occurs in many different sectors - its negative \
impacts are spread across the ASEAN region.

ASEAN-ACT works with government and non-government organisations in ASEAN member states to \
enhance their capacity to punish traffickers justly, while protecting and supporting victims.

The partnership supports ASEAN member states to implement and report on their obligations \
under the ASEAN Convention against Trafficking in Persons, Especially Women and Children (ACTIP).

ASEAN-ACT has national-level programming in Cambodia, Lao PDR, the Philippines, Thailand, \
Vietnam. We are establishing programming in Indonesia, and it is currently on hold in Myanmar.

ASEAN-ACT's Regional Program Steering Committee (RPSC) is the regional governance mechanism \
of the program, with representatives across all ASEAN Member States and the ASEAN Secretariat. \
The RPSC is co-chaired by the ASEAN Senior Officials Meeting on Transnational Crime (SOMTC) and \
the Australian Department of Foreign Affairs and Trade (DFAT).

ASEAN-ACT works through three interrelated pathways:

1. **Enhancing regional-level capacity**

   We support and work with ASEAN to strengthen its planning, monitoring and reporting of the \
ACTIP, particularly with respect to the protection of victims.

2. **Enhancing national-level capacity**

   We support and work with national justice agencies to develop their capacity to fulfil their \
ACTIP obligations, in particular those that uphold and advance victim rights.

3. **Developing inclusive public policy and dialogue**

   We promote and facilitate dialogue between government, civil society and the private sector \
to ensure a broad and diverse range of voices, including victims/survivors contribute to counter \
trafficking law, policy and practice."""

AA_JUSTICE = (
    "ASEAN-ACT facilitates justice sector cooperation and provides technical support to strengthen "
    "criminal justice responses to trafficking in persons in the region. Recent achievements have "
    "included:"
)
AA_COVID = (
    "COVID-19 has exacerbated existing vulnerabilities to trafficking and created new ones. Further, "
    "budgets and resources for trafficking responses have been reduced and law enforcement has been "
    "diverted to support the emergency response. ASEAN-ACT has supported our partners to adapt and "
    "continue counter trafficking efforts through virtual training, bilateral meetings, workshops and "
    "seminars. Recent initiatives include:"
)
AA_PARTNERSHIPS = (
    "ASEAN-ACT pursues partnerships with a broad and diverse range of regional and national actors, in "
    "recognition that effective counter trafficking responses require multi-sectoral, collaborative "
    "approaches."
)
AA_VICTIM_RIGHTS = (
    "ASEAN-ACT is working with partners to support groups most vulnerable to trafficking, and reduce "
    "barriers to accessing protection and support. Recent achievements have included:"
)
AA_KNOWLEDGE = (
    "ASEAN Member States, with support from ASEAN-ACT, are sharing knowledge and learning on ACTIP "
    "implementation. Recent achievements have included:"
)
# The grants partners with the country the fact sheet gives for each.
ASEAN_ACT_GRANTS_DETAILS = """\
In this initial phase, we have partnered with:

- Blue Dragon Foundation (Vietnam)
- Human Rights and Development Foundation (Thailand)
- Labour Protection Network (Thailand)
- Legal Support for Children and Women (Cambodia)
- Migrant Forum Asia (Philippines)
- Ople Center (Philippines)
- Social Responsibility Law (Thailand)
- Village Focus International (Lao PDR)"""

ASEAN_ACT = SeedPledge(
    slug="asean-australia-counter-trafficking",
    title="ASEAN-Australia Counter Trafficking",
    text=ASEAN_ACT_TEXT,
    author=DFAT_STAFF,
    lead=DFAT,
    # The grants partners are partners of the program too ("we have partnered with").
    co_signatories=tuple(ASEAN_ACT_KEY_PARTNERS + ASEAN_ACT_GRANT_PARTNERS),
    forum=ASEAN_ACT_PROGRAMME,
    themes=(TRAFFICKING, VICTIM_RIGHTS, GESI, ACCESS_TO_JUSTICE, WOMENS_RIGHTS, CHILDRENS_RIGHTS),
    countries=("Cambodia", "Lao PDR", "Philippines", "Thailand", "Vietnam", "Indonesia", "Myanmar"),
    fields={
        "region": "ASEAN member states",
        "period_start": 2018,
        "period_end": 2028,
        "budget_amount": Decimal("80000000"),
        "budget_currency": "AUD",
    },
    actions=(
        SeedAction(
            "Built regional and national capacities in justice sector agencies' responses to counter human "
            "trafficking, including training 2,037 people in 2020, and 1,212 (Jan-Jun 2021). These totals "
            "include state and non-state counter-trafficking actors trained from all 10 ASEAN member states.",
            in_year(2021),
            (DFAT,),
            heading=AA_JUSTICE,
            figures=(
                {"label": "people trained", "value": 2037, "unit": "people", "year": 2020},
                {
                    "label": "people trained",
                    "value": 1212,
                    "unit": "people",
                    "year": 2021,
                    "period_note": "Jan–Jun 2021",
                },
            ),
        ),
        SeedAction(
            "Informed development of policies and procedures to reduce vulnerability to trafficking in persons.",
            in_year(2021),
            (DFAT,),
            heading=AA_JUSTICE,
        ),
        SeedAction(
            "Coordinated transnational meetings to strengthen cross-border cooperation for trafficking in "
            "persons investigations and interventions.",
            in_year(2021),
            (DFAT,),
            heading=AA_JUSTICE,
        ),
        SeedAction(
            "Provided personal protective equipment to frontline responders to ensure their safety when "
            "detecting, investigating trafficking or supporting victims.",
            in_year(2021),
            (DFAT,),
            heading=AA_COVID,
        ),
        SeedAction(
            "Published a policy paper on vulnerability, trafficking in persons, and COVID-19.",
            in_year(2021),
            (DFAT,),
            heading=AA_COVID,
        ),
        SeedAction(
            "Developed a portal with vital resources and tools to support government, private sector, and "
            "civil society during COVID-19.",
            in_year(2021),
            (DFAT,),
            heading=AA_COVID,
            # The fact sheet names the portal's address (the links it underlines have none).
            links=({"url": "https://aseanactpartnershiphub.com", "title": "aseanactpartnershiphub.com"},),
        ),
        SeedAction(
            "In July 2021, we launched a grants program with the purpose of partnering with organisations "
            "that directly support and advocate for the rights of trafficked victims and contribute valuable "
            "evidence to inform policy reform.",
            in_month(2021, 7),
            (DFAT, *ASEAN_ACT_GRANT_PARTNERS),
            heading=AA_PARTNERSHIPS,
            details=ASEAN_ACT_GRANTS_DETAILS,
            figures=({"label": "grant partners in the initial phase", "value": 8, "unit": "organisations"},),
        ),
        SeedAction(
            "Facilitated victim sensitive trainings for judges and prosecutors, and supported government "
            "agencies with the inclusion of gender equality and victim rights in national action plans and "
            "in guidelines.",
            in_year(2021),
            (DFAT,),
            heading=AA_VICTIM_RIGHTS,
        ),
        SeedAction(
            "Collected trafficking-in-persons datasets and developed victim sensitive court indicators to "
            "strengthen data collection and promote evidencebased policy.",
            in_year(2021),
            (DFAT,),
            heading=AA_VICTIM_RIGHTS,
        ),
        SeedAction(
            "Supported a study examining shelter practices and the freedom of movement for victims or "
            "presumed victims of trafficking, and offered recommendations for law, policy and practice to "
            "ASEAN member states.",
            in_year(2021),
            (DFAT,),
            heading=AA_VICTIM_RIGHTS,
        ),
        SeedAction(
            "Series of webinars on justice system adaptive responses for ASEAN policy-makers and "
            "practitioners, with topics ranging from victim compensation to women as change agents in the "
            "counter-trafficking sector.",
            in_year(2021),
            (DFAT,),
            heading=AA_KNOWLEDGE,
        ),
        SeedAction(
            "Commissioned studies to enhance understanding of counter trafficking issues, including "
            "examining the political economy of trafficking, application of non-punishment principle in "
            "ASEAN and trafficking in the fisheries sector.",
            in_year(2021),
            (DFAT,),
            heading=AA_KNOWLEDGE,
        ),
    ),
)

# Seed 000: the Commission's 2018–19 report. Its activities are dated only by that
# reporting year (to June 2019), so they carry 2019, to year precision.
CHINA_HRTCP_TEXT = """\
The Australia-China HRTCP was established in 1998 following the first Australia-China Human \
Rights Dialogue in 1997. Since its commencement, the HRTCP has been implemented through a \
partnership between DFAT, the Commission and the Government of the People’s Republic of China \
Ministry of Foreign Affairs.

The HRTCP is fundamentally underpinned by the view that by working together, and by exchanging \
views and approaches, the most effective elements of human rights protection, promotion and \
administration will develop and prosper. Collaboration, identifying shared priorities, and \
fostering mutual respect and trust are integral aspects of working towards this purpose. The \
goal is for Australia and China to collaborate on shared priorities to advance human rights \
reform in China and apply human rights principles and practices."""

CHINA_DURING_PERIOD = "During this reporting period, the Commission has:"

CHINA_HRTCP = SeedPledge(
    slug="china-australia-2017-21-hrtcp",
    title="China-Australia 2017–21 Human Rights Technical Cooperation Program",
    text=CHINA_HRTCP_TEXT,
    author=AHRC_STAFF,
    lead=AHRC,
    co_signatories=(DFAT, CHINA_MFA),
    forum=AUSTRALIA_CHINA_DIALOGUE,
    themes=(WOMENS_RIGHTS, CHILDRENS_RIGHTS, ACCESS_TO_JUSTICE),
    countries=("China", "Australia"),
    fields={"period_start": 2017, "period_end": 2021},
    actions=(
        SeedAction(
            "The Commission worked with nine implementing partners in China to implement 21 activities over "
            "an 18-month period including 2018–19. A range of activities were undertaken including study "
            "visits, capacity building workshops, research and policy development.",
            in_year(2019),
            (AHRC,),
            details=(
                "Although the HRTCP has not been designed from a thematic perspective, the priorities of "
                "HRTCP partners are highly complementary of each other and naturally fall into three key "
                "areas: women’s rights, children’s rights and access to justice."
            ),
            figures=(
                {
                    "label": "activities implemented",
                    "value": 21,
                    "unit": "activities",
                    "period_note": "18 months including 2018–19",
                },
                {"label": "implementing partners in China", "value": 9, "unit": "organisations"},
            ),
        ),
        SeedAction(
            "developed trusting and mutually respectful relationships with Chinese partners",
            in_year(2019),
            (AHRC, CHINA_MFA),
            heading=CHINA_DURING_PERIOD,
        ),
        SeedAction(
            "increased understanding amongst partners of human rights principles and practices",
            in_year(2019),
            (AHRC,),
            heading=CHINA_DURING_PERIOD,
        ),
        SeedAction(
            "assisted in the development of research to deepen understanding, inform practice and policy",
            in_year(2019),
            (AHRC,),
            heading=CHINA_DURING_PERIOD,
        ),
        SeedAction(
            "increased dialogue and co-operation between Australian officials and officials from a range of "
            "Chinese agencies.",
            in_year(2019),
            (AHRC,),
            heading=CHINA_DURING_PERIOD,
        ),
        SeedAction(
            "In addition, the Commission organised an Annual Reflections Workshop which provided an "
            "opportunity for partners to reflect on program implementation and share lessons and learnings "
            "with other partners.",
            in_year(2019),
            (AHRC,),
        ),
    ),
)

# Seed 000 as well. Its period ended in 2021, so the demo shows it done: the commitment
# whose public page reads "Implementation completion: Yes".
LAO_HRTCP = SeedPledge(
    slug="lao-pdr-australia-2017-21-hrtcp",
    title="2017–21 Lao PDR-Australia Human Rights Technical Cooperation Program",
    text=(
        "The Lao PDR-Australia HRTCP is designed to improve the Government of Lao-PDR (GoL)’s knowledge "
        "of its human rights responsibilities and obligations."
    ),
    author=AHRC_STAFF,
    lead=AHRC,
    co_signatories=(DFAT, LAO_DTL),
    themes=(UPR,),
    countries=("Lao PDR", "Australia"),
    fields={"period_start": 2017, "period_end": 2021},
    actions=(
        SeedAction(
            "In this period, the second year of the HRTCP was completed with the successful implementation "
            "of six activities focused on strengthening the GoL’s Universal Periodic Review (UPR) process. "
            "Activities included training workshops, civil society consultations and the development of "
            "technical support resources.",
            in_year(2019),
            (AHRC, LAO_DTL),
            details=(
                "A significant progress indicator is the Commission’s relationship with the key "
                "implementing partner, the Department of Treaties and Law. This has been strong and "
                "positive throughout the 2018–19 year and trust between partners continues to deepen and "
                "grow. The activities implemented have been valuable and overall feedback received from "
                "all stakeholders has been that the activities have had positive impacts, that are "
                "contributing to the program objectives."
            ),
            figures=({"label": "activities implemented", "value": 6, "unit": "activities", "period_note": "2018–19"},),
        ),
    ),
    state="done",
)

# Seed 001: an AusAID page (AusAID was merged into DFAT in 2013, so DFAT signs for the
# Australian contribution). The results are reported for 2010–11 without dates of their
# own: they carry 2011 to year precision; the geographical spread is of 2009–10.
HRTC_TEXT = """\
The goal of the program is to strengthen the administration, promotion and protection of human \
rights in China. The purpose of the program is to assist in the development of key Chinese \
organisations to contribute to improvements in the administration, promotion and protection of \
human rights in each of the three program theme areas, being (i) legal reform, (ii) women’s and \
children’s rights, and (iii) ethnic and minority rights. The program promotes the universality and \
indivisibility of human rights through a range of activities involving Chinese and Australian \
academics, police, prosecutors, judges and other officials including those responsible for \
promoting and protecting the rights of women and minorities.

Location: China and Australia

Each year the HRTC oversees around 20 practical activities implemented by Chinese government \
agencies which focus on the three main theme areas: (i) legal reform, (ii) women’s and children’s \
rights, and (iii) ethnic and minority rights. Activities include study tours, workshops, seminars \
and cross-visits between Australian and Chinese agencies working in fields with human rights \
dimensions.

HRTC activities are designed to have immediate and longer term outcomes. The program encourages \
the development of linkages between Chinese and Australian organisations and between Chinese and \
Australian professionals in specific areas. Increasingly activities support existing Chinese \
programs of reform and the development of new policy and practice.

There are clear themes and common attributes for all activities, as follows:

- all activities are underpinned by the belief that cooperation is the key to progress
- each activity involves working directly with a key Chinese organisation in a position to effect \
practical change
- each activity attempts to bring to bear the ‘best’ Australian expertise and practice
- each activity incorporates objectives on two levels: immediate, albeit modest, impact and \
longer term change.

Managing contractor: Australian Human Rights Commission

Chinese counterpart: Ministry of Foreign Affairs"""

HRTC_RESULTED_IN = "The program has specifically resulted in:"

HRTC = SeedPledge(
    slug="hrtc-china-australia",
    title="Human Rights Technical Cooperation Program (HRTC)",
    text=HRTC_TEXT,
    author=DFAT_STAFF,
    lead=DFAT,
    co_signatories=(AHRC, CHINA_MFA),
    forum=AUSTRALIA_CHINA_DIALOGUE,
    themes=(LEGAL_REFORM, WOMENS_RIGHTS, CHILDRENS_RIGHTS, MINORITY_RIGHTS),
    countries=("China", "Australia"),
    fields={
        "period_start": 1997,
        "period_note": "ongoing",
        "budget_note": "Approximately $2.5 million annually",
    },
    actions=(
        SeedAction(
            "HRTC activities conducted in China during 2009–10 were conducted in Beijing, Zhejiang, "
            "Jiangsu, Guangxi, Heilongjiang and inner Mongolia, and the program engages the participation "
            "of officials from a wide range of provinces in HRTC activities in both China and Australia.",
            in_year(2010),
            (AHRC, CHINA_MFA),
            details=(
                "The focus of the program is on dissemination, transfer of knowledge and expertise which is "
                "evidenced through the breadth of Chinese participation."
            ),
        ),
        SeedAction(
            "enhanced capacity of the Ministry of Foreign Affairs' Human Rights Division to develop and "
            "implement human rights laws, policies and practices;",
            in_year(2011),
            (AHRC, CHINA_MFA),
            heading=HRTC_RESULTED_IN,
        ),
        SeedAction(
            "support to the development of the Supreme People’s Court’s (SPC) third Judicial Reform Plan (2009–13);",
            in_year(2011),
            (AHRC,),
            heading=HRTC_RESULTED_IN,
        ),
        SeedAction(
            "brought together senior Australian and Chinese personnel to exchange information and experience "
            "on policy measures for protecting and promoting the rights of detainees under the Penitentiary "
            "administration policy consultations; and",
            in_year(2011),
            (AHRC,),
            heading=HRTC_RESULTED_IN,
        ),
        SeedAction(
            "engagement strategies/activities that recognise the incremental nature of policy "
            "development—progressive engagement on human rights policies.",
            in_year(2011),
            (AHRC, DFAT),
            heading=HRTC_RESULTED_IN,
        ),
    ),
)

# Not from a seed: no seed shows a pledge in draft. An illustrative Philippine Red Cross
# draft following the seed 003 roundtable's outcomes; a draft is never public.
PRC_DRAFT = SeedPledge(
    slug="prc-national-coordination-on-trafficking",
    title="National coordination against human trafficking",
    text=(
        "The Philippine Red Cross will work with government agencies and civil-society organisations to "
        "formalise national coordination mechanisms and referral pathways for identifying and protecting "
        "people who have experienced human trafficking, following the Bali Process Government and Civil "
        "Society Roundtable of 14–15 May 2018."
    ),
    author=PRC_STAFF,
    lead=PRC,
    themes=(TRAFFICKING, MIGRATION),
    countries=("Philippines",),
    state="draft",
)

PLEDGES = [REGIONAL_PROTECTION, ASEAN_ACT, CHINA_HRTCP, LAO_HRTCP, HRTC, PRC_DRAFT]


# --- the roundtable (seed 003) -----------------------------------------------------------

BALI_ROUNDTABLE_SLUG = "bali-process-government-civil-society-roundtable-2018"

BALI_ROUNDTABLE_SUMMARY = (
    "On 14 – 15 May 2018 Australian Red Cross and the IFRC, with the Australian and Indonesian "
    "governments, co-hosted the first regional Government and Civil Society Roundtable as part of the "
    "State-led Bali Process. Representatives from six National Societies (Australian Red Cross, Bangladesh "
    "Red Crescent, Maldivian Red Crescent, Nepal Red Cross, Pakistan Red Crescent, and Philippine Red "
    "Cross), ICRC and IFRC were joined by representatives from 13 governments and national and regional "
    "Civil Society Organisations (CSOs) and international agencies. The meeting was a significant success, "
    "with strong engagement between RCRC Movement partners and governments, and a commitment made by the "
    "Bali Process co-Chairs, namely the governments of Australia and Indonesia, to follow through on "
    "outcomes and recommendations.\n\n"
    "After the end of two days of engaging and frank discussion, it was agreed by participants that:"
)

# heading, outcomes — in the seed's order, its list punctuation kept.
BALI_ROUNDTABLE_OUTCOMES: list[tuple[str, list[str]]] = [
    (
        (
            "Effective cooperation between governments and CSOs is key to preventing and addressing human "
            "trafficking and serious forms of labour exploitation, including the importance of:"
        ),
        [
            (
                "supporting CSOs as an invaluable asset in identification and protection processes and ensuring "
                "clear guidelines and operating procedures to clarify roles and responsibilities;"
            ),
            "formalising national coordination mechanisms to lay the foundation for effective protection; and",
            (
                "ensuring coordination mechanisms are operationalised through referral pathways, SOPs, regular "
                "meetings and evaluations"
            ),
        ],
    ),
    (
        (
            "Referring to the root causes of trafficking and labour exploitation, governments and CSOs can "
            "collaborate to:"
        ),
        [
            "increase capacity for knowledge building sharing about why people experience human trafficking; and",
            (
                "build opportunities to form both formal and informal networks to increase pathways for "
                "identification and referrals."
            ),
        ],
    ),
    (
        "On the challenges of effective collaboration:",
        [
            (
                "Governments play a convening role to bring governments and CSOs together to share information "
                "and good practice; and"
            ),
            (
                "develop a shared understanding of common goals, focused on shared mandates and objectives while "
                "recognizing different roles, mandates and priorities."
            ),
        ],
    ),
    (
        "Examples of good practices includes:",
        [
            "Innovative approaches to address shared challenges",
            "Strong networks",
            "Recognition of the strengths that CSOs bring to identification and protection.",
            (
                "Participants agreed to share contact details to facilitate strengthened connections and "
                "relationships and build effective pathways for information and knowledge sharing."
            ),
        ],
    ),
]

BALI_ROUNDTABLE: dict[str, Any] = {
    "slug": BALI_ROUNDTABLE_SLUG,
    "title": "Bali Process Government and Civil Society Roundtable",
    "forum": BALI_PROCESS,
    "start_date": dt.date(2018, 5, 14),
    "end_date": dt.date(2018, 5, 15),
    "place": None,  # the seed does not say where it met
    "summary": BALI_ROUNDTABLE_SUMMARY,
    "participants_note": (
        "representatives from 13 governments and national and regional Civil Society Organisations (CSOs) "
        "and international agencies"
    ),
    "co_chairs": [GOV_AUSTRALIA, GOV_INDONESIA],
    "participants": [*BALI_ROUNDTABLE_NATIONAL_SOCIETIES, ICRC, IFRC, GOV_AUSTRALIA, GOV_INDONESIA],
    "is_public": True,
}


@dataclass(frozen=True)
class SeedRecommendation:
    """How one agreed outcome is followed through. Illustrative: the seed records the
    co-chairs' commitment to follow through, not owners, due dates or progress."""

    outcome: tuple[int, int]  # (group, outcome) indexes into BALI_ROUNDTABLE_OUTCOMES
    owners: tuple[str, ...]  # the first is the lead owner
    due_in_days: int  # from `today`; negative: already past
    created_by: str = AU_CO_CHAIR
    agreed_by: str | None = AU_CO_CHAIR  # None: left in draft
    updates: tuple[tuple[int, str, str], ...] = ()  # (days before today, author, text)
    completed: tuple[int, str, str] | None = None  # (days before today, owner staff, what was done)
    review: tuple[str, str, str | None] | None = None  # ("verify" | "send_back", co-chair, reason)


# The co-chairs agreed the demo's recommendations this many days before `today`.
AGREED_DAYS_AGO = 200

BALI_RECOMMENDATIONS = [
    # In draft: the co-chairs have not yet agreed it.
    SeedRecommendation((1, 0), owners=(IFRC, ARC), due_in_days=365, agreed_by=None),
    # In progress, with progress reported.
    SeedRecommendation(
        (0, 0),
        owners=(ARC, IFRC),
        due_in_days=180,
        updates=(
            (
                30,
                ARC_STAFF,
                (
                    "Shared the roundtable outcomes with the Asia Pacific Migration Network and began collecting "
                    "National Societies' guidelines on their role in identification and protection."
                ),
            ),
        ),
    ),
    SeedRecommendation(
        (0, 2),
        owners=(PRC,),
        due_in_days=120,
        created_by=ID_CO_CHAIR,
        agreed_by=ID_CO_CHAIR,
        updates=(
            (
                20,
                PRC_STAFF,
                (
                    "Mapped the existing referral pathways with government counterparts; draft standard operating "
                    "procedures are under discussion."
                ),
            ),
        ),
    ),
    # Overdue: in progress, past its due date, its last update long ago.
    SeedRecommendation(
        (1, 1),
        owners=(ARC,),
        due_in_days=-45,
        updates=(
            (
                120,
                ARC_STAFF,
                "Proposed an informal network of National Society focal points on trafficking through the APMN.",
            ),
        ),
    ),
    # Done, then sent back by a co-chair with a reason: in progress again.
    SeedRecommendation(
        (0, 1),
        owners=(PRC,),
        due_in_days=60,
        created_by=ID_CO_CHAIR,
        agreed_by=ID_CO_CHAIR,
        completed=(
            40,
            PRC_STAFF,
            "Presented the roundtable outcomes to the national coordination body on trafficking.",
        ),
        review=(
            "send_back",
            ID_CO_CHAIR,
            "Presenting the outcomes is a start; say which coordination mechanism was formalised, and how.",
        ),
    ),
    # Done, awaiting the co-chairs' verification.
    SeedRecommendation(
        (3, 3),
        owners=(ARC,),
        due_in_days=30,
        completed=(7, ARC_STAFF, "Circulated the contact list to every participant who agreed to share their details."),
    ),
    # Done and verified.
    SeedRecommendation(
        (2, 0),
        owners=(DFAT,),
        due_in_days=90,
        completed=(
            14,
            DFAT_STAFF,
            (
                "Brought governments and CSOs together at a regional meeting to share information and good "
                "practice on identification and referral."
            ),
        ),
        review=("verify", AU_CO_CHAIR, None),
    ),
]


# --- loading -----------------------------------------------------------------------------


@dataclass
class _Tally:
    """What one load made: the summary, and whether anything changed at all."""

    pledges: int = 0
    actions: int = 0
    roundtables: int = 0
    recommendations: int = 0
    accounts: int = 0
    other: int = 0  # organisations, forums, themes, countries

    def summary(self) -> str:
        if not any(vars(self).values()):
            return "Demo data already loaded; nothing changed."
        parts = [
            _count(self.pledges, "pledge"),
            _count(self.actions, "action"),
            _count(self.roundtables, "roundtable"),
            _count(self.recommendations, "recommendation"),
            _count(self.accounts, "account"),
        ]
        return "Loaded demo data: " + ", ".join(parts) + "."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def load_demo(only_if_empty: bool = False, today: dt.date | None = None) -> str:
    """Add whatever of the demo data is missing, and say what was added.

    `only_if_empty`: do nothing when the database already holds any pledge (for a
    deployment that loads the demo on first start). `today` anchors the recommendations'
    due dates and progress updates, so a demo always has some due soon and one overdue.
    Flushes but never commits.
    """
    if only_if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)):
        return "The database already holds pledges; demo data not loaded."
    loader = _Loader(today or dt.date.today())
    loader.load()
    return loader.tally.summary()


class _Loader:
    def __init__(self, today: dt.date):
        self.today = today
        self.tally = _Tally()
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.forums: dict[str, Forum] = {}
        self.themes: dict[str, Theme] = {}
        self.countries: dict[str, Country] = {}

    def load(self) -> None:
        self._reference_data()
        self._accounts()
        for seed in PLEDGES:
            self._pledge(seed)
        self._roundtable()
        db.session.flush()

    # Reference data and accounts: found by natural key, made when missing.

    def _get_or_make(self, model, key: dict, **fields):
        record = db.session.scalar(sa.select(model).filter_by(**key))
        if record is None:
            record = model(**key, **fields)
            db.session.add(record)
            db.session.flush()
            if model is User:
                self.tally.accounts += 1
            else:
                self.tally.other += 1
        return record

    def _reference_data(self) -> None:
        for name, short_name, kind, country in ORGANISATIONS:
            self.organisations[name] = self._get_or_make(
                Organisation, {"name": name}, short_name=short_name, kind=kind, country=country
            )
        for name, short_name, forum_kind, year, description in FORUMS:
            self.forums[name] = self._get_or_make(
                Forum, {"name": name}, short_name=short_name, kind=forum_kind, year=year, description=description
            )
        for name in THEMES:
            self.themes[name] = self._get_or_make(Theme, {"slug": slugify(name)}, name=name)
        for name, iso_code in COUNTRIES:
            self.countries[name] = self._get_or_make(Country, {"name": name}, iso_code=iso_code)

    def _accounts(self) -> None:
        for email, name, role, organisation in ACCOUNTS:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            if user is None:
                user = User(
                    email=email,
                    name=name,
                    role=role,
                    organisation=self.organisations[organisation] if organisation else None,
                )
                user.password_hash = _demo_password_hash()
                db.session.add(user)
                db.session.flush()
                self.tally.accounts += 1
            self.users[email] = user

    # Pledges: written, published, acted on and completed as their staff would.

    def _pledge(self, seed: SeedPledge) -> None:
        if db.session.scalar(sa.select(Pledge.id).where(Pledge.slug == seed.slug)) is not None:
            return
        author = self.users[seed.author]
        forum = self.forums[seed.forum] if seed.forum else None
        pledge = pledges.create_pledge(
            author,
            title=seed.title,
            slug=seed.slug,
            lead=self.organisations[seed.lead],
            co_signatories=[self.organisations[name] for name in seed.co_signatories],
            themes=[self.themes[name] for name in seed.themes],
            countries=[self.countries[name] for name in seed.countries],
            text=seed.text,
            text_format=MARKDOWN,  # (the seed texts are written in Markdown)
            forum_id=forum.id if forum else None,
            **seed.fields,
        )
        self._signatures(pledge, seed)
        self.tally.pledges += 1
        if seed.state == "draft":
            return
        pledges.take_transition(pledge, "start", author)
        for position, action in enumerate(seed.actions):
            self._action(pledge, author, position, action)
        if seed.state == "done":
            pledges.take_transition(pledge, "complete", author)

    def _action(self, pledge: Pledge, author: User, position: int, action: SeedAction) -> None:
        date, precision = action.when
        pledges.record_action(
            pledge,
            author,
            date=date,
            date_precision=precision,
            summary=action.summary,
            heading=action.heading,
            details=action.details,
            organisations=[self.organisations[name] for name in action.organisations],
            figures=[dict(figure) for figure in action.figures],
            links=[dict(link) for link in action.links],
            position=position,
            text_format=MARKDOWN,
        )
        self.tally.actions += 1

    def _signatures(self, pledge: Pledge, seed: SeedPledge) -> None:
        """The organisations the published source names signed: the admin records their
        signatures on their behalf (the author's organisation signed by writing it)."""
        for name in (seed.lead, *seed.co_signatories):
            organisation = self.organisations[name]
            row = pledge.row_of(organisation.id)
            if row is None or not row.is_signed or row.invited_to_lead:
                signatures.record_signature(
                    pledge, self.users[ADMIN_EMAIL], organisation, lead=name == seed.lead, source=SIGNATURE_SOURCE
                )

    # The roundtable, and the follow-through of its outcomes.

    def _roundtable(self) -> None:
        if db.session.scalar(sa.select(Roundtable.id).where(Roundtable.slug == BALI_ROUNDTABLE_SLUG)) is not None:
            return
        seed = BALI_ROUNDTABLE
        roundtable = Roundtable(
            slug=seed["slug"],
            title=seed["title"],
            forum=self.forums[seed["forum"]],
            start_date=seed["start_date"],
            end_date=seed["end_date"],
            place=seed["place"],
            summary=seed["summary"],
            participants_note=seed["participants_note"],
            is_public=seed["is_public"],
            co_chairs=[self.organisations[name] for name in seed["co_chairs"]],
            participants=[self.organisations[name] for name in seed["participants"]],
            outcome_groups=[
                OutcomeGroup(
                    heading=heading,
                    position=g,
                    outcomes=[Outcome(text=text, position=o) for o, text in enumerate(outcomes)],
                )
                for g, (heading, outcomes) in enumerate(BALI_ROUNDTABLE_OUTCOMES)
            ],
        )
        db.session.add(roundtable)
        db.session.flush()
        # Recorded by an admin, who alone may name co-chairs other than their own organisation.
        record_history(roundtable, "created", self.users[ADMIN_EMAIL])
        self.tally.roundtables += 1
        for seed_recommendation in BALI_RECOMMENDATIONS:
            self._recommendation(roundtable, seed_recommendation)

    def _recommendation(self, roundtable: Roundtable, seed: SeedRecommendation) -> None:
        group_index, outcome_index = seed.outcome
        outcome = roundtable.outcome_groups[group_index].outcomes[outcome_index]
        recommendation = roundtables.create_recommendation(
            roundtable,
            self.users[seed.created_by],
            text=outcome.as_recommendation(),
            owners=[self.organisations[name] for name in seed.owners],
            due_date=self.today + dt.timedelta(days=seed.due_in_days),
            outcome=outcome,
        )
        self.tally.recommendations += 1
        if seed.agreed_by is None:
            return
        roundtables.take_transition(
            recommendation, "agree", self.users[seed.agreed_by], today=self.today - dt.timedelta(days=AGREED_DAYS_AGO)
        )
        for days_ago, author, text in seed.updates:
            roundtables.post_progress_update(
                recommendation, self.users[author], text=text, date=self.today - dt.timedelta(days=days_ago)
            )
        if seed.completed:
            days_ago, owner_staff, what_was_done = seed.completed
            roundtables.take_transition(
                recommendation,
                "complete",
                self.users[owner_staff],
                what_was_done=what_was_done,
                today=self.today - dt.timedelta(days=days_ago),
            )
        if seed.review:
            event, co_chair, reason = seed.review
            roundtables.take_transition(recommendation, event, self.users[co_chair], reason=reason)


@functools.cache
def _demo_password_hash() -> str:
    """One hash for every demo account, made once per process: the password is public
    anyway, and scrypt is slow on purpose (seven hashes per load, in every test that loads)."""
    return generate_password_hash(DEMO_PASSWORD)
