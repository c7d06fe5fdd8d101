"""The files' columns, each with what it holds (the README's open-data section and the
open-data page say the same), and the limits every way in shares."""

from ...core.dates import EARLIEST_YEAR, LATEST_YEAR

BOM = "\ufeff"
SEPARATOR = "; "  # between the names in one cell


PLEDGE_COLUMNS: dict[str, str] = {
    "slug": "The pledge's address, unique and never changed: /pledges/<slug>. Empty: made from the title.",
    "title": "The pledge's title. Empty when the source gives none: taken from the text's first sentence.",
    "state": "draft, in_progress or done (exports hold in_progress and done only).",
    "forum": "Where it was made: a forum's name (or short name). May be empty.",
    "themes": "Theme names, separated by '; '.",
    "countries": "Country or region names (or ISO codes), separated by '; '.",
    "region": "The region it covers, in words.",
    "period_start": f"First year of the pledge's period ({EARLIEST_YEAR}–{LATEST_YEAR}).",
    "period_end": "Last year of the period; not before period_start.",
    "period_note": "The period in words: 'ongoing', '18 months'.",
    "budget_amount": "The budget, a number with at most two decimals; needs budget_currency.",
    "budget_currency": "Three capital letters (AUD, CHF, USD); only with budget_amount.",
    "budget_note": "About the budget: 'approximately, annually'.",
    "lead_signatory": "The lead signatory organisation's name; empty when the source names no lead.",
    "other_signatories": "The other signatories' names, separated by '; ', in the source's order.",
    "signatories_note": "Its signatories in words, as the source states them when it names a collective or no one.",
    "published_on": "The day it was published (YYYY-MM-DD); empty for a draft.",
    "completed_on": "The day it was marked done (YYYY-MM-DD); only when done.",
    "text": "The pledge text, in text_format.",
    "actions_intro": "The sentence introducing its actions taken, in text_format.",
    "text_format": "plain (as written: the default) or markdown.",
    "language": "The language it is written in: a BCP 47 tag (en, fr, es, ar …) or its name; empty: en.",
    "source_reference": "The source's own number for it, e.g. P2065.",
    "source_url": "Where it was published first (https://…).",
    "indicators": 'What it promised in numbers: JSON array of {"name" (required), "unit", "baseline", '
    '"baseline_date", "target", "target_date", "combine" ("sum": figures add up, the default; "latest": the '
    'latest figure stands)}; numbers as strings ("500"), days as YYYY-MM-DD. Exports add "achieved" and '
    '"percent" (derived; ignored by the import).',
    "url": "Its public page (derived; ignored by the import).",
}

ACTION_COLUMNS: dict[str, str] = {
    "pledge": "The pledge it was taken towards (in the tracker, or in the same import): its slug, its source "
    "reference (P2065) or its title. Required.",
    "position": "Its place in the pledge's list of actions (0, 1, 2 …), unique per pledge. Empty: after the last.",
    "date": "When it was done, as precisely as known: 2019, 2019-06 or 2019-06-14; not in the future. "
    "Empty when the source does not date it.",
    "heading": "The heading it is grouped under on the pledge's page. May be empty.",
    "summary": "What was done, in a sentence or two. Required.",
    "details": "More about it, in text_format.",
    "attributed_to": "The signatory that reported it and answers for it; empty when the source names no one.",
    "organisations": "The signatories involved, separated by '; ', in the source's order; empty: the one "
    "that reported it.",
    "figures": 'JSON array of {"label", "value" (a string: an exact decimal), "unit", "year", "period_note", '
    '"indicator" (the name of the pledge\'s indicator it counts towards, if any)}.',
    "links": 'JSON array of evidence links {"url" (http:// or https://), "title"}.',
    "text_format": "plain (as written: the default) or markdown.",
    "language": "The language it is written in, when not its pledge's: a BCP 47 tag or its name.",
    "source_reference": "The source's own number for it (a progress report's).",
    "source_url": "Where it was published first (https://…).",
}

ORGANISATION_COLUMNS: dict[str, str] = {
    "name": "The organisation's full name, unique (look-alike names are refused). Required.",
    "short_name": "An acronym or short name: ARC, IFRC, DFAT.",
    "kind": "national_society, government, international_organisation, civil_society or other. Required.",
    "country": "The country it belongs to, in words.",
}

MEETING_COLUMNS: dict[str, str] = {
    "meeting": "The meeting's or review's title, unique in the tracker. Required.",
    "slug": "Its address, /roundtables/<slug>. Empty: made from the title.",
    "kind": "roundtable, review (a Universal Periodic Review cycle, a treaty body's review), ministerial or "
    "meeting. Empty: roundtable.",
    "start_date": "Its first day (YYYY-MM-DD). Required.",
    "end_date": "Its last day, when it lasted more than one.",
    "forum": "The process it belongs to: a forum's name (or short name). May be empty.",
    "place": "Where it was held.",
    "co_chairs": "The organisations (or States) chairing or reviewing it, separated by '; '. Empty when the source "
    "does not say: an admin names them later.",
    "participants": "Participating organisations, separated by '; '.",
    "participants_note": "Its participants in words: '13 governments and 4 organisations'.",
    "summary": "What it was, in Markdown.",
    "public": "yes (anyone may read its outcomes and follow-through) or no. Empty: yes.",
}

