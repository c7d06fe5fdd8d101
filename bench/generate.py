"""Deterministic benchmark data for the Pledge Tracker.

    .venv/bin/python bench/generate.py --scale 1 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/tracker_bench
    .venv/bin/python bench/generate.py --scale 1 --database-url sqlite:////work/main/bench/out/bench-1.db

What it makes. A whole, valid tracker database at a chosen size: `--scale 1` is 10,000
pledges, 100,000 actions taken, 500 roundtables and 5,000 recommendations (scale 10 is ten
times each; any positive number works, 0.01 for a quick try), with everything around them
at sensible proportions: about 300 organisations per unit of scale (National Societies,
governments, international and civil-society organisations, a few proposed by staff and
not yet confirmed), staff accounts for most organisations and co-chair accounts for every
government and international organisation, ~20 forums, 25 themes, ~200 countries and
regions, signatories (a lead and 0–4 co-signatories), themes and countries of each pledge,
figures, evidence links and the organisations involved in actions, outcome headings and
outcomes of each roundtable, co-chairs and participants, recommendation owners, progress
updates, and the history of it all.

Why. The benchmark driver (bench/run.py) measures the public pages, the API, the staff
pages and the co-chairs' dashboard against a database the size of a busy deployment, the
same on every run: every value comes from `random.Random` seeded with `--seed`, and every
date is computed from a fixed reference time (`REFERENCE_TIME`, never the clock), so two
runs with the same seed and scale make identical databases on either engine.

How. The database is made from nothing: a PostgreSQL database named in the URL is dropped
and created again (never `postgres` or `test`), a SQLite file is deleted; the app's own
migrations build the schema; rows are then loaded in bulk with explicit ids, with COPY on
PostgreSQL and executemany on SQLite, never through the ORM (SQLite: in one transaction;
PostgreSQL: the foreign keys and secondary indexes are dropped for the load and made
again afterwards exactly as the migrations made them, one pass each, which checks every
row as loading with them would, the slow search indexes in parallel sessions while the
next tables are generated: see `PostgresIndexes`). Afterwards the id sequences are moved past the
largest id, PostgreSQL gets VACUUM ANALYZE (SQLite's foreign keys are checked instead),
the data version is moved on, and a JSON manifest tells the driver what to ask for:
accounts, pledge slugs, list queries that return results, pledges to record actions on,
co-chaired roundtables.

The records are what the app itself would have written: published pledges have a lead
signatory and a publication time, done pledges at least one current action, actions are
attributed to a signatory and dated no later than they were recorded, agreed
recommendations have a lead owner, a due date and the day they were agreed, done ones a
completion note, verified and sent-back ones their co-chair's review; versions count the
state changes each record went through.

History is written for what the workflows do: a pledge created, started and completed; an
action recorded or withdrawn; a roundtable created; a recommendation created, agreed,
completed, sent back or verified; a progress update posted. Skipped (not written at all):
edits of pledges, actions, roundtables and recommendations (every record stands as first
written, so versions count state changes only), log-ins and other account events, and
the admins' changes to organisations, forums and themes.

Accounts (all with the password in `BENCH_PASSWORD`, active):
- bench-staff@example.org: staff of a National Society that leads 1.5% of the pledges (at
  least 150), most of them in progress, on which it may record actions;
- bench-cochair@example.org: co-chair for a government that co-chairs ten roundtables,
  with recommendations in every state (the /roundtables/follow-through dashboard);
- bench-admin@example.org: an admin.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import string
import sys
import time
from bisect import bisect_left
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from werkzeug.security import check_password_hash  # noqa: E402

# --- what to make ---------------------------------------------------------------------------

# Every date is computed from this moment (a Sunday noon, UTC), never from the clock.
REFERENCE_TIME = dt.datetime(2026, 11, 1, 12, 0, 0)
REFERENCE_DATE = REFERENCE_TIME.date()
EARLIEST_TIME = dt.datetime(2019, 1, 7, 9, 0, 0)  # the first records
DEFAULT_SEED = 2026

# Rows per unit of `--scale`.
PER_SCALE = {
    "pledges": 10_000,
    "actions": 100_000,
    "roundtables": 500,
    "recommendations": 5_000,
    "organisations": 300,
}
MINIMUM_ORGANISATIONS = 30

# The benchmark's accounts. Their password is hashed with 1,000 rounds of PBKDF2 (werkzeug's
# "pbkdf2:sha256:1000"), not the app's scrypt: these are benchmark-only accounts on
# throwaway databases, and the driver logs in often, so a slow hash would measure the hash
# rather than the app. Every other generated account shares the same hash.
BENCH_PASSWORD = "bench-password-2026"
BENCH_PASSWORD_METHOD = "pbkdf2:sha256:1000"
STAFF_EMAIL = "bench-staff@example.org"
COCHAIR_EMAIL = "bench-cochair@example.org"
ADMIN_EMAIL = "bench-admin@example.org"

# Organisations: the share of each kind (civil society takes what rounding leaves).
ORGANISATION_KINDS = {
    "national_society": 0.25,
    "government": 0.30,
    "international_organisation": 0.10,
    "civil_society": 0.30,
    "other": 0.05,
}
UNCONFIRMED_ORGANISATIONS = 0.02  # proposed by staff in the pledge editor, awaiting an admin
ORGANISATIONS_WITH_SHORT_NAME = 0.6

# Accounts.
ORGANISATIONS_WITH_STAFF = 0.6
STAFF_PER_ORGANISATION = (1, 4)
SECOND_CO_CHAIR_ACCOUNT = 0.3  # of governments and international organisations (all have one)
EXTRA_ADMINS = 2
INACTIVE_ACCOUNTS = 0.03
INVITED_ACCOUNTS = 0.05  # invited, no password set yet

# Pledges.
PLEDGE_STATES = {"draft": 0.10, "in_progress": 0.55, "done": 0.35}
CO_SIGNATORIES = [0.50, 0.20, 0.15, 0.10, 0.05]  # chance of 0, 1, 2, 3, 4
UNCONFIRMED_CO_SIGNATORY = 0.01
PLEDGE_THEMES = [0.45, 0.35, 0.20]  # 1, 2, 3
PLEDGE_COUNTRIES = [0.20, 0.50, 0.20, 0.10]  # 0, 1, 2, 3
COUNTRY_IS_A_REGION = 0.10
PLEDGE_WITH_FORUM = 0.90
PLEDGE_WITH_REGION = 0.40
PLEDGE_WITH_PERIOD = 0.70
PLEDGE_WITH_BUDGET = 0.30
PLEDGE_WITH_ACTIONS_INTRO = 0.20
PLEDGE_WITH_CONTACT = 0.60
PLEDGE_TITLE = (40, 120)
PLEDGE_TEXT = (400, 2_000)
# Leads are concentrated, as in life: the organisation of rank r leads in proportion to
# 1 / (r + LEAD_CONCENTRATION).
LEAD_CONCENTRATION = 10
# bench-staff's National Society leads this share of the pledges (at least the minimum,
# at most the cap), most of them in progress.
BENCH_LEAD_SHARE = 0.015
BENCH_LEAD_MINIMUM = 150
BENCH_LEAD_CAP = 0.4
BENCH_LEAD_IN_PROGRESS = 0.85

# Actions: how many each published pledge has is drawn from a log-normal distribution
# (a long tail: most have 0–15, a few hundreds), then scaled to the exact total.
IN_PROGRESS_WITHOUT_ACTIONS = 0.15
ACTIONS_SIGMA = 1.3
MAX_ACTIONS_PER_PLEDGE = 400
ACTION_SUMMARY = (80, 300)
ACTION_DETAILS = (100, 1_500)
ACTION_DETAILS_EMPTY = 0.30
ACTION_BY_A_CO_SIGNATORY = 0.20  # on joint pledges; the lead records the rest
ACTION_WITH_CO_ORGANISATIONS = 0.15  # on joint pledges: other signatories involved too
ACTION_WITH_FIGURES = 0.30
FIGURES_PER_ACTION = [0.70, 0.25, 0.05]  # 1, 2, 3
ACTION_WITH_LINKS = 0.20
LINKS_PER_ACTION = [0.80, 0.20]  # 1, 2
ACTION_WITHDRAWN = 0.02
PLEDGE_WITH_HEADINGS = 0.15
DATE_PRECISIONS = {"day": 0.70, "month": 0.20, "year": 0.10}
ACTION_DATED_BEFORE_RECORDING_DAYS = 30  # mean of how long before its recording an action is dated

# Roundtables.
ROUNDTABLE_PUBLIC = 0.85
ROUNDTABLE_WITH_FORUM = 0.85
ROUNDTABLE_WITH_PLACE = 0.80
ROUNDTABLE_WITH_PARTICIPANTS_NOTE = 0.60
ROUNDTABLE_SUMMARY = (300, 1_500)
CO_CHAIR_IS_A_GOVERNMENT = 0.85  # else an international organisation
PARTICIPANTS = (4, 20)
OUTCOME_GROUPS = (2, 5)
OUTCOMES_PER_GROUP = (2, 6)
BENCH_CO_CHAIRED_ROUNDTABLES = 10
BENCH_RECOMMENDATIONS_MINIMUM = 8
ROUNDTABLE_LATEST_START_DAYS = 75  # before the reference date: room for follow-through

# Recommendations: their state depends on their age (older ones are more often finished).
RECOMMENDATION_TEXT = (100, 400)
RECOMMENDATION_FROM_OUTCOME = 0.80
RECOMMENDATION_UNDER_HEADING_ONLY = 0.10
RECOMMENDATIONS_SIGMA = 0.6
OWNERS = [0.55, 0.30, 0.15]  # 1, 2, 3
OWNER_IS_A_PARTICIPANT = 0.80
DRAFT_WITHOUT_OWNERS = 0.20
DRAFT_WITH_DUE_DATE = 0.70
SENT_BACK = 0.10  # of those in progress: done, then sent back by a co-chair
COMPLETED_AGAIN = 0.05  # of done and verified ones: sent back once before
UPDATES_IN_PROGRESS = [0.25, 0.35, 0.20, 0.12, 0.08]  # 0–4 progress updates
UPDATES_BEFORE_COMPLETION = [0.30, 0.40, 0.20, 0.10]  # 0–3, then the completion note
VERIFIED_WITH_COMMENT = 0.40
REVIEW_COMMENT_PUBLIC = 0.50
RECOMMENDATION_WITH_CONTACT = 0.50
# The first recommendations of each bench-co-chaired roundtable take these states, so the
# dashboard shows every state and every flag: (state, how).
BENCH_RECOMMENDATION_STATES = [
    ("draft", None),
    ("in_progress", "overdue"),
    ("in_progress", "sent_back"),
    ("in_progress", "due_soon"),
    ("done", None),
    ("verified", None),
]

# Loading.
SQLITE_BATCH_ROWS = 5_000
PLEDGES_PER_CHUNK = 2_000  # actions are generated and loaded this many pledges at a time

# The manifest.
MANIFEST_PLEDGES = 200
MANIFEST_TYPICAL_ACTIONS = (5, 30)
MANIFEST_LIST_QUERIES = 20
MANIFEST_ACTION_PLEDGES = 50
MANIFEST_ACTION_PLEDGE_ACTIONS = (1, 30)


# --- vocabulary: names, words and sentence templates, in humanitarian language ---------------
# name, ISO 3166-1 alpha-2 code: the countries of the world (UN members and observers,
# and a few territories the seeds' kind of pledges name), as the tracker lists them.
COUNTRIES = [
    ("Afghanistan", "AF"), ("Albania", "AL"), ("Algeria", "DZ"), ("Andorra", "AD"), ("Angola", "AO"),
    ("Antigua and Barbuda", "AG"), ("Argentina", "AR"), ("Armenia", "AM"), ("Australia", "AU"),
    ("Austria", "AT"), ("Azerbaijan", "AZ"), ("Bahamas", "BS"), ("Bahrain", "BH"), ("Bangladesh", "BD"),
    ("Barbados", "BB"), ("Belarus", "BY"), ("Belgium", "BE"), ("Belize", "BZ"), ("Benin", "BJ"),
    ("Bhutan", "BT"), ("Bolivia", "BO"), ("Bosnia and Herzegovina", "BA"), ("Botswana", "BW"),
    ("Brazil", "BR"), ("Brunei Darussalam", "BN"), ("Bulgaria", "BG"), ("Burkina Faso", "BF"),
    ("Burundi", "BI"), ("Cabo Verde", "CV"), ("Cambodia", "KH"), ("Cameroon", "CM"), ("Canada", "CA"),
    ("Central African Republic", "CF"), ("Chad", "TD"), ("Chile", "CL"), ("China", "CN"),
    ("Colombia", "CO"), ("Comoros", "KM"), ("Congo", "CG"), ("Cook Islands", "CK"), ("Costa Rica", "CR"),
    ("Côte d’Ivoire", "CI"), ("Croatia", "HR"), ("Cuba", "CU"), ("Cyprus", "CY"), ("Czechia", "CZ"),
    ("Democratic Republic of the Congo", "CD"), ("Denmark", "DK"), ("Djibouti", "DJ"), ("Dominica", "DM"),
    ("Dominican Republic", "DO"), ("Ecuador", "EC"), ("Egypt", "EG"), ("El Salvador", "SV"),
    ("Equatorial Guinea", "GQ"), ("Eritrea", "ER"), ("Estonia", "EE"), ("Eswatini", "SZ"),
    ("Ethiopia", "ET"), ("Fiji", "FJ"), ("Finland", "FI"), ("France", "FR"), ("Gabon", "GA"),
    ("Gambia", "GM"), ("Georgia", "GE"), ("Germany", "DE"), ("Ghana", "GH"), ("Greece", "GR"),
    ("Grenada", "GD"), ("Guatemala", "GT"), ("Guinea", "GN"), ("Guinea-Bissau", "GW"), ("Guyana", "GY"),
    ("Haiti", "HT"), ("Honduras", "HN"), ("Hungary", "HU"), ("Iceland", "IS"), ("India", "IN"),
    ("Indonesia", "ID"), ("Iran", "IR"), ("Iraq", "IQ"), ("Ireland", "IE"), ("Israel", "IL"),
    ("Italy", "IT"), ("Jamaica", "JM"), ("Japan", "JP"), ("Jordan", "JO"), ("Kazakhstan", "KZ"),
    ("Kenya", "KE"), ("Kiribati", "KI"), ("Kuwait", "KW"), ("Kyrgyzstan", "KG"), ("Lao PDR", "LA"),
    ("Latvia", "LV"), ("Lebanon", "LB"), ("Lesotho", "LS"), ("Liberia", "LR"), ("Libya", "LY"),
    ("Liechtenstein", "LI"), ("Lithuania", "LT"), ("Luxembourg", "LU"), ("Madagascar", "MG"),
    ("Malawi", "MW"), ("Malaysia", "MY"), ("Maldives", "MV"), ("Mali", "ML"), ("Malta", "MT"),
    ("Marshall Islands", "MH"), ("Mauritania", "MR"), ("Mauritius", "MU"), ("Mexico", "MX"),
    ("Micronesia", "FM"), ("Moldova", "MD"), ("Monaco", "MC"), ("Mongolia", "MN"), ("Montenegro", "ME"),
    ("Morocco", "MA"), ("Mozambique", "MZ"), ("Myanmar", "MM"), ("Namibia", "NA"), ("Nauru", "NR"),
    ("Nepal", "NP"), ("Netherlands", "NL"), ("New Zealand", "NZ"), ("Nicaragua", "NI"), ("Niger", "NE"),
    ("Nigeria", "NG"), ("North Macedonia", "MK"), ("Norway", "NO"), ("Oman", "OM"), ("Pakistan", "PK"),
    ("Palau", "PW"), ("Palestine", "PS"), ("Panama", "PA"), ("Papua New Guinea", "PG"), ("Paraguay", "PY"),
    ("Peru", "PE"), ("Philippines", "PH"), ("Poland", "PL"), ("Portugal", "PT"), ("Qatar", "QA"),
    ("Republic of Korea", "KR"), ("Romania", "RO"), ("Russian Federation", "RU"), ("Rwanda", "RW"),
    ("Saint Kitts and Nevis", "KN"), ("Saint Lucia", "LC"), ("Saint Vincent and the Grenadines", "VC"),
    ("Samoa", "WS"), ("San Marino", "SM"), ("Sao Tome and Principe", "ST"), ("Saudi Arabia", "SA"),
    ("Senegal", "SN"), ("Serbia", "RS"), ("Seychelles", "SC"), ("Sierra Leone", "SL"), ("Singapore", "SG"),
    ("Slovakia", "SK"), ("Slovenia", "SI"), ("Solomon Islands", "SB"), ("Somalia", "SO"),
    ("South Africa", "ZA"), ("South Sudan", "SS"), ("Spain", "ES"), ("Sri Lanka", "LK"), ("Sudan", "SD"),
    ("Suriname", "SR"), ("Sweden", "SE"), ("Switzerland", "CH"), ("Syrian Arab Republic", "SY"),
    ("Tajikistan", "TJ"), ("Tanzania", "TZ"), ("Thailand", "TH"), ("Timor-Leste", "TL"), ("Togo", "TG"),
    ("Tonga", "TO"), ("Trinidad and Tobago", "TT"), ("Tunisia", "TN"), ("Türkiye", "TR"),
    ("Turkmenistan", "TM"), ("Tuvalu", "TV"), ("Uganda", "UG"), ("Ukraine", "UA"),
    ("United Arab Emirates", "AE"), ("United Kingdom", "GB"), ("United States", "US"), ("Uruguay", "UY"),
    ("Uzbekistan", "UZ"), ("Vanuatu", "VU"), ("Venezuela", "VE"), ("Vietnam", "VN"), ("Yemen", "YE"),
    ("Zambia", "ZM"), ("Zimbabwe", "ZW"),
]  # fmt: skip

# Named regions a pledge may cover (no ISO code).
REGIONS = [
    "ASEAN member states", "Pacific Island countries", "Sahel region", "Horn of Africa",
    "Great Lakes region", "Caribbean small island states", "Western Balkans", "Central Asia",
]  # fmt: skip

# Countries whose National Society is a Red Crescent (the rest are Red Cross).
RED_CRESCENT = {
    "Afghanistan", "Algeria", "Azerbaijan", "Bahrain", "Bangladesh", "Brunei Darussalam", "Comoros",
    "Djibouti", "Egypt", "Iran", "Iraq", "Jordan", "Kazakhstan", "Kuwait", "Kyrgyzstan", "Libya",
    "Malaysia", "Maldives", "Mauritania", "Morocco", "Oman", "Pakistan", "Palestine", "Qatar",
    "Saudi Arabia", "Somalia", "Sudan", "Syrian Arab Republic", "Tajikistan", "Tunisia", "Türkiye",
    "Turkmenistan", "United Arab Emirates", "Uzbekistan", "Yemen",
}  # fmt: skip

CITIES = [
    "Bangkok", "Jakarta", "Manila", "Suva", "Nairobi", "Addis Ababa", "Geneva", "Dakar", "Amman",
    "Beirut", "Kathmandu", "Dhaka", "Colombo", "Canberra", "Melbourne", "Panama City", "Bogotá",
    "Lima", "Santiago", "Johannesburg", "Kampala", "Cairo", "Tunis", "Istanbul", "Tbilisi", "Almaty",
    "Ulaanbaatar", "Hanoi", "Phnom Penh", "Vientiane", "Kuala Lumpur", "Singapore", "Port Moresby",
    "Apia", "Nuku’alofa", "Port Vila", "Honiara", "Wellington", "Tokyo", "Seoul", "Beijing", "New Delhi",
    "Islamabad", "Kabul", "Doha", "Abu Dhabi", "Brussels", "Vienna", "Oslo", "Copenhagen", "Stockholm",
    "Helsinki", "Warsaw", "Kyiv", "Bucharest", "Belgrade", "Sarajevo", "Rome", "Madrid", "Lisbon",
    "Paris", "London", "Dublin", "Ottawa", "Washington", "Mexico City", "Guatemala City", "Havana",
    "Port-au-Prince", "Kingston", "Bridgetown", "Accra", "Abuja", "Niamey", "Bamako", "Ouagadougou",
    "N’Djamena", "Khartoum", "Juba", "Kigali", "Kinshasa", "Lusaka", "Harare", "Maputo", "Antananarivo",
]  # fmt: skip

THEMES = [
    "Migration", "Human trafficking", "Modern slavery", "Disaster risk reduction", "Climate adaptation",
    "Health emergencies", "Mental health and psychosocial support", "Restoring family links",
    "International humanitarian law", "Protection, gender and inclusion", "Localisation",
    "Cash and voucher assistance", "Water, sanitation and hygiene", "Shelter and settlements",
    "Food security and livelihoods", "First aid", "Volunteering", "Humanitarian diplomacy",
    "Disaster law", "Children’s rights", "Women’s rights", "Disability inclusion", "Anticipatory action",
    "Epidemic preparedness", "Access to justice",
]  # fmt: skip

# name, short name, kind, year, description
FORUMS = [
    ("33rd International Conference of the Red Cross and Red Crescent, 2019", "33IC", "conference", 2019,
     "Pledges made by States and components of the Movement at the 33rd International Conference."),
    ("34th International Conference of the Red Cross and Red Crescent, 2024", "34IC", "conference", 2024,
     "Pledges made at the 34th International Conference in Geneva."),
    ("Global Refugee Forum 2019", "GRF 2019", "conference", 2019, "The first Global Refugee Forum."),
    ("Global Refugee Forum 2023", "GRF 2023", "conference", 2023, "The second Global Refugee Forum."),
    ("World Humanitarian Summit", "WHS", "conference", 2016, "Commitments to action made in Istanbul."),
    ("Global Platform for Disaster Risk Reduction 2019", "GP2019", "conference", 2019, ""),
    ("Global Platform for Disaster Risk Reduction 2022", "GP2022", "conference", 2022, ""),
    ("Asia-Pacific Ministerial Conference on Disaster Risk Reduction 2022", "APMCDRR 2022", "conference", 2022, ""),
    ("UN Climate Change Conference (COP28)", "COP28", "conference", 2023, ""),
    ("Bali Process", None, "process", 2002,
     "The Bali Process on People Smuggling, Trafficking in Persons and Related Transnational Crime."),
    ("Colombo Process", None, "process", 2003, "A regional consultative process on overseas employment."),
    ("Global Compact for Safe, Orderly and Regular Migration", "GCM", "process", 2018, ""),
    ("Grand Bargain", None, "process", 2016, "Commitments to make humanitarian action more efficient."),
    ("Australia-China Human Rights Dialogue", None, "process", 1997,
     "In August 1997, China and Australia initiated a high level dialogue on human rights."),
    ("Pacific Humanitarian Partnership", "PHP", "process", 2015, ""),
    ("Sendai Framework Regional Platform for the Americas", None, "process", 2015, ""),
    ("ASEAN-Australia Counter Trafficking 2018–2028", "ASEAN-ACT", "programme", 2018,
     "10-year program (2018-2028) $A80 million"),
    ("Pacific Resilience Programme 2020–2026", "PRP", "programme", 2020, ""),
    ("Sahel Resilience Programme", None, "programme", 2021, ""),
    ("Urban Preparedness Programme", None, "programme", 2019, ""),
]  # fmt: skip

# Government bodies: the first is the one the co-chair accounts belong to by default.
GOVERNMENT_BODIES = [
    "Government of {c}", "Ministry of Foreign Affairs of {c}", "Ministry of Health of {c}",
    "Department of Home Affairs, {c}", "National Disaster Management Agency of {c}",
    "Ministry of Social Welfare of {c}", "Ministry of Labour and Employment of {c}",
    "Ministry of Justice of {c}", "Ministry of Women and Children of {c}",
    "Ministry of Environment and Climate Change of {c}",
]  # fmt: skip

INTERNATIONAL_ORGANISATIONS = [
    ("International Committee of the Red Cross", "ICRC"),
    ("International Federation of Red Cross and Red Crescent Societies", "IFRC"),
    ("United Nations High Commissioner for Refugees", "UNHCR"),
    ("International Organization for Migration", "IOM"),
    ("United Nations Children’s Fund", "UNICEF"),
    ("World Food Programme", "WFP"),
    ("World Health Organization", "WHO"),
    ("United Nations Office for the Coordination of Humanitarian Affairs", "OCHA"),
    ("United Nations Development Programme", "UNDP"),
    ("United Nations Office on Drugs and Crime", "UNODC"),
    ("International Labour Organization", "ILO"),
    ("UN Women", None),
    ("United Nations Population Fund", "UNFPA"),
    ("United Nations Office for Disaster Risk Reduction", "UNDRR"),
    ("ASEAN Secretariat", "ASEC"),
    ("Pacific Islands Forum Secretariat", "PIFS"),
    ("African Union Commission", "AUC"),
    ("Organization of American States", "OAS"),
    ("Asian Development Bank", "ADB"),
    ("World Bank", None),
]  # fmt: skip
INTERNATIONAL_REGIONS = [
    "Asia Pacific", "Pacific", "Southeast Asia", "South Asia", "East Africa", "West Africa", "Southern Africa",
    "Middle East and North Africa", "Latin America", "Caribbean", "Central Asia", "Europe", "Sahel", "Global",
]  # fmt: skip
INTERNATIONAL_TOPICS = [
    "Migration", "Disaster Law", "Climate Resilience", "Humanitarian Data", "Protection", "Cash Transfer",
    "Health Emergencies", "Anticipatory Action", "Counter-Trafficking", "Refugee Response", "Localisation",
    "Water and Sanitation", "Urban Resilience", "Early Warning",
]  # fmt: skip
INTERNATIONAL_BODIES = ["Network", "Commission", "Alliance", "Partnership", "Platform", "Centre", "Secretariat"]

CIVIL_SOCIETY_ADJECTIVES = [
    "Blue", "Green", "Open", "Bright", "Safe", "Common", "Shared", "New", "Rising", "Resilient", "Coastal",
    "Mountain", "River", "Island", "Southern", "Northern", "Eastern", "Western", "Unity", "Hope", "Bridge",
    "Harbour", "Lantern", "Compass", "Anchor", "Horizon", "Kindred", "Steady", "Clear", "Golden",
    "Silver", "Evergreen", "Crossroads", "Lighthouse", "Meridian", "Pathway", "Village", "Urban",
    "Rural", "Frontline",
]  # fmt: skip
CIVIL_SOCIETY_NOUNS = [
    "Dragon", "Harvest", "Shelter", "Water", "Futures", "Voices", "Hands", "Roots", "Wells", "Seeds", "Journeys",
    "Neighbours", "Rights", "Justice", "Migrants", "Children", "Women", "Elders", "Communities", "Learning",
    "Health", "Care", "Dignity", "Livelihoods", "Refuge", "Hearth", "Tides", "Fields", "Stepping Stones",
    "Horizons", "Lifelines", "Pathways", "Circles", "Threads", "Bridges", "Lanterns", "Harbours",
    "Footsteps", "Ties", "Commons",
]  # fmt: skip
CIVIL_SOCIETY_BODIES = [
    "Foundation", "Network", "Initiative", "Centre", "Association", "Trust", "Collective", "Alliance",
    "Society", "Coalition", "Project", "Institute",
]  # fmt: skip
OTHER_BODIES = [
    "{c} Human Rights Commission", "{c} Institute of Disaster Studies", "University of {c}, Centre for Migration Studies",
    "{c} Ombudsman", "{c} Chamber of Commerce", "{c} Bar Association",
]  # fmt: skip

FIRST_NAMES = [
    "Amina", "Ana", "Arjun", "Bao", "Carlos", "Chen", "Daniel", "Dewi", "Elena", "Emeka", "Fatima", "Felipe",
    "Grace", "Hana", "Hassan", "Ioana", "Isabel", "James", "Jia", "Joseph", "Kamala", "Kenji", "Lara",
    "Leilani", "Lucas", "Maria", "Mateo", "Mei", "Mohammed", "Nadia", "Nguyen", "Nikhil", "Noor", "Olga",
    "Omar", "Priya", "Rafael", "Rania", "Ruth", "Sam", "Sara", "Sione", "Sofia", "Tala", "Tariq", "Thandiwe",
    "Tomas", "Vanessa", "Wei", "Yusuf", "Zara", "Aroha", "Malia", "Kofi", "Ayesha", "Lena", "Pedro", "Siti",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Alvarez", "Banda", "Chowdhury", "Costa", "Dlamini", "Fernandes", "Fifita", "Garcia", "Haddad",
    "Hernandez", "Ibrahim", "Ito", "Jones", "Kaur", "Khan", "Kim", "Kowalski", "Lee", "Lopez", "Mensah",
    "Moreno", "Mwangi", "Nakamura", "Ng", "Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Perera", "Petrov",
    "Rahman", "Rossi", "Santos", "Sharma", "Silva", "Singh", "Smith", "Suarez", "Tan", "Taufa", "Tran",
    "Usman", "Vargas", "Wang", "Williams", "Wong", "Yamamoto", "Yilmaz", "Zhang", "Ruiz", "Owusu",
]  # fmt: skip

# --- the sentences -------------------------------------------------------------------------

GERUNDS = [
    "Strengthening", "Expanding", "Building", "Improving", "Supporting", "Protecting", "Scaling up",
    "Promoting", "Advancing", "Localising", "Reinforcing", "Investing in", "Ensuring", "Developing",
    "Coordinating", "Sustaining", "Integrating", "Championing",
]  # fmt: skip
VERBS = [
    "strengthen", "expand", "build", "improve", "support", "protect", "scale up", "promote", "advance",
    "localise", "reinforce", "invest in", "develop", "coordinate", "sustain", "integrate",
]  # fmt: skip
OBJECTS = [
    "community-based disaster risk reduction", "protection for vulnerable migrants", "access to safe water",
    "sanitation and hygiene promotion", "psychosocial support services", "restoring family links",
    "anticipatory action and early warning", "cash and voucher assistance", "first aid training",
    "health emergency preparedness", "humanitarian diplomacy", "dissemination of international humanitarian law",
    "climate adaptation in coastal communities", "prevention of sexual and gender-based violence",
    "child protection in emergencies", "shelter and settlements support", "voluntary blood donation",
    "volunteer management and safety", "locally led humanitarian action", "counter-trafficking referral pathways",
    "disability inclusion in disaster response", "epidemic and pandemic preparedness",
    "mental health and psychosocial support", "domestic legal frameworks for disaster response",
    "data protection in humanitarian action", "food security and resilient livelihoods",
    "community nutrition programmes", "heatwave preparedness", "search and rescue capacity",
    "school safety and preparedness", "urban resilience planning", "assistance to migrants in transit",
    "support to families of missing persons", "humane conditions of detention", "protection of health care",
    "explosive ordnance risk education", "cyclone preparedness", "flood early warning systems",
    "drought-resilient agriculture", "cholera prevention", "immunisation outreach",
    "victim-centred support for trafficked persons", "safe and dignified burials", "forecast-based financing",
]  # fmt: skip
GROUPS = [
    "displaced people", "migrants and refugees", "women and girls", "older people", "people with disabilities",
    "children and young people", "Indigenous communities", "survivors of trafficking", "host communities",
    "rural communities", "people living in informal settlements", "first responders", "volunteers",
    "health workers", "people in detention", "families of missing persons", "smallholder farmers",
    "fishing communities", "people on the move", "asylum seekers",
]  # fmt: skip
PLACE_PHRASES = [
    "the Asia Pacific", "the Pacific", "Southeast Asia", "South Asia", "East Africa", "the Sahel", "West Africa",
    "Southern Africa", "the Middle East and North Africa", "Central America", "the Caribbean",
    "the Andean region", "Central Asia", "the Western Balkans", "Europe", "the Horn of Africa",
    "the Great Lakes region", "small island developing states",
]  # fmt: skip
MEANS = [
    "volunteer networks", "regional partnerships", "community engagement", "joint training", "peer learning",
    "pooled funding", "shared data systems", "legislative reform", "multi-year programmes", "local partners",
]  # fmt: skip
PARTNERS = [
    "national authorities", "local governments", "civil society organisations", "the National Society",
    "United Nations agencies", "academic partners", "the private sector", "faith-based organisations",
    "community leaders", "regional bodies", "donor governments", "other Movement partners",
]  # fmt: skip
PAST_VERBS = [
    ("Trained", "in"), ("Reached", "with"), ("Supported", "with"), ("Equipped", "for"), ("Engaged", "in"),
    ("Assisted", "through"), ("Mobilised", "for"), ("Registered", "for"), ("Briefed", "on"),
]  # fmt: skip
PEOPLE = [
    "volunteers", "community members", "health workers", "teachers", "migrants", "households", "first responders",
    "government officials", "young people", "women leaders", "National Society staff", "police officers",
    "border officials", "school children", "families",
]  # fmt: skip
EVENTS = [
    "a regional roundtable", "a national workshop", "a simulation exercise", "a technical working group",
    "a study visit", "a consultation with communities", "a peer-learning exchange", "a high-level dialogue",
    "an online course", "a joint assessment", "a lessons-learned review", "a training of trainers",
]  # fmt: skip
PRODUCTS = [
    "guidance note", "training manual", "assessment report", "policy brief", "referral directory",
    "standard operating procedures", "evaluation report", "contingency plan", "toolkit", "research paper",
    "community feedback report", "annual progress report",
]  # fmt: skip
ASSETS = [
    "hygiene kits", "shelter toolkits", "water filters", "food parcels", "dignity kits", "solar lamps",
    "first aid kits", "tarpaulins", "cash grants", "mobile health clinics",
]  # fmt: skip
NEEDS = [
    "growing displacement linked to climate change", "rising food insecurity", "the risks migrants face in transit",
    "the lasting impact of the pandemic", "more frequent and intense disasters", "gaps in legal protection",
    "low trust in public services", "the needs of ageing populations", "increasing urban vulnerability",
]  # fmt: skip
CHANNELS = [
    "the Movement’s pledge reporting platform", "an annual public report", "the regional coordination group",
    "the national platform for disaster risk reduction", "our governing board", "the donor coordination forum",
]  # fmt: skip
HEADINGS = [
    "Strengthening regional cooperation, including:", "Supporting the broader Red Cross Red Crescent Movement:",
    "At national level:", "In partnership with government, we have:", "Community-level activities include:",
    "Training and capacity building:", "Research, policy and advocacy:", "Response operations:",
    "Joint progress towards this pledge includes:", "Preparedness measures:",
]  # fmt: skip
ACTIONS_INTROS = [
    "Joint progress towards this pledge includes:", "Progress so far:", "What has been done:",
    "Actions taken by the signatories include:",
]  # fmt: skip
FIGURE_LABELS = [
    ("people trained", "people"), ("volunteers mobilised", "volunteers"), ("households reached", "households"),
    ("people reached", "people"), ("workshops held", "workshops"), ("communities supported", "communities"),
    ("cash distributed", "AUD"), ("kits distributed", "kits"), ("referrals made", "referrals"),
    ("water points rehabilitated", "water points"), ("roundtables organised", "roundtables"),
    ("participants", None), ("schools covered", "schools"), ("staff deployed", "people"),
]  # fmt: skip
LINK_TITLES = [
    "Annual report", "Evaluation summary", "Press release", "Training curriculum", "Project page",
    "Workshop report", "Policy brief", "Photo story", "Case study", "Dataset",
]  # fmt: skip
LINK_HOSTS = [
    "www.example.org", "reports.example.org", "media.example.net", "data.example.org", "www.example.com",
    "library.example.int", "news.example.org",
]  # fmt: skip
CURRENCIES = ["AUD", "USD", "EUR", "CHF", "GBP", "NZD", "JPY", "SEK"]
BUDGET_NOTES = [
    "approximately, annually",
    "over the pledge period",
    "indicative",
    "subject to funding",
    "in kind and cash",
]
PERIOD_NOTES = ["ongoing", "18 months", "until further notice", "multi-year"]

OUTCOME_HEADINGS = [
    "On the role of civil society in identification and protection:",
    "Referring to the root causes of trafficking and labour exploitation, governments and CSOs can collaborate to:",
    "On the challenges of effective collaboration:", "Examples of good practices include:",
    "On data and evidence:", "On financing and resources:", "On legal and policy frameworks:",
    "On community engagement and accountability:", "On regional cooperation:", "Next steps agreed by participants:",
]  # fmt: skip
REVIEW_REASONS = [
    "Please say which coordination mechanism was formalised, and how.",
    "The update describes plans rather than results; report what was done.",
    "Attach or link the evidence mentioned in the update.",
    "Say how many people were reached and where.",
    "The recommendation covers two countries; the update covers one.",
]  # fmt: skip
VERIFY_COMMENTS = [
    "Verified against the published report.", "Confirmed by both co-chairs at the follow-up meeting.",
    "Evidence reviewed; well done.", "Verified; the guidance is now used by all participants.",
]  # fmt: skip

# Words the benchmark's searches use: each appears in the texts above, some often, some rarely.
SEARCH_WORDS = [
    "water", "volunteers", "cash", "trafficking", "cyclone", "resilience", "psychosocial", "drought",
    "cholera", "detention", "migrants", "shelter", "heatwave", "nutrition", "referral", "burials",
    "immunisation", "Pacific", "Sahel", "training", "flood", "diplomacy", "toolkit", "smallholder",
    "hygiene", "disability", "forecast", "schools", "legal", "early warning",
]  # fmt: skip


PLEDGE_TEMPLATES = [
    "{Org} will {verb} {object} for {group} in {place} by {year}.",
    "We commit to {verb} {object}, working closely with {partner} and {partner2}.",
    "This pledge builds on earlier work on {object2} and responds to {need}.",
    "By {year}, at least {number} {people} will have been {trained_or_reached} through {means}.",
    "Progress will be reported each year through {channel}.",
    "Particular attention will be paid to {group} and {group2}, whose needs are often overlooked.",
    "The signatories will {verb} {object2} in at least {small} countries of {place}.",
    "Activities include {object}, {object2} and {object3}.",
    "The commitment recognises that {object} is most effective when led by {group} themselves.",
    "Funding will be sought from {partner} to {verb} {object} over the pledge period.",
    "A joint steering group will meet twice a year to review progress on {object}.",
    "Lessons learned will be shared with {partner} across {place}.",
]


ACTION_TEMPLATES = [
    "{PastVerb} {number} {people} {prep} {object} in {where}.",
    "Held {event} on {object} with {partner} in {city}.",
    "Published a {product} on {object} for {group}.",
    "Distributed {number} {asset} to {group} in {where}.",
    "Co-hosted {event} with {partner} on {object}, attended by {small} organisations.",
    "Launched a pilot on {object} with {group} in {where}.",
    "Contributed to {event} on {object} convened by {partner}.",
    "Completed a review of {object} and shared the findings with {partner}.",
]


DETAIL_TEMPLATES = [
    "The activity was delivered with {partner} and focused on {group}.",
    "Participants identified {object} as a priority for the coming year.",
    "Feedback from {group} showed that {object} had improved since the previous assessment.",
    "A follow-up session is planned in {city} to {verb} {object2}.",
    "The {product} is available in {small} languages and has been shared with {partner}.",
    "Challenges included access constraints, staff turnover and {need}.",
    "This work contributes directly to the pledge's objective on {object}.",
    "Costs were covered by {partner}, with in-kind support from {partner2}.",
    "Of the {number} {people} reached, more than half were {group}.",
    "The approach will now be replicated in {small} further districts.",
    "An independent review recommended that the signatories {verb} {object2} next.",
    "Data were collected with informed consent and stored according to the data protection policy.",
]


ROUNDTABLE_TEMPLATES = [
    "The roundtable brought together {partner}, {partner2} and representatives of {group} to discuss {object}.",
    "Participants shared good practice on {object} and {object2} from across {place}.",
    "Discussions focused on how governments and civil society can {verb} {object} together.",
    "The co-chairs committed to follow through on the agreed outcomes and report back at the next meeting.",
    "Sessions covered {object}, {object2} and the needs of {group}.",
    "The meeting responded to {need}, which participants identified as a shared concern.",
]


OUTCOME_TEMPLATES = [
    "{verb} {object} for {group} through {means};",
    "develop a shared understanding of {object}, recognising different roles and mandates; and",
    "increase capacity for knowledge sharing on {object} across {place}",
    "build formal and informal networks to {verb} {object2}",
    "{verb} {object} with {partner}, including through {means}; and",
    "ensure that {group} are consulted on {object}",
    "share data and evidence on {object} with {partner}",
]


RECOMMENDATION_TAIL_TEMPLATES = [
    "Owners will report progress to the co-chairs every six months.",
    "This should include a clear plan for {object2} with {partner}.",
    "Priority should be given to {group} in {place}.",
    "Progress will be measured against the baseline agreed at the roundtable.",
    "The work should build on existing {means} rather than create new structures.",
]


PROGRESS_TEMPLATES = [
    "Shared the roundtable outcomes with {partner} and began mapping existing work on {object}.",
    "Held {event} with {partner} to agree next steps on {object}.",
    "Drafted a {product} on {object}; consultation with {group} is under way.",
    "Mapped the existing referral pathways with {partner}; draft procedures are under discussion.",
    "Secured funding from {partner} to {verb} {object} in {small} countries.",
    "Progress slowed because of {need}; a revised timeline has been agreed with the co-chairs.",
    "Completed the first phase: {number} {people} {trained_or_reached} on {object}.",
]


COMPLETION_TEMPLATES = [
    "Published the {product} on {object} and circulated it to every participant.",
    "Brought governments and CSOs together at {event} to share information and good practice on {object}.",
    "Established a network of focal points on {object}, which now meets quarterly.",
    "Completed {event} on {object}; {number} {people} took part.",
]

COUNTRY_NAMES = [name for name, _ in COUNTRIES]


# --- small helpers --------------------------------------------------------------------------


def scaled(name: str, scale: float) -> int:
    return max(1, round(PER_SCALE[name] * scale))


class FastRandom(random.Random):
    """`random.Random` whose choice and randint take one call to random(): several times
    faster than the library's exact-integer versions, which dominate a run's time otherwise.
    Still fully determined by the seed."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


_CUMULATIVE: dict[int, tuple[list, list[float]]] = {}


def _cumulative(weights) -> tuple[list, list[float]]:
    """Keys and cumulative weights of a constant table (a list: its indexes; a dict: its keys)."""
    found = _CUMULATIVE.get(id(weights))
    if found is None:
        keys = list(weights) if isinstance(weights, dict) else list(range(len(weights)))
        values = list(weights.values()) if isinstance(weights, dict) else list(weights)
        found = _CUMULATIVE[id(weights)] = (keys, list(accumulate(values)))
    return found


def weighted_index(rng: random.Random, weights: list[float]) -> int:
    """An index of the module-level table `weights`, drawn in proportion to its values."""
    keys, cumulative = _cumulative(weights)
    return keys[bisect_left(cumulative, rng.random() * cumulative[-1])]


def weighted_key(rng: random.Random, weights: dict):
    """A key of the module-level table `weights`, drawn in proportion to its values."""
    keys, cumulative = _cumulative(weights)
    return keys[bisect_left(cumulative, rng.random() * cumulative[-1])]


def between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A moment in [start, end], to the second (start itself when the span is empty)."""
    seconds = int((end - start).total_seconds())
    if seconds <= 0:
        return start
    return start + dt.timedelta(seconds=rng.randint(0, seconds))


def at_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A working-hours moment of `day`."""
    return dt.datetime.combine(day, dt.time(8, 0)) + dt.timedelta(seconds=rng.randint(0, 10 * 3600))