OUTCOME_COLUMNS: dict[str, str] = {
    "meeting": "The meeting's title (in the tracker, or in the same import). Required.",
    "heading": "The heading its outcomes are listed under, in the meeting's order. Required.",
    "outcome": "One agreed outcome under the heading; empty for a heading without outcomes.",
}

RECOMMENDATION_COLUMNS: dict[str, str] = {
    "meeting": "The meeting or review that issued it: its title (in the tracker, or in the same import). Required.",
    "meeting_kind": "When the meeting is new: roundtable, review, ministerial or meeting (the export writes it).",
    "meeting_date": "When the meeting is new: its first day, YYYY-MM-DD (the export writes it).",
    "heading": "The heading (a theme, a section of the source) it is listed under. May be empty.",
    "reference": "Its number in the source: 121.1.",
    "text": "The recommendation, as the source words it. Required.",
    "recommending": "The organisations or States that made it, separated by '; ', in the source's order.",
    "owners": "The organisations (or States) that answer for it, separated by '; ': the first leads.",
    "addressee": "Its addressee in words, as the source states it when it names no organisation: 'members'.",
    "response": "The addressee's response: supported, noted or other. Empty: none stated.",
    "response_date": "The day of the response (YYYY-MM-DD).",
    "state": "draft, agreed (in_progress), done or verified.",
    "due_date": "When it is due (YYYY-MM-DD). Optional: without one it is never overdue.",
    "agreed_on": "The day it was agreed. Empty for an agreed one: the response's day, or the meeting's.",
    "done_on": "The day it was done, as the source dates it (done or verified only).",
    "verified_on": "The day the co-chairs verified it (verified only).",
    "language": "The language it is written in: a BCP 47 tag or its name; empty: en.",
    "source_url": "Where it was published (https://…).",
    "indicators": "What it aims at in numbers: JSON array, as pledges.csv's indicators column.",
    "contact_name": "The owners' contact person (private: never in the public file).",
    "contact_email": "The contact person's e-mail address (private: never in the public file).",
}
PRIVATE_RECOMMENDATION_COLUMNS = ("contact_name", "contact_email")
PUBLIC_RECOMMENDATION_COLUMNS = {
    name: about for name, about in RECOMMENDATION_COLUMNS.items() if name not in PRIVATE_RECOMMENDATION_COLUMNS
}

UPDATE_COLUMNS: dict[str, str] = {
    "meeting": "The meeting the recommendation belongs to: its title. Required.",
    "recommendation": "The recommendation: its reference (121.1) or, when it has none, its text. Required.",
    "date": "The day of the update (YYYY-MM-DD), not in the future. Required.",
    "organisation": "The organisation that reported it: one of the recommendation's owners. Required.",
    "text": "What has happened. Required.",
    "indicator": "The recommendation's indicator a figure is reported for: its name. With value.",
    "value": "The figure reported for that indicator: a number with at most two decimals.",
}

# Columns an import also reads, which the export does not write: other ways to say which
# pledge an action belongs to, as a spreadsheet kept from the source may have them.
ACTION_IMPORT_COLUMNS: dict[str, str] = {
    "pledge_source_reference": "Instead of pledge: the source reference of the pledge (P2065).",
    "pledge_title": "Instead of pledge: the title of the pledge.",
}
PLEDGE_NAMES = ("pledge", "pledge_source_reference", "pledge_title")  # an actions file needs one

REQUIRED_COLUMNS = {
    "organisations": ("name", "kind"),
    "meetings": ("meeting", "start_date"),
    "outcomes": ("meeting", "heading"),
    "recommendations": ("meeting", "text"),
    "progress_updates": ("meeting", "recommendation", "date", "organisation", "text"),
    "pledges": ("state",),  # and a title or a text (each row)
    "actions": ("summary",),  # and one of PLEDGE_NAMES
}
COLUMNS = {
    "organisations": ORGANISATION_COLUMNS,
    "meetings": MEETING_COLUMNS,
    "outcomes": OUTCOME_COLUMNS,
    "recommendations": RECOMMENDATION_COLUMNS,
    "progress_updates": UPDATE_COLUMNS,
    "pledges": PLEDGE_COLUMNS,
    "actions": {**ACTION_COLUMNS, **ACTION_IMPORT_COLUMNS},
}

FIGURE_KEYS = ("label", "value", "unit", "year", "period_note", "indicator")
INDICATOR_KEYS = (
    "name",
    "unit",
    "baseline",
    "baseline_date",
    "target",
    "target_date",
    "combine",
    "achieved",
    "percent",
)
LINK_KEYS = ("url", "title")

FIRST_YEAR, LAST_YEAR = EARLIEST_YEAR, LATEST_YEAR  # every year and date, as the forms allow
DATE_HINT = "use 2019, 2019-06 or 2019-06-14"