def allocate(weights: list[float], total: int, minimums: dict[int, int] | None = None) -> list[int]:
    """Whole counts in proportion to `weights`, adding up to `total` exactly (largest
    remainders first), each at least its minimum (taken from the largest counts)."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights, weight_sum = [1.0] * len(weights), float(len(weights))
    shares = [w / weight_sum * total for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    minimums = minimums or {}
    deficit = sum(max(0, low - counts[i]) for i, low in minimums.items())
    for i, low in minimums.items():
        counts[i] = max(counts[i], low)
    donors = sorted(range(len(counts)), key=lambda i: (-counts[i], i))
    while deficit > 0:
        gave = False
        for i in donors:
            if deficit == 0:
                break
            if counts[i] > max(minimums.get(i, 0), 1):
                counts[i] -= 1
                deficit -= 1
                gave = True
        if not gave:
            break  # too few to go round: the total is exceeded rather than a minimum missed
    return counts


def bench_password_hash(rng: random.Random) -> str:
    """`BENCH_PASSWORD` hashed as werkzeug's generate_password_hash(…, BENCH_PASSWORD_METHOD)
    would, with a salt from `rng` instead of the system's (a random salt would make every
    run's database differ); checked with werkzeug's own check_password_hash."""
    _, digest, rounds = BENCH_PASSWORD_METHOD.split(":")
    salt = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))
    key = hashlib.pbkdf2_hmac(digest, BENCH_PASSWORD.encode(), salt.encode(), int(rounds)).hex()
    hashed = f"{BENCH_PASSWORD_METHOD}${salt}${key}"
    assert check_password_hash(hashed, BENCH_PASSWORD)
    return hashed


def as_statement(outcome: str) -> str:
    """An outcome as a sentence of its own (as `Outcome.as_recommendation`, with a full stop)."""
    text = outcome.strip()
    for ending in ("; and", ";", " and"):
        text = text.removesuffix(ending)
    return text[:1].upper() + text[1:] + "."


def acronym(name: str) -> str:
    words = [w for w in name.replace(",", " ").replace("-", " ").split() if w[:1].isupper() and w not in ("The",)]
    return "".join(w[0] for w in words)[:12]


def region_name(phrase: str) -> str:
    """ "the Pacific" → "Pacific"; "small island developing states" → "Small island developing states"."""
    phrase = phrase.removeprefix("the ")
    return phrase[:1].upper() + phrase[1:]


def ascii_slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum()) or "org"


class UniqueSlugs:
    """Slugs as the app makes them (`operations.slugify`, then -2, -3 … when taken)."""

    def __init__(self, slugify, reserved):
        self.slugify = slugify
        self.taken = set(reserved)

    def __call__(self, text: str) -> str:
        base = self.slugify(text)
        slug, n = base, 1
        while slug in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self.taken.add(slug)
        return slug


# --- prose ------------------------------------------------------------------------------------


class _Slots(dict):
    """Template slots, each filled once per sentence, on first use."""

    def __init__(self, prose: Prose):
        super().__init__()
        self.prose = prose

    def __missing__(self, key):
        value = self.prose.slot(key, self)
        self[key] = value
        return value


PARAGRAPH_ALLOWANCE = 10


class Prose:
    """Humanitarian sentences from templates. Texts are drawn from pools of sentences filled
    once (fast: a template costs ten times a draw from a pool); titles are filled afresh."""

    POOL_SIZE = 4_000
    ACTION_POOL_SIZE = 12_000  # summaries are one to three of these: nearly all different

    def __init__(self, rng: random.Random):
        self.rng = rng

    @cached_property
    def pledge_pool(self) -> list[str]:
        return self._pool(PLEDGE_TEMPLATES, 30, 200)

    @cached_property
    def detail_pool(self) -> list[str]:
        return self._pool(DETAIL_TEMPLATES, 30, 200)

    @cached_property
    def roundtable_pool(self) -> list[str]:
        return self._pool(ROUNDTABLE_TEMPLATES, 30, 200)

    @cached_property
    def action_pool(self) -> list[str]:
        return self._pool(ACTION_TEMPLATES, 40, 200, self.ACTION_POOL_SIZE)

    def _pool(self, templates, shortest, longest, size=POOL_SIZE) -> list[str]:
        pool = []
        while len(pool) < size:
            sentence = self.fill(self.rng.choice(templates))
            if shortest <= len(sentence) <= longest:
                pool.append(sentence)
        return pool

    def fill(self, template: str) -> str:
        text = template.format_map(_Slots(self))
        return text[:1].upper() + text[1:]

    def slot(self, key: str, slots: dict) -> str:
        rng = self.rng
        choice = rng.choice
        if key in ("object", "object2", "object3"):
            return choice(OBJECTS)
        if key == "Object":
            return choice(OBJECTS).capitalize()
        if key in ("group", "group2"):
            return choice(GROUPS)
        if key in ("partner", "partner2"):
            return choice(PARTNERS)
        if key == "verb":
            return choice(VERBS)
        if key == "Gerund":
            return choice(GERUNDS)
        if key == "place":
            return choice(PLACE_PHRASES)
        if key == "where":
            return choice(COUNTRY_NAMES) if rng.random() < 0.6 else choice(PLACE_PHRASES)
        if key == "city":
            return choice(CITIES)
        if key == "year":
            return str(rng.randint(2020, 2030))
        if key == "small":
            return str(rng.randint(2, 12))
        if key == "number":
            return f"{int(10 ** rng.uniform(1.3, 4.7)):,}"
        if key == "people":
            return choice(PEOPLE)
        if key == "trained_or_reached":
            return choice(("trained", "reached", "supported", "engaged"))
        if key == "means":
            return choice(MEANS)
        if key == "channel":
            return choice(CHANNELS)
        if key == "need":
            return choice(NEEDS)
        if key == "event":
            return choice(EVENTS)
        if key == "product":
            return choice(PRODUCTS)
        if key == "asset":
            return choice(ASSETS)
        if key == "Org":
            return choice(
                (
                    "The National Society",
                    "The signatories",
                    "Together, the signatories",
                    "The Government",
                    "Our organisation",
                    "The partners",
                )
            )
        if key in ("PastVerb", "prep"):
            verb, prep = choice(PAST_VERBS)
            slots["PastVerb"], slots["prep"] = verb, prep
            return slots[key]
        raise KeyError(key)

    def compose(self, pool: list[str], low: int, high: int, paragraphs: bool = True) -> str:
        """Sentences from `pool` making `low`–`high` characters, in paragraphs of 2–4."""
        draw = self.rng.random
        size = len(pool)
        if paragraphs:
            high -= PARAGRAPH_ALLOWANCE  # each paragraph break is a character longer than a space
        target = low + int(draw() * (high - low + 1))
        parts: list[str] = []
        length = -1
        for _ in range(200):
            sentence = pool[int(draw() * size)]
            longer = length + 1 + len(sentence)
            if longer > high:
                if length >= low:
                    break
                continue
            parts.append(sentence)
            length = longer
            if length >= target:
                break
        if not paragraphs or len(parts) < 3:
            return " ".join(parts)
        out, i = [], 0
        while i < len(parts):
            n = 2 + int(draw() * 3)
            out.append(" ".join(parts[i : i + n]))
            i += n
        return "\n\n".join(out)

    def title(self, low: int, high: int) -> str:
        templates = (
            "{Gerund} {object} for {group} in {place}",
            "{Gerund} {object} in {where}",
            "{Gerund} {object} through {means}",
            "{Object} for {group}",
            "{Gerund} {object} and {object2}",
            "Joint pledge on {object} in {place}",
            "{Gerund} {object} for {group}, {year}",
        )
        for _ in range(20):
            title = self.fill(self.rng.choice(templates))
            if low <= len(title) <= high:
                return title
        return title[:high].rsplit(" ", 1)[0]

    def summary(self) -> str:
        return self.compose(self.action_pool, *ACTION_SUMMARY, paragraphs=False)

    def fresh(self, templates, low: int, high: int, extra_pool: list[str] | None = None) -> str:
        text = self.fill(self.rng.choice(templates))
        pool = extra_pool or self.detail_pool
        for _ in range(10):
            if len(text) >= low:
                break
            sentence = self.rng.choice(pool)
            if len(text) + 1 + len(sentence) <= high:
                text += " " + sentence
        return text[:high]


# --- loading ----------------------------------------------------------------------------------


class TableWriter:
    """Loads rows (tuples in the order of `columns`) into the open transaction of
    `connection`: COPY on PostgreSQL, executemany in batches on SQLite, applying the
    column types' own conversions there (dates, booleans, JSON) as the ORM would."""

    def __init__(self, connection, metadata):
        self.connection = connection
        self.metadata = metadata
        self.postgres = connection.dialect.name == "postgresql"
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self._prepared: dict[str, tuple] = {}

    def write(self, name: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if name in SEARCHED:  # its search words, as the app keeps them (tracker/core/search.py)
            from tracker.core.search import words

            at = [columns.index(text) for text in SEARCHED[name] if text in columns]  # others: NULL
            columns = (*columns, "search_text")
            rows = [(*row, "\n".join(" ".join(words(row[i])) for i in at if row[i])) for row in rows]
        if name not in self._prepared:
            self._prepared[name] = self._prepare(name, columns)
        self.rows[name] += 0
        if not rows:
            return
        started = time.perf_counter()
        if self.postgres:
            self._copy(name, rows)
        else:
            self._insert(name, rows)
        self.rows[name] += len(rows)
        self.seconds[name] += time.perf_counter() - started

    def report(self, *names: str) -> None:
        for name in names:
            print(f"  {name:<26} {self.rows[name]:>11,} rows  {self.seconds[name]:7.1f} s loading", flush=True)

    def _prepare(self, name: str, columns: tuple[str, ...]) -> tuple:
        table = self.metadata.tables[name]
        missing, unknown = set(table.c.keys()) - set(columns), set(columns) - set(table.c.keys())
        missing -= set(LEFT_EMPTY.get(name, ()))
        if missing or unknown:
            raise RuntimeError(
                f"table {name}: columns not generated {sorted(missing)}, unknown {sorted(unknown)}; "
                "the models changed since bench/generate.py was written"
            )
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            json_columns = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.JSON)]
            return f'COPY "{name}" ({names}) FROM STDIN', json_columns
        dialect = self.connection.dialect
        processors = []
        for i, column in enumerate(columns):
            processor = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors.append((i, processor))
        statement = f'INSERT INTO "{name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        return statement, processors

    def _copy(self, name: str, rows: list[tuple]) -> None:
        statement, json_columns = self._prepared[name]
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            write_row = copy.write_row
            if json_columns:
                for row in rows:
                    row = list(row)
                    for i in json_columns:
                        row[i] = json.dumps(row[i])
                    write_row(row)
            else:
                for row in rows:
                    write_row(row)

    def _insert(self, name: str, rows: list[tuple]) -> None:
        statement, processors = self._prepared[name]
        for start in range(0, len(rows), SQLITE_BATCH_ROWS):
            batch = rows[start : start + SQLITE_BATCH_ROWS]
            if processors:
                converted = []
                for row in batch:
                    row = list(row)
                    for i, processor in processors:
                        if row[i] is not None:
                            row[i] = processor(row[i])
                    converted.append(tuple(row))
                batch = converted
            self.connection.exec_driver_sql(statement, batch)


# --- the records, as the generator keeps them between tables ----------------------------------


@dataclass(slots=True)
class Org:
    id: int
    name: str
    kind: str
    country: str | None
    confirmed: bool


@dataclass(slots=True)
class PledgeRecord:
    id: int
    slug: str
    title: str
    text: str
    status: str
    signatories: list[int]  # organisation ids, the lead first
    themes: list[int]
    countries: list[int]
    forum_id: int | None
    created_at: dt.datetime
    published_at: dt.datetime | None
    completed_at: dt.datetime | None
    bench: bool
    actions: int = 0  # current (not withdrawn)


@dataclass(slots=True)
class RoundtableRecord:
    id: int
    slug: str
    co_chairs: list[int]
    participants: list[int]
    created_at: dt.datetime
    groups: list[tuple[int, list[tuple[int, str]]]]  # (group id, [(outcome id, text)])
    bench: bool


@dataclass
class History:
    """History entries, collected from every table and written last in time order."""

    events: list[tuple] = field(default_factory=list)

    def add(self, at, actor, record_type, record_id, timeline_type, timeline_id, event,
            from_state=None, to_state=None, changes=None, comment=None):  # fmt: skip
        self.events.append(
            (
                at,
                actor,
                record_type,
                record_id,
                timeline_type,
                timeline_id,
                event,
                from_state,
                to_state,
                changes or {},
                comment,
            )
        )


# --- the generator ------------------------------------------------------------------------------


class Generator:
    def __init__(self, scale: float, seed: int, writer: TableWriter, slugify, reserved_slugs):
        self.scale = scale
        self.seed = seed
        self.w = writer
        self.slugify = slugify
        self.reserved_slugs = reserved_slugs
        self.history = History()
        self.prose: Prose | None = None
        self.password_hash = bench_password_hash(self.rng("password"))

    def rng(self, part: str) -> random.Random:
        """A generator of its own for each part, so a change to one part leaves the others'
        values as they were."""
        return FastRandom(f"{self.seed}:{part}")

    def run(self, after_step=None) -> None:
        """Every table, in the order of their foreign keys; `after_step` is called after
        each group of tables is loaded."""
        for step in (self.reference_data, self.organisations, self.users, self.pledges, self.actions,
                     self.roundtables, self.recommendations, self.write_history):  # fmt: skip
            started = time.perf_counter()
            self.prose = Prose(self.rng(f"prose:{step.__name__}"))  # each step its own texts
            step()
            if after_step:
                after_step()
            print(f"  ({step.__name__.replace('_', ' ')}: {time.perf_counter() - started:.1f} s)", flush=True)

    # Countries, themes, forums.

    def reference_data(self) -> None:
        from tracker.taxonomy.regions import region_of

        rows = [(i, name, iso, region_of(iso)) for i, (name, iso) in enumerate(COUNTRIES, start=1)]
        self.country_ids = [row[0] for row in rows]
        for name in REGIONS:
            rows.append((len(rows) + 1, name, None, None))
        self.region_ids = [row[0] for row in rows[len(COUNTRIES) :]]
        slugs = UniqueSlugs(lambda name: self.slugify(name, max_length=100), ())
        rows = [(*row, slugs(row[1])) for row in rows]
        self.w.write("countries", ("id", "name", "iso_code", "region", "slug"), rows)

        self.theme_slugs = {i: self.slugify(name) for i, name in enumerate(THEMES, start=1)}
        self.w.write(
            "themes", ("id", "name", "slug"), [(i, name, self.theme_slugs[i]) for i, name in enumerate(THEMES, start=1)]
        )

        rows = [(i, *forum, self.slugify(forum[0], max_length=100)) for i, forum in enumerate(FORUMS, start=1)]
        self.w.write("forums", ("id", "name", "short_name", "kind", "year", "description", "slug"), rows)
        self.forums = {row[0]: (row[1], row[2], row[3]) for row in rows}  # id: (name, short name, kind)
        self.w.report("countries", "themes", "forums")

    # Organisations.

    def organisations(self) -> None:
        rng = self.rng("organisations")
        total = max(MINIMUM_ORGANISATIONS, scaled("organisations", self.scale))
        counts = {kind: round(total * share) for kind, share in ORGANISATION_KINDS.items()}
        counts["national_society"] = max(counts["national_society"], 1)
        counts["government"] = max(counts["government"], 3)
        counts["international_organisation"] = max(counts["international_organisation"], 1)
        counts["civil_society"] = max(1, total - sum(v for k, v in counts.items() if k != "civil_society"))
        unconfirmed = round(total * UNCONFIRMED_ORGANISATIONS)

        names = {
            "national_society": self._national_societies(rng),
            "government": self._governments(rng),
            "international_organisation": self._internationals(rng),
            "civil_society": self._civil_society(rng),
            "other": self._others(rng),
        }
        made = []  # (name, short name, kind, country, confirmed)
        for kind, count in counts.items():
            for _ in range(count):
                name, short, country = next(names[kind])
                made.append((name, short, kind, country, True))
        # The bench organisations: the first National Society and the first government made.
        bench_staff_name = made[0][0]
        bench_government_name = made[counts["national_society"]][0]
        for n in range(unconfirmed):
            made.append((f"{rng.choice(CIVIL_SOCIETY_ADJECTIVES)} {rng.choice(CIVIL_SOCIETY_NOUNS)} Community Group {n + 1}",
                         None, "other", None, False))  # fmt: skip
        rng.shuffle(made)

        rows, self.orgs = [], {}
        for i, (name, short, kind, country, confirmed) in enumerate(made, start=1):
            if short is None and confirmed and rng.random() < ORGANISATIONS_WITH_SHORT_NAME and len(acronym(name)) >= 2:
                short = acronym(name)
            created = between(rng, EARLIEST_TIME - dt.timedelta(days=90), EARLIEST_TIME)
            rows.append((i, name, short, kind, country, confirmed, created))
            self.orgs[i] = Org(i, name, kind, country, confirmed)
            if name == bench_staff_name:
                self.bench_staff_org = i
            if name == bench_government_name:
                self.bench_government = i
        slugs = UniqueSlugs(lambda name: self.slugify(name, max_length=100), ())
        self.w.write(
            "organisations",
            ("id", "name", "short_name", "kind", "country", "confirmed", "created_at", "slug"),
            [(*row, slugs(row[1])) for row in rows],
        )
        self.short_names = {row[0]: row[2] for row in rows}
        self.confirmed_ids = [o.id for o in self.orgs.values() if o.confirmed]
        self.unconfirmed_ids = [o.id for o in self.orgs.values() if not o.confirmed]
        self.government_ids = [o.id for o in self.orgs.values() if o.kind == "government"]
        self.international_ids = [o.id for o in self.orgs.values() if o.kind == "international_organisation"]
        self.w.report("organisations")

    def _national_societies(self, rng):
        countries = [name for name, _ in COUNTRIES]
        rng.shuffle(countries)
        for country in countries:
            movement = "Red Crescent" if country in RED_CRESCENT else "Red Cross"
            yield f"{country} {movement} Society", None, country
        for branch in ("Northern", "Southern", "Eastern", "Western", "Central", "Capital", "Coastal", "Highlands"):
            for country in countries:
                movement = "Red Crescent" if country in RED_CRESCENT else "Red Cross"
                yield f"{country} {movement} Society, {branch} Branch", None, country
        yield from self._numbered("National Society", rng)

    def _governments(self, rng):
        countries = [name for name, _ in COUNTRIES]
        rng.shuffle(countries)
        for body in GOVERNMENT_BODIES:
            for country in countries:
                yield body.format(c=country), None, country
        yield from self._numbered("Government agency", rng)

    def _internationals(self, rng):
        for name, short in INTERNATIONAL_ORGANISATIONS:
            yield name, short, None
        combinations = [
            (r, t, b) for r in INTERNATIONAL_REGIONS for t in INTERNATIONAL_TOPICS for b in INTERNATIONAL_BODIES
        ]
        rng.shuffle(combinations)
        for region, topic, body in combinations:
            yield f"{region} {topic} {body}", None, None
        yield from self._numbered("International body", rng)

    def _civil_society(self, rng):
        combinations = [
            (a, n, b) for a in CIVIL_SOCIETY_ADJECTIVES for n in CIVIL_SOCIETY_NOUNS for b in CIVIL_SOCIETY_BODIES
        ]
        rng.shuffle(combinations)
        for adjective, noun, body in combinations:
            yield f"{adjective} {noun} {body}", None, rng.choice(COUNTRY_NAMES)
        yield from self._numbered("Civil society organisation", rng)

    def _others(self, rng):
        countries = [name for name, _ in COUNTRIES]
        rng.shuffle(countries)
        for body in OTHER_BODIES:
            for country in countries:
                yield body.format(c=country), None, country
        yield from self._numbered("Organisation", rng)

    @staticmethod
    def _numbered(prefix, rng):
        n = 0
        while True:
            n += 1
            yield f"{prefix} {n}", None, rng.choice(COUNTRY_NAMES)

    # Accounts.

    def users(self) -> None:
        rng = self.rng("users")
        rows = []
        self.staff_of: dict[int, list[int]] = defaultdict(list)  # active staff accounts per organisation
        self.co_chairs_of: dict[int, list[int]] = defaultdict(list)  # active co-chair accounts
        self.admin_ids: list[int] = []

        def add(email, name, role, org_id, *, always_active=False):
            user_id = len(rows) + 1
            active, password = True, self.password_hash
            if not always_active:
                roll = rng.random()
                if roll < INACTIVE_ACCOUNTS:
                    active = False
                elif roll < INACTIVE_ACCOUNTS + INVITED_ACCOUNTS:
                    password = None
            created = between(rng, EARLIEST_TIME - dt.timedelta(days=60), EARLIEST_TIME + dt.timedelta(days=700))
            rows.append((user_id, email.lower(), name, password, role, org_id, active, created))
            if active and password:  # who can have acted: authors, reviewers, history's actors
                if role == "staff":
                    self.staff_of[org_id].append(user_id)
                elif role == "co_chair":
                    self.co_chairs_of[org_id].append(user_id)
                else:
                    self.admin_ids.append(user_id)
            return user_id

        def person():
            return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)

        def email_of(first, last, org_id):
            domain = ascii_slug(self.short_names.get(org_id) or f"org{org_id}") if org_id else "tracker"
            return f"{first}.{last}.{len(rows) + 1}@{domain}.example.org"

        add(ADMIN_EMAIL, "Bench admin", "admin", None, always_active=True)
        for _ in range(EXTRA_ADMINS):
            first, last = person()
            add(email_of(first, last, None), f"{first} {last}", "admin", None)
        add(STAFF_EMAIL, "Bench staff", "staff", self.bench_staff_org, always_active=True)
        add(COCHAIR_EMAIL, "Bench co-chair", "co_chair", self.bench_government, always_active=True)
        for org in self.orgs.values():
            if org.kind in ("government", "international_organisation"):
                # The first co-chair account is always in use: every review has a reviewer.
                for n in range(2 if rng.random() < SECOND_CO_CHAIR_ACCOUNT else 1):
                    first, last = person()
                    add(email_of(first, last, org.id), f"{first} {last}", "co_chair", org.id, always_active=n == 0)
            if org.confirmed and (rng.random() < ORGANISATIONS_WITH_STAFF or org.id == self.bench_staff_org):
                for _ in range(rng.randint(*STAFF_PER_ORGANISATION)):
                    first, last = person()
                    add(email_of(first, last, org.id), f"{first} {last}", "staff", org.id)
        self.w.write(
            "users", ("id", "email", "name", "password_hash", "role", "organisation_id", "active", "created_at"), rows
        )
        self.w.report("users")

    def staff_member(self, rng, org_id) -> int | None:
        staff = self.staff_of.get(org_id)
        return rng.choice(staff) if staff else None

    def co_chair_member(self, rng, org_ids) -> int | None:
        accounts = [u for org_id in org_ids for u in self.co_chairs_of.get(org_id, ())]
        return rng.choice(accounts) if accounts else None

    # Pledges.

    def pledges(self) -> None:
        rng = self.rng("pledges")
        prose = self.prose
        total = scaled("pledges", self.scale)
        bench_count = min(max(BENCH_LEAD_MINIMUM, round(total * BENCH_LEAD_SHARE)), int(total * BENCH_LEAD_CAP))
        bench = set(rng.sample(range(total), bench_count))
        created = sorted(between(rng, EARLIEST_TIME, REFERENCE_TIME - dt.timedelta(days=20)) for _ in range(total))

        leads = [org_id for org_id in self.confirmed_ids if org_id != self.bench_staff_org]
        rng.shuffle(leads)
        lead_weights = list(accumulate(1 / (rank + LEAD_CONCENTRATION) for rank in range(len(leads))))
        forum_ids = list(self.forums)
        forum_weights = [3 if self.forums[f][2] == "conference" else 1 for f in forum_ids]
        slugs = UniqueSlugs(self.slugify, self.reserved_slugs)

        self.pledge_list: list[PledgeRecord] = []
        pledge_rows, signatory_rows, theme_rows, country_rows = [], [], [], []
        for index in range(total):
            pledge_id = index + 1
            is_bench = index in bench
            if is_bench:
                status = "in_progress" if rng.random() < BENCH_LEAD_IN_PROGRESS else "done"
                lead = self.bench_staff_org
            else:
                status = weighted_key(rng, PLEDGE_STATES)
                lead = leads[bisect_left(lead_weights, rng.random() * lead_weights[-1])]
            signatories = [lead]
            for _ in range(weighted_index(rng, CO_SIGNATORIES)):
                pool = (
                    self.unconfirmed_ids
                    if self.unconfirmed_ids and rng.random() < UNCONFIRMED_CO_SIGNATORY
                    else self.confirmed_ids
                )
                candidate = rng.choice(pool)
                if candidate not in signatories:
                    signatories.append(candidate)
            themes = rng.sample(list(self.theme_slugs), weighted_index(rng, PLEDGE_THEMES) + 1)
            countries = []
            for _ in range(weighted_index(rng, PLEDGE_COUNTRIES)):
                candidate = rng.choice(self.region_ids if rng.random() < COUNTRY_IS_A_REGION else self.country_ids)
                if candidate not in countries:
                    countries.append(candidate)

            title = prose.title(*PLEDGE_TITLE)
            text = prose.compose(prose.pledge_pool, *PLEDGE_TEXT)
            created_at = created[index]
            published_at = completed_at = None
            if status != "draft":
                published_at = min(between(rng, created_at + dt.timedelta(hours=1), created_at + dt.timedelta(days=60)),
                                   REFERENCE_TIME - dt.timedelta(days=10))  # fmt: skip
            if status == "done":
                if published_at + dt.timedelta(days=120) < REFERENCE_TIME - dt.timedelta(hours=2):
                    completed_at = between(
                        rng, published_at + dt.timedelta(days=120), REFERENCE_TIME - dt.timedelta(hours=2)
                    )
                else:  # published lately: done half-way to the reference time
                    completed_at = (published_at + (REFERENCE_TIME - published_at) / 2).replace(microsecond=0)
            author = self.staff_member(rng, lead)
            forum_id = rng.choices(forum_ids, forum_weights)[0] if rng.random() < PLEDGE_WITH_FORUM else None
            period_start = period_end = period_note = None
            if rng.random() < PLEDGE_WITH_PERIOD:
                period_start = min(2026, created_at.year + rng.randint(-1, 1))
                if rng.random() < 0.6:
                    period_end = period_start + rng.randint(1, 5)
                elif rng.random() < 0.5:
                    period_note = "ongoing"
            elif rng.random() < 0.1:
                period_note = rng.choice(PERIOD_NOTES)
            budget_amount = budget_currency = budget_note = None
            if rng.random() < PLEDGE_WITH_BUDGET:
                budget_amount = Decimal(rng.randrange(10_000, 50_000_000, 500))
                budget_currency = rng.choice(CURRENCIES)
                budget_note = rng.choice(BUDGET_NOTES) if rng.random() < 0.3 else None
            contact_name = contact_email = None
            if rng.random() < PLEDGE_WITH_CONTACT:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                contact_name = f"{first} {last}"
                contact_email = (
                    f"{first}.{last}@{ascii_slug(self.short_names.get(lead) or f'org{lead}')}.example.org".lower()
                )
            updated_at = completed_at or published_at or created_at
            version = {"draft": 1, "in_progress": 2, "done": 3}[status]
            slug = slugs(title)
            pledge_rows.append((
                pledge_id, slug, title, text, status, forum_id,
                region_name(rng.choice(PLACE_PHRASES)) if rng.random() < PLEDGE_WITH_REGION else None,
                period_start, period_end, period_note, budget_amount, budget_currency, budget_note,
                rng.choice(ACTIONS_INTROS) if rng.random() < PLEDGE_WITH_ACTIONS_INTRO else None,
                contact_name, contact_email, published_at, completed_at, created_at, updated_at, author, version,
                updated_at,  # changed_at, until its actions are counted (fill_pledge_activity)
            ))  # fmt: skip
            signatory_rows += [
                (pledge_id, org_id, position == 0, position) for position, org_id in enumerate(signatories)
            ]
            theme_rows += [(pledge_id, theme_id) for theme_id in themes]
            country_rows += [(pledge_id, country_id) for country_id in countries]
            self.pledge_list.append(PledgeRecord(
                pledge_id, slug, title, text, status, signatories, themes, countries, forum_id,
                created_at, published_at, completed_at, is_bench,
            ))  # fmt: skip

            self.history.add(created_at, author, "pledge", pledge_id, "pledge", pledge_id, "created", to_state="draft")
            if published_at:
                self.history.add(
                    published_at, author, "pledge", pledge_id, "pledge", pledge_id, "start", "draft", "in_progress"
                )
            if completed_at:
                self.history.add(
                    completed_at, author, "pledge", pledge_id, "pledge", pledge_id, "complete", "in_progress", "done"
                )

        self.w.write("pledges", (
            "id", "slug", "title", "text", "status", "forum_id", "region", "period_start", "period_end", "period_note",
            "budget_amount", "budget_currency", "budget_note", "actions_intro", "contact_name", "contact_email",
            "published_at", "completed_at", "created_at", "updated_at", "created_by_id", "version", "changed_at",
        ), pledge_rows)  # fmt: skip
        self.w.write("pledge_signatories", ("pledge_id", "organisation_id", "is_lead", "position"), signatory_rows)
        self.w.write("pledge_themes", ("pledge_id", "theme_id"), theme_rows)
        self.w.write("pledge_countries", ("pledge_id", "country_id"), country_rows)
        self.w.report("pledges", "pledge_signatories", "pledge_themes", "pledge_countries")

    # Actions taken.

    def _action_counts(self) -> list[int]:
        rng = self.rng("action-counts")
        weights, minimums = [], {}
        for i, pledge in enumerate(self.pledge_list):
            if pledge.status == "draft" or (
                pledge.status == "in_progress" and rng.random() < IN_PROGRESS_WITHOUT_ACTIONS
            ):
                weights.append(0.0)
            else:
                weights.append(rng.lognormvariate(0, ACTIONS_SIGMA))
            if pledge.status == "done":
                minimums[i] = 1
        counts = allocate(weights, scaled("actions", self.scale), minimums)
        # The longest timelines are capped; what they lose goes to the others, by weight.
        while excess := sum(max(0, count - MAX_ACTIONS_PER_PLEDGE) for count in counts):
            counts = [min(count, MAX_ACTIONS_PER_PLEDGE) for count in counts]
            room = [w if 0 < count < MAX_ACTIONS_PER_PLEDGE else 0.0 for w, count in zip(weights, counts, strict=False)]
            counts = [count + more for count, more in zip(counts, allocate(room, excess), strict=False)]
        return counts

    def actions(self) -> None:
        rng = self.rng("actions")
        counts = self._action_counts()
        self.next_action_id = 1
        self.next_figure_id = 1
        self.next_link_id = 1
        for start in range(0, len(self.pledge_list), PLEDGES_PER_CHUNK):
            tables = defaultdict(list)
            for pledge, count in zip(
                self.pledge_list[start : start + PLEDGES_PER_CHUNK],
                counts[start : start + PLEDGES_PER_CHUNK],
                strict=False,
            ):
                if count:
                    self._pledge_actions(rng, pledge, count, tables)
            self.w.write("actions", (
                "id", "pledge_id", "attributed_to_id", "date", "date_precision", "heading", "summary", "details",
                "position", "created_at", "updated_at", "created_by_id", "withdrawn_at", "withdrawn_by_id", "version",
            ), tables["actions"])  # fmt: skip
            self.w.write("action_organisations", ("action_id", "organisation_id"), tables["action_organisations"])
            self.w.write("action_figures", ("id", "action_id", "label", "value", "unit", "year", "period_note", "position"),
                         tables["action_figures"])  # fmt: skip
            self.w.write("evidence_links", ("id", "action_id", "url", "title", "position"), tables["evidence_links"])
        self.w.report("actions", "action_organisations", "action_figures", "evidence_links")

    def _pledge_actions(self, rng, pledge: PledgeRecord, count: int, tables) -> None:
        prose = self.prose
        first_record = pledge.published_at + dt.timedelta(minutes=10)
        last_record = (pledge.completed_at - dt.timedelta(minutes=30)) if pledge.completed_at else REFERENCE_TIME
        recorded = sorted(between(rng, first_record, last_record) for _ in range(count))
        for k in range(1, count):  # one after another, never two at the same second
            if recorded[k] <= recorded[k - 1]:
                recorded[k] = recorded[k - 1] + dt.timedelta(seconds=1)
        earliest_date = max(EARLIEST_TIME.date(), (pledge.created_at - dt.timedelta(days=180)).date())
        lead, others = pledge.signatories[0], pledge.signatories[1:]
        headings = None
        if count > 2 and rng.random() < PLEDGE_WITH_HEADINGS:
            # Runs of actions under headings, the first run sometimes without one (as the seeds).
            headings = ([None] if rng.random() < 0.5 else []) + rng.sample(HEADINGS, rng.randint(2, 4))
            cuts = sorted(rng.sample(range(1, count), min(count - 1, len(headings) - 1)))
        current = 0
        for position, recorded_at in enumerate(recorded):
            action_id = self.next_action_id
            self.next_action_id += 1
            day = recorded_at.date() - dt.timedelta(days=int(rng.expovariate(1 / ACTION_DATED_BEFORE_RECORDING_DAYS)))
            day = max(day, min(earliest_date, recorded_at.date()))
            precision = weighted_key(rng, DATE_PRECISIONS)
            if precision == "month":
                day = day.replace(day=1)
            elif precision == "year":
                day = day.replace(month=1, day=1)
            attributed = rng.choice(others) if others and rng.random() < ACTION_BY_A_CO_SIGNATORY else lead
            author = self.staff_member(rng, attributed)
            heading = None
            if headings:
                heading = headings[sum(1 for cut in cuts if cut <= position)]
            summary = prose.summary()
            details = "" if rng.random() < ACTION_DETAILS_EMPTY else prose.compose(prose.detail_pool, *ACTION_DETAILS)
            withdrawn_at = withdrawn_by = None
            version = 1
            updated_at = recorded_at
            if position > 0 and rng.random() < ACTION_WITHDRAWN:  # the first action always stands
                withdrawn_at = between(rng, recorded_at + dt.timedelta(hours=1), REFERENCE_TIME)
                withdrawn_by = self.staff_member(rng, attributed)
                updated_at, version = withdrawn_at, 2
            else:
                current += 1
            tables["actions"].append((
                action_id, pledge.id, attributed, day, precision, heading, summary, details, position,
                recorded_at, updated_at, author, withdrawn_at, withdrawn_by, version,
            ))  # fmt: skip
            involved = [attributed]
            if len(pledge.signatories) > 1 and rng.random() < ACTION_WITH_CO_ORGANISATIONS:
                involved += rng.sample(
                    [o for o in pledge.signatories if o != attributed],
                    rng.randint(1, min(2, len(pledge.signatories) - 1)),
                )
            tables["action_organisations"] += [(action_id, org_id) for org_id in involved]
            if rng.random() < ACTION_WITH_FIGURES:
                for figure_position in range(weighted_index(rng, FIGURES_PER_ACTION) + 1):
                    label, unit = rng.choice(FIGURE_LABELS)
                    value = Decimal(int(10 ** rng.uniform(0.5, 5.5)))
                    if rng.random() < 0.1:
                        value += Decimal("0.5")
                    note = f"Jan–Jun {day.year}" if rng.random() < 0.1 else None
                    tables["action_figures"].append((
                        self.next_figure_id, action_id, label, value, unit,
                        day.year if rng.random() < 0.5 else None, note, figure_position,
                    ))  # fmt: skip
                    self.next_figure_id += 1
            if rng.random() < ACTION_WITH_LINKS:
                for link_position in range(weighted_index(rng, LINKS_PER_ACTION) + 1):
                    url = f"https://{rng.choice(LINK_HOSTS)}/{day.year}/{pledge.slug[:40]}/{action_id}-{link_position + 1}"
                    title = rng.choice(LINK_TITLES) if rng.random() < 0.7 else None
                    tables["evidence_links"].append((self.next_link_id, action_id, url, title, link_position))
                    self.next_link_id += 1
            self.history.add(recorded_at, author, "action_taken", action_id, "pledge", pledge.id, "action_recorded",
                             changes={"summary": [None, summary]})  # fmt: skip
            if withdrawn_at:
                self.history.add(withdrawn_at, withdrawn_by, "action_taken", action_id, "pledge", pledge.id,
                                 "action_withdrawn", changes={"summary": [summary, None]})  # fmt: skip
        pledge.actions = current

    # Roundtables.

    def roundtables(self) -> None:
        rng = self.rng("roundtables")
        prose = self.prose
        total = scaled("roundtables", self.scale)
        bench_count = min(BENCH_CO_CHAIRED_ROUNDTABLES, total)
        bench = {int((k + 0.5) * total / bench_count) for k in range(bench_count)}  # spread over the years
        latest = REFERENCE_TIME - dt.timedelta(days=ROUNDTABLE_LATEST_START_DAYS)
        starts = sorted(between(rng, EARLIEST_TIME, latest).date() for _ in range(total))
        slugs = UniqueSlugs(self.slugify, self.reserved_slugs)
        process_forums = [f for f, (_, _, kind) in self.forums.items() if kind != "conference"]
        governments = [g for g in self.government_ids if g != self.bench_government]
        self.roundtable_list: list[RoundtableRecord] = []
        rows, co_chair_rows, participant_rows, group_rows, outcome_rows = [], [], [], [], []
        group_id = outcome_id = 0
        for index, start in enumerate(starts):
            roundtable_id = index + 1
            is_bench = index in bench
            forum_id = None
            if rng.random() < ROUNDTABLE_WITH_FORUM:
                forum_id = rng.choice(process_forums) if rng.random() < 0.7 else rng.choice(list(self.forums))
            forum_name = (
                (self.forums[forum_id][1] or self.forums[forum_id][0])
                if forum_id
                else rng.choice(PLACE_PHRASES).removeprefix("the ")
            )
            city = rng.choice(CITIES)
            title = f"{forum_name} Roundtable on {rng.choice(OBJECTS).capitalize()}"
            if rng.random() < 0.5:
                title += f", {city} {start.year}"
            slug = slugs(title)
            end = start + dt.timedelta(days=rng.choice((0, 1, 1, 2))) if rng.random() < 0.7 else None
            created_at = min(
                at_time(rng, start + dt.timedelta(days=rng.randint(1, 20))), REFERENCE_TIME - dt.timedelta(days=40)
            )
            co_chairs = [self.bench_government] if is_bench else []
            while len(co_chairs) < 2:
                pool = (
                    governments
                    if (rng.random() < CO_CHAIR_IS_A_GOVERNMENT or not self.international_ids)
                    else self.international_ids
                )
                candidate = rng.choice(pool)
                if candidate not in co_chairs:
                    co_chairs.append(candidate)
            participants = set(co_chairs)
            for _ in range(rng.randint(*PARTICIPANTS)):
                participants.add(rng.choice(self.confirmed_ids))
            participants_note = None
            if rng.random() < ROUNDTABLE_WITH_PARTICIPANTS_NOTE:
                participants_note = (f"representatives from {rng.randint(3, 25)} governments and national and regional "
                                     f"civil society organisations, and {rng.randint(1, 8)} international agencies")  # fmt: skip
            rows.append((
                roundtable_id, slug, title, forum_id, start, end,
                f"{city}, {rng.choice(COUNTRY_NAMES)}" if rng.random() < ROUNDTABLE_WITH_PLACE else None,
                prose.compose(prose.roundtable_pool, *ROUNDTABLE_SUMMARY), participants_note,
                rng.random() < ROUNDTABLE_PUBLIC, created_at, created_at, 1,
            ))  # fmt: skip
            co_chair_rows += [(roundtable_id, org_id) for org_id in co_chairs]
            participant_rows += [(roundtable_id, org_id) for org_id in sorted(participants)]
            groups = []
            for group_position, heading in enumerate(rng.sample(OUTCOME_HEADINGS, rng.randint(*OUTCOME_GROUPS))):
                group_id += 1
                group_rows.append((group_id, roundtable_id, heading, group_position))
                outcomes = []
                for outcome_position in range(rng.randint(*OUTCOMES_PER_GROUP)):
                    outcome_id += 1
                    text = prose.fill(rng.choice(OUTCOME_TEMPLATES))
                    text = text[:1].lower() + text[1:]
                    outcome_rows.append((outcome_id, group_id, text, outcome_position))
                    outcomes.append((outcome_id, text))
                groups.append((group_id, outcomes))
            self.roundtable_list.append(
                RoundtableRecord(roundtable_id, slug, co_chairs, sorted(participants), created_at, groups, is_bench)
            )
            self.history.add(
                created_at,
                rng.choice(self.admin_ids),
                "roundtable",
                roundtable_id,
                "roundtable",
                roundtable_id,
                "created",
            )
        self.w.write("roundtables", (
            "id", "slug", "title", "forum_id", "start_date", "end_date", "place", "summary", "participants_note",
            "is_public", "created_at", "updated_at", "version",
        ), rows)  # fmt: skip
        self.w.write("roundtable_co_chairs", ("roundtable_id", "organisation_id"), co_chair_rows)
        self.w.write("roundtable_participants", ("roundtable_id", "organisation_id"), participant_rows)
        self.w.write("outcome_groups", ("id", "roundtable_id", "heading", "position"), group_rows)
        self.w.write("outcomes", ("id", "group_id", "text", "position"), outcome_rows)
        self.w.report("roundtables", "roundtable_co_chairs", "roundtable_participants", "outcome_groups", "outcomes")

    # Recommendations.

    def recommendations(self) -> None:
        rng = self.rng("recommendations")
        weights = [rng.lognormvariate(0, RECOMMENDATIONS_SIGMA) for _ in self.roundtable_list]
        minimums = {i: BENCH_RECOMMENDATIONS_MINIMUM for i, rt in enumerate(self.roundtable_list) if rt.bench}
        counts = allocate(weights, scaled("recommendations", self.scale), minimums)
        self.tables = defaultdict(list)
        self.next_recommendation_id = self.next_update_id = 1
        for roundtable, count in zip(self.roundtable_list, counts, strict=False):
            for k in range(count):
                forced = (
                    BENCH_RECOMMENDATION_STATES[k]
                    if roundtable.bench and k < len(BENCH_RECOMMENDATION_STATES)
                    else None
                )
                self._recommendation(rng, roundtable, forced)
        self.w.write("recommendations", (
            "id", "roundtable_id", "outcome_id", "group_id", "text", "status", "due_date", "agreed_on",
            "contact_name", "contact_email", "verified_at", "verified_by_id", "sent_back_at", "sent_back_by_id",
            "sent_back_reason", "verified_comment", "review_comment_public", "created_at", "updated_at",
            "created_by_id", "version",
        ), self.tables["recommendations"])  # fmt: skip
        self.w.write("recommendation_owners", ("recommendation_id", "organisation_id", "is_lead", "position"),
                     self.tables["recommendation_owners"])  # fmt: skip
        self.w.write("progress_updates", ("id", "recommendation_id", "organisation_id", "author_id", "date", "text", "created_at"),
                     self.tables["progress_updates"])  # fmt: skip
        self.w.report("recommendations", "recommendation_owners", "progress_updates")
        del self.tables

    @staticmethod
    def _state_by_age(rng, agreed_on: dt.date) -> str:
        years = (REFERENCE_DATE - agreed_on).days / 365
        weights = {
            "draft": 0.25 if years < 0.5 else 0.06,
            "in_progress": max(0.15, 0.55 - 0.08 * years),
            "done": 0.12,
            "verified": min(0.60, 0.20 + 0.08 * years),
        }
        return rng.choices(list(weights), list(weights.values()))[0]

    def _recommendation(self, rng, roundtable: RoundtableRecord, forced) -> None:
        prose = self.prose
        rec_id = self.next_recommendation_id
        self.next_recommendation_id += 1
        outcome_id = group_id = None
        roll = rng.random()
        group_id_choice, outcomes = rng.choice(roundtable.groups)
        if roll < RECOMMENDATION_FROM_OUTCOME:
            outcome_id, outcome_text = rng.choice(outcomes)
            group_id = group_id_choice
            text = as_statement(outcome_text)
        else:
            if roll < RECOMMENDATION_FROM_OUTCOME + RECOMMENDATION_UNDER_HEADING_ONLY:
                group_id = group_id_choice
            text = as_statement(prose.fill(rng.choice(OUTCOME_TEMPLATES)))
        low, high = RECOMMENDATION_TEXT
        target = rng.randint(low, high)
        for _ in range(6):
            if len(text) >= target:
                break
            tail = prose.fill(rng.choice(RECOMMENDATION_TAIL_TEMPLATES))
            if len(text) + 1 + len(tail) > high:
                break
            text += " " + tail
        while len(text) < low:
            text += " Owners will report progress to the co-chairs."

        created_at = between(
            rng, roundtable.created_at + dt.timedelta(hours=1), roundtable.created_at + dt.timedelta(days=20)
        )
        creator = self.co_chair_member(rng, roundtable.co_chairs)
        agreed_on = min(
            created_at.date() + dt.timedelta(days=rng.randint(1, 60)), REFERENCE_DATE - dt.timedelta(days=20)
        )
        state, how = forced or (self._state_by_age(rng, agreed_on), None)
        if state == "in_progress" and how is None and rng.random() < SENT_BACK:
            how = "sent_back"
        owners: list[int] = []
        if state != "draft" or rng.random() >= DRAFT_WITHOUT_OWNERS:
            for _ in range(weighted_index(rng, OWNERS) + 1):
                pool = roundtable.participants if rng.random() < OWNER_IS_A_PARTICIPANT else self.confirmed_ids
                candidate = rng.choice(pool)
                if candidate not in owners:
                    owners.append(candidate)
        due_date = None
        if state != "draft":
            due_date = agreed_on + dt.timedelta(days=rng.randint(60, 720))
            if how == "overdue":
                due_date = max(
                    agreed_on + dt.timedelta(days=14), REFERENCE_DATE - dt.timedelta(days=rng.randint(10, 120))
                )
            elif how == "due_soon":
                due_date = REFERENCE_DATE + dt.timedelta(days=35)
        elif rng.random() < DRAFT_WITH_DUE_DATE:
            due_date = created_at.date() + dt.timedelta(days=rng.randint(90, 720))

        contact_name = contact_email = None
        if rng.random() < RECOMMENDATION_WITH_CONTACT:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            contact_name, contact_email = f"{first} {last}", f"{first}.{last}@example.org".lower()

        history = self.history
        history.add(
            created_at, creator, "recommendation", rec_id, "recommendation", rec_id, "created", to_state="draft"
        )
        verified_at = verified_by = sent_back_at = sent_back_by = sent_back_reason = verified_comment = None
        review_public = False
        version = 1
        updated_at = created_at
        if state != "draft":
            agreed_at = max(at_time(rng, agreed_on), created_at + dt.timedelta(minutes=5))
            history.add(
                agreed_at, creator, "recommendation", rec_id, "recommendation", rec_id, "agree", "draft", "in_progress"
            )
            version += 1
            updated_at = agreed_at
            last_day = REFERENCE_DATE - dt.timedelta(days=1)

            def post(
                day: dt.date, completion: bool = False, author_org: int | None = None
            ) -> tuple[dt.datetime, str, int | None]:
                org_id = author_org or (owners[0] if rng.random() < 0.7 else rng.choice(owners))
                author = self.staff_member(rng, org_id)
                if completion:
                    text = prose.fresh(COMPLETION_TEMPLATES, 80, 500)
                else:
                    text = prose.fresh(PROGRESS_TEMPLATES, 80, 500)
                posted_at = max(at_time(rng, day), agreed_at + dt.timedelta(minutes=10))
                self.tables["progress_updates"].append(
                    (self.next_update_id, rec_id, org_id, author, day, text, posted_at)
                )
                if not completion:
                    history.add(posted_at, author, "progress_update", self.next_update_id, "recommendation", rec_id,
                                "update_posted", changes={"text": [None, text]})  # fmt: skip
                self.next_update_id += 1
                return posted_at, text, author

            def days_between(start: dt.date, end: dt.date, n: int) -> list[dt.date]:
                span = max(0, (end - start).days)
                return sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(n))

            if state == "in_progress" and how != "sent_back":
                # Progress updates are rows of their own: they leave the recommendation's row as it was.
                for day in days_between(
                    agreed_on + dt.timedelta(days=1), last_day, weighted_index(rng, UPDATES_IN_PROGRESS)
                ):
                    post(day)
            else:
                # Done at least once: updates, then the completion note.
                span_end = last_day if state == "in_progress" else last_day - dt.timedelta(days=2)
                completed_on = agreed_on + dt.timedelta(
                    days=max(1, rng.randint(1, max(1, (span_end - agreed_on).days)))
                )
                for day in days_between(
                    agreed_on + dt.timedelta(days=1), completed_on, weighted_index(rng, UPDATES_BEFORE_COMPLETION)
                ):
                    post(day)
                sent_back_first = how == "sent_back" or (
                    (last_day - completed_on).days > 70 and rng.random() < COMPLETED_AGAIN
                )
                completed_at, what_was_done, completer = post(completed_on, completion=True)
                history.add(completed_at, completer, "recommendation", rec_id, "recommendation", rec_id, "complete",
                            "in_progress", "done", comment=what_was_done)  # fmt: skip
                version += 1
                updated_at = completed_at
                if sent_back_first:
                    sent_back_at = between(
                        rng,
                        completed_at + dt.timedelta(hours=2),
                        min(REFERENCE_TIME, completed_at + dt.timedelta(days=30)),
                    )
                    sent_back_by = self.co_chair_member(rng, roundtable.co_chairs)
                    sent_back_reason = rng.choice(REVIEW_REASONS)
                    review_public = rng.random() < REVIEW_COMMENT_PUBLIC
                    history.add(sent_back_at, sent_back_by, "recommendation", rec_id, "recommendation", rec_id, "send_back",
                                "done", "in_progress", comment=sent_back_reason)  # fmt: skip
                    version += 1
                    updated_at = sent_back_at
                    if state != "in_progress":  # completed again, later
                        again_on = min(last_day, sent_back_at.date() + dt.timedelta(days=rng.randint(5, 60)))
                        completed_at, what_was_done, completer = post(again_on, completion=True)
                        completed_at = max(completed_at, sent_back_at + dt.timedelta(minutes=30))
                        history.add(completed_at, completer, "recommendation", rec_id, "recommendation", rec_id, "complete",
                                    "in_progress", "done", comment=what_was_done)  # fmt: skip
                        version += 1
                        updated_at = completed_at
                if state == "verified":
                    verified_at = between(
                        rng, updated_at + dt.timedelta(hours=2), min(REFERENCE_TIME, updated_at + dt.timedelta(days=60))
                    )
                    verified_by = self.co_chair_member(rng, roundtable.co_chairs)
                    if rng.random() < VERIFIED_WITH_COMMENT:
                        verified_comment = rng.choice(VERIFY_COMMENTS)
                        review_public = rng.random() < REVIEW_COMMENT_PUBLIC
                    else:
                        review_public = False
                    history.add(verified_at, verified_by, "recommendation", rec_id, "recommendation", rec_id, "verify",
                                "done", "verified", comment=verified_comment)  # fmt: skip
                    version += 1
                    updated_at = verified_at
        self.tables["recommendations"].append((
            rec_id, roundtable.id, outcome_id, group_id, text, state, due_date, agreed_on if state != "draft" else None,
            contact_name, contact_email, verified_at, verified_by, sent_back_at, sent_back_by, sent_back_reason,
            verified_comment, review_public, created_at, updated_at, creator, version,
        ))  # fmt: skip
        self.tables["recommendation_owners"] += [
            (rec_id, org_id, position == 0, position) for position, org_id in enumerate(owners)
        ]

    # History, in time order.

    def write_history(self) -> None:
        events = self.history.events
        events.sort(key=lambda event: event[0])
        rows = [(i, *event) for i, event in enumerate(events, start=1)]
        self.w.write("history", (
            "id", "occurred_at", "actor_id", "record_type", "record_id", "timeline_type", "timeline_id", "event",
            "from_state", "to_state", "changes", "comment",
        ), rows)  # fmt: skip
        self.w.report("history")
        self.history.events = []


# --- the database ------------------------------------------------------------------------------

# Databases this script never drops, whatever the URL says.
PROTECTED_DATABASES = {"postgres", "test", "template0", "template1"}


def recreate_database(url: sa.URL) -> None:
    """An empty database at `url`: a PostgreSQL database dropped and created again (from the
    server's `postgres` database), or a SQLite file deleted."""
    if url.get_backend_name() == "postgresql":
        name = url.database or ""
        if name in PROTECTED_DATABASES or not name.replace("_", "").isalnum():
            raise SystemExit(f"Refusing to drop the database {name!r}: name a benchmark database, e.g. tracker_bench.")
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
    elif url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise SystemExit("Give a SQLite file, e.g. sqlite:////work/main/bench/out/bench-1.db")
        path = Path(url.database)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        raise SystemExit(f"Only PostgreSQL and SQLite are supported, not {url.get_backend_name()}.")


def move_data_version_on(connection, metadata) -> None:
    """The data version's one row: number + 1 (or 1), changed at the reference time."""
    table = metadata.tables["data_version"]
    moved = connection.execute(
        table.update().where(table.c.id == 1).values(number=table.c.number + 1, changed_at=REFERENCE_TIME)
    )
    if moved.rowcount == 0:
        connection.execute(table.insert().values(id=1, number=1, changed_at=REFERENCE_TIME))


class PostgresIndexes:
    """The migrations' foreign keys and secondary indexes, dropped for the load and made
    again afterwards exactly as they were (their definitions as PostgreSQL prints them).

    Building an index in one pass over a loaded table, and checking a foreign key with one
    query, is several times faster than maintaining them row by row; recreating a unique
    index or a foreign key checks every row, as loading with them would have.

    The slow ones (the search's trigram GIN indexes: PostgreSQL builds each on one core) are
    built in sessions of their own, several at once, as soon as their table is loaded and
    committed, while the generator goes on with the next tables. B-tree indexes follow at
    the end, then the foreign keys (which wait for the builds on their tables)."""

    def __init__(self, engine, connection):
        self.engine = engine
        foreign_keys = connection.execute(
            sa.text(
                "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),"
                " format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))"
                " FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
                " ORDER BY conrelid::regclass::text, conname"
            )
        ).all()
        indexes = connection.execute(
            sa.text(
                "SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid), am.amname,"
                " t.relname, ARRAY(SELECT a.attname::text FROM pg_attribute a"
                "                  WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey))"
                " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
                " JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam"
                " WHERE t.relnamespace = 'public'::regnamespace AND NOT i.indisprimary"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
                " ORDER BY i.indexrelid::regclass::text"
            )
        ).all()
        for drop, *_ in foreign_keys + indexes:
            connection.exec_driver_sql(drop)
        connection.commit()
        self.foreign_keys = [create for _, create in foreign_keys]
        self.btree = [create for _, create, method, _, _ in indexes if method == "btree"]
        self.slow: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)  # table: [(create, columns)]
        for _, create, method, table, columns in indexes:
            if method != "btree":
                self.slow[table].append((create, columns))
        self.pool = ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1))
        self.builds = []

    def build_loaded(self, connection, tables) -> None:
        """Start building the slow indexes of `tables`, whose rows `connection` has just
        committed: the largest first (rows × the indexed columns' average width)."""
        jobs = [(table, create, columns) for table in tables for create, columns in self.slow.pop(table, ())]
        if not jobs:
            return
        names = ", ".join(f'"{table}"' for table in {job[0] for job in jobs})
        connection.exec_driver_sql(f"ANALYZE {names}")
        widths = {
            (table, column): width * rows
            for table, column, width, rows in connection.execute(
                sa.text(
                    "SELECT s.tablename::text, s.attname::text, s.avg_width, c.reltuples FROM pg_stats s"
                    " JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = 'public'::regnamespace"
                    " WHERE s.schemaname = 'public'"
                )
            )
        }
        connection.commit()
        jobs.sort(key=lambda job: -sum(widths.get((job[0], column), 0) for column in job[2]))
        for _, create, _ in jobs:
            self.builds.append(self.pool.submit(self._build, create))

    def _build(self, statement: str) -> tuple[str, float]:
        started = time.perf_counter()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(statement)
        return statement, time.perf_counter() - started

    def finish(self, connection) -> None:
        """The rest: any slow index not yet started, the b-tree indexes, then (once every
        build is done) the foreign keys."""
        self.build_loaded(connection, list(self.slow))
        started = time.perf_counter()
        connection.exec_driver_sql("SET maintenance_work_mem = '256MB'")
        for statement in self.btree:
            connection.exec_driver_sql(statement)
        connection.commit()
        print(f"  (b-tree indexes: {len(self.btree)} in {time.perf_counter() - started:.1f} s)", flush=True)
        waited = time.perf_counter()
        for build in self.builds:
            statement, seconds = build.result()
            print(f"  (index {statement.split()[2]}: built in {seconds:.1f} s)", flush=True)
        self.pool.shutdown()
        print(f"  (waited {time.perf_counter() - waited:.1f} s for those index builds)", flush=True)
        started = time.perf_counter()
        for statement in self.foreign_keys:
            connection.exec_driver_sql(statement)
        connection.commit()
        print(
            f"  (foreign keys checked: {len(self.foreign_keys)} in {time.perf_counter() - started:.1f} s)", flush=True
        )


def finish_postgres(engine, metadata) -> None:
    """Sequences past the largest id (the app's next INSERT must not collide), then
    VACUUM ANALYZE: statistics for the planner, and the visibility map a long-running
    database would have (index-only scans)."""
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if "id" not in table.c:
                continue
            sequence = connection.scalar(sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
            if sequence:
                connection.execute(
                    sa.text(f'SELECT setval(:sequence, COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'),
                    {"sequence": sequence},
                )
        connection.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE)")


def check_sqlite(engine) -> None:
    """SQLite does not enforce foreign keys unless asked (the app does not ask): check them."""
    with engine.connect() as connection:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise SystemExit(f"Foreign keys broken in the generated data, e.g. {broken[:5]}")


# --- the manifest -------------------------------------------------------------------------------

# The filters each list query combines with a search word (the list's URL parameters, see
# tracker/pledges/catalogue.py: state, theme (a slug), organisation, forum and country (ids), q).
LIST_QUERY_FILTERS = [
    ("theme",), ("state",), ("forum",), ("country",), ("organisation",),
    ("theme", "state"), ("forum", "theme"), ("country", "state"), ("organisation", "state"), ("theme", "country"),
]  # fmt: skip


def list_queries(generator: Generator, rng: random.Random) -> list[str]:
    """Query strings for /pledges, each a filter (or two) and a search word that find at
    least one published pledge.

    Each query is made from one pledge (its theme, state, forum … and a word of its text),
    and checked with a SQL count of that pledge under the list's own WHERE, built from the
    app's pieces (`catalogue.PLEDGES`: what the public sees, how a search word matches, each
    filter's condition): an index lookup, where counting every match would be a full search
    of the actions' texts per query."""
    from tracker.core.extensions import db
    from tracker.core.listing import search_terms
    from tracker.pledges import catalogue
    from tracker.pledges.models import Pledge

    listing = catalogue.PLEDGES
    published = [p for p in generator.pledge_list if p.status != "draft"]
    queries = []
    for n in range(MANIFEST_LIST_QUERIES):
        pattern = LIST_QUERY_FILTERS[n % len(LIST_QUERY_FILTERS)]
        for _attempt in range(200):
            pledge = rng.choice(published)
            filters = {}
            for facet in pattern:
                if facet == "theme":
                    filters["theme"] = generator.theme_slugs[rng.choice(pledge.themes)]
                elif facet == "state":
                    filters["state"] = pledge.status
                elif facet == "forum" and pledge.forum_id:
                    filters["forum"] = str(pledge.forum_id)
                elif facet == "country" and pledge.countries:
                    filters["country"] = str(rng.choice(pledge.countries))
                elif facet == "organisation":
                    filters["organisation"] = str(rng.choice(pledge.signatories))
            if len(filters) < len(pattern):
                continue
            words = [w for w in SEARCH_WORDS if w.lower() in pledge.title.lower() or w.lower() in pledge.text.lower()]
            if not words:
                continue
            word = rng.choice(words)
            q = f'"{word}"' if " " in word else word
            query = "?" + urlencode({**filters, "q": q})
            if query in queries:
                continue
            conditions = [listing.visible(), *map(listing.matches, search_terms(q)), Pledge.id == pledge.id]
            for param, value in filters.items():
                condition = listing.facet(param).condition(value)
                conditions.append(condition if condition is not None else sa.false())
            if db.session.scalar(sa.select(sa.func.count()).select_from(Pledge).where(*conditions)) >= 1:
                queries.append(query)
                break
        else:
            raise SystemExit(f"Found no list query with the filters {pattern} that returns a pledge.")
    return queries


def build_manifest(generator: Generator, *, scale, engine_name, database_url, seed, counts, seconds) -> dict:
    rng = FastRandom(f"{seed}:manifest")
    published = [p for p in generator.pledge_list if p.status != "draft"]
    low, high = MANIFEST_TYPICAL_ACTIONS
    typical = [p for p in published if low <= p.actions <= high]
    low, high = MANIFEST_ACTION_PLEDGE_ACTIONS
    bench_in_progress = [p for p in published if p.bench and p.status == "in_progress"]
    actionable = [p for p in bench_in_progress if low <= p.actions <= high]
    if len(actionable) < MANIFEST_ACTION_PLEDGES:  # small scales: any the bench staff may act on
        actionable += [p for p in bench_in_progress if p not in actionable][: MANIFEST_ACTION_PLEDGES - len(actionable)]
    started = time.perf_counter()
    queries = list_queries(generator, rng)
    print(f"  list queries checked in {time.perf_counter() - started:.1f} s", flush=True)
    return {
        "scale": int(scale) if float(scale).is_integer() else scale,
        "engine": engine_name,
        "database_url": database_url,
        "seed": seed,
        "reference_time": REFERENCE_TIME.isoformat(),
        "counts": counts,
        "seconds": round(seconds, 1),
        "password": BENCH_PASSWORD,
        "staff_email": STAFF_EMAIL,
        "cochair_email": COCHAIR_EMAIL,
        "admin_email": ADMIN_EMAIL,
        "staff_organisation": generator.orgs[generator.bench_staff_org].name,
        "staff_organisation_in_progress_leads": len(bench_in_progress),
        "cochair_organisation": generator.orgs[generator.bench_government].name,
        "pledge_slugs": [p.slug for p in rng.sample(typical, min(MANIFEST_PLEDGES, len(typical)))],
        "list_queries": queries,
        "action_pledge_slugs": [p.slug for p in rng.sample(actionable, min(MANIFEST_ACTION_PLEDGES, len(actionable)))],
        "cochair_roundtable_slugs": [rt.slug for rt in generator.roundtable_list if rt.bench],
    }


# --- the command ----------------------------------------------------------------------------------


def positive_number(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("the scale must be a positive number")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=positive_number, required=True, help="1 = 10,000 pledges, 100,000 actions …")
    parser.add_argument(
        "--database-url", required=True, help="postgresql+psycopg://…/tracker_bench or sqlite:////abs/path.db"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--manifest", type=Path, help="default: bench/out/manifest-<engine>-<scale>.json")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    from config import database_url

    url_text = database_url(args.database_url)
    url = sa.make_url(url_text)
    engine_name = "postgresql" if url.get_backend_name() == "postgresql" else "sqlite"
    manifest_path = args.manifest or ROOT / "bench" / "out" / f"manifest-{engine_name}-{args.scale:g}.json"
    print(
        f"Generating scale {args.scale:g} (seed {args.seed}) into {url.render_as_string(hide_password=True)}",
        flush=True,
    )

    recreate_database(url)
    from tracker import create_app
    from tracker.core.changes import RESERVED_SLUGS
    from tracker.core.extensions import db
    from tracker.core.text import slugify

    # create_app with a mapping starts from TestConfig; the data version board is the one a
    # server on this URL uses (DATA_VERSION_BOARD from the environment, else the default file).
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url_text, "DATA_VERSION_BOARD": os.environ.get("DATA_VERSION_BOARD") or None}
    )
    with app.app_context():
        import flask_migrate

        step = time.perf_counter()
        flask_migrate.upgrade()
        print(f"  (schema: migrations to head: {time.perf_counter() - step:.1f} s)", flush=True)
        unknown = set(db.metadata.tables) - set(GENERATED_TABLES) - {"data_version"}
        if unknown:
            print(f"  NOTE: tables this generator leaves empty: {', '.join(sorted(unknown))}", flush=True)

        with db.engine.connect() as connection:
            writer = TableWriter(connection, db.metadata)
            if engine_name == "sqlite":
                # One transaction; SQLite keeps its indexes up to date as rows come, cheaply.
                connection.exec_driver_sql("PRAGMA synchronous = OFF")
                after_step = None
            else:
                indexes = PostgresIndexes(db.engine, connection)

                def after_step():  # commit what is loaded, and index it while the rest is made
                    connection.commit()
                    # (not the pledges: fill_pledge_activity writes every row of theirs again)
                    loaded = [name for name, rows in writer.rows.items() if rows and name != "pledges"]
                    indexes.build_loaded(connection, loaded)

            generator = Generator(args.scale, args.seed, writer, slugify, RESERVED_SLUGS)
            generator.run(after_step)
            fill_pledge_activity(connection)
            move_data_version_on(connection, db.metadata)
            connection.commit()
            if engine_name == "postgresql":
                indexes.finish(connection)

        step = time.perf_counter()
        if engine_name == "postgresql":
            finish_postgres(db.engine, db.metadata)
            print(f"  (sequences, VACUUM ANALYZE: {time.perf_counter() - step:.1f} s)", flush=True)
        else:
            check_sqlite(db.engine)
            print(f"  (foreign key check: {time.perf_counter() - step:.1f} s)", flush=True)
        from tracker.core import data_version

        data_version.reset_board()  # no server may serve renders of the old data
        seconds = time.perf_counter() - started
        print(f"Database ready in {seconds:.1f} s", flush=True)

        counts = {name: writer.rows[name] for name in GENERATED_TABLES}
        counts["data_version"] = 1
        manifest = build_manifest(
            generator, scale=args.scale, engine_name=engine_name, database_url=url_text, seed=args.seed,
            counts=counts, seconds=seconds,
        )  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"Manifest: {manifest_path}  (total {time.perf_counter() - started:.1f} s)")


def fill_pledge_activity(connection) -> None:
    """Each pledge's activity from its actions, as the app keeps it (tracker/pledges/activity.py)."""
    started = time.perf_counter()
    connection.exec_driver_sql(
        "UPDATE pledges SET last_action_on = latest.date, actions_count = latest.current,"
        " changed_at = CASE WHEN latest.updated_at > pledges.updated_at THEN latest.updated_at"
        " ELSE pledges.updated_at END"
        " FROM (SELECT pledge_id, max(CASE WHEN withdrawn_at IS NULL THEN date END) AS date,"
        " count(CASE WHEN withdrawn_at IS NULL THEN 1 END) AS current,"
        " max(updated_at) AS updated_at FROM actions GROUP BY pledge_id) AS latest"
        " WHERE latest.pledge_id = pledges.id"
    )
    # Each pledge's search document: its words and its current actions' (the full-text index
    # follows: a GIN index on PostgreSQL, triggers into FTS5 on SQLite).
    postgres = connection.dialect.name == "postgresql"
    joined = "string_agg(search_text, chr(10))" if postgres else "group_concat(search_text, char(10))"
    newline = "chr(10)" if postgres else "char(10)"
    connection.exec_driver_sql(
        f"UPDATE pledges SET search_document = coalesce(pledges.search_text, '') || {newline} || coalesce(words.joined, '')"
        " FROM pledges AS listed LEFT JOIN (SELECT pledge_id, {joined} AS joined FROM actions"
        " WHERE withdrawn_at IS NULL GROUP BY pledge_id) AS words ON words.pledge_id = listed.id"
        " WHERE listed.id = pledges.id".replace("{joined}", joined)
    )
    print(f"  (pledges' activity from their actions: {time.perf_counter() - started:.1f} s)", flush=True)


# Columns the generator leaves to their default (NULL, or the server's default) on purpose: no
# generated record has them — translations into other languages (tracker/core/translations.py),
# a language of its own (English, the default), sources, outcome ratings, derived titles.
_RATED = ("outcome_rating", "outcome_justification", "outcome_rated_at", "outcome_rated_by_id")
_SOURCED = ("source_reference", "source_url", "text_format")
LEFT_EMPTY = {
    "users": ("language",),
    "pledges": (
        "last_action_on",
        "actions_count",
        "search_document",
        "translations",
        "language",
        "title_derived",
        "signatories_note",
        *_SOURCED,
        *_RATED,
    ),
    "actions": ("translations", "language", *_SOURCED),
    "roundtables": ("language", "kind", *_SOURCED),  # every one a roundtable (not a review)
    "recommendations": (
        "translations",
        "language",
        "reference",
        "addressee_note",
        "response",
        "response_date",
        "completed_on",
        *_SOURCED,
        *_RATED,
    ),
    "progress_updates": ("translations", "language", "indicator_id", "value", "link_url"),
    "action_organisations": ("position",),
    "action_figures": ("indicator_id",),  # figures towards no indicator (none are generated)
    # Every signatory signed (the server's default), none merely invited.
    "pledge_signatories": ("status", "invited_to_lead", "invited_by_id", "invited_at", "answered_at", "answer_note"),
}
# The texts each searched table folds into its search_text (the models' `searchable`).
SEARCHED = {
    "pledges": ("title", "text"),
    "actions": ("summary", "details", "heading"),
    "roundtables": ("title", "summary", "place", "participants_note"),
    "recommendations": ("text", "reference", "addressee_note"),
}

# Every table the generator fills, in loading order.
GENERATED_TABLES = [
    "countries", "themes", "forums", "organisations", "users", "pledges", "pledge_signatories", "pledge_themes",
    "pledge_countries", "actions", "action_organisations", "action_figures", "evidence_links", "roundtables",
    "roundtable_co_chairs", "roundtable_participants", "outcome_groups", "outcomes", "recommendations",
    "recommendation_owners", "progress_updates", "history",
]  # fmt: skip


if __name__ == "__main__":
    main()
