"""The files' columns, each with what it holds (the README's open-data section and the
open-data page say the same), and the limits every way in shares."""

from babel.support import LazyProxy

from ...core.dates import EARLIEST_YEAR, LATEST_YEAR
from ...core.i18n import _l

BOM = "\ufeff"
SEPARATOR = "; "  # between the names in one cell


PLEDGE_COLUMNS: dict[str, LazyProxy] = {
    "slug": _l("The pledge's address, unique and never changed: /pledges/<slug>. Empty: made from the title."),
    "title": _l("The pledge's title. Empty when the source gives none: taken from the text's first sentence."),
    "state": _l("draft, in_progress or done (exports hold in_progress and done only)."),
    "forum": _l("Where it was made: a forum's name (or short name). May be empty."),
    "themes": _l("Theme names, separated by '; '."),
    "countries": _l("Country or region names (or ISO codes), separated by '; '."),
    "region": _l("The region it covers, in words."),
    "period_start": _l(
        "First year of the pledge's period (%(first)s–%(last)s).", first=EARLIEST_YEAR, last=LATEST_YEAR
    ),
    "period_end": _l("Last year of the period; not before period_start."),
    "period_note": _l("The period in words: 'ongoing', '18 months'."),
    "budget_amount": _l("The budget, a number with at most two decimals; needs budget_currency."),
    "budget_currency": _l("Three capital letters (AUD, CHF, USD); only with budget_amount."),
    "budget_note": _l("About the budget: 'approximately, annually'."),
    "lead_signatory": _l("The lead signatory organisation's name; empty when the source names no lead."),
    "other_signatories": _l("The other signatories' names, separated by '; ', in the source's order."),
    "signatories_note": _l("Its signatories in words, as the source states them when it names a collective or no one."),
    "published_on": _l("The day it was published (YYYY-MM-DD); empty for a draft."),
    "completed_on": _l("The day it was marked done (YYYY-MM-DD); only when done."),
    "text": _l("The pledge text, in text_format."),
    "actions_intro": _l("The sentence introducing its actions taken, in text_format."),
    "text_format": _l("plain (as written: the default) or markdown."),
    "language": _l("The language it is written in: a BCP 47 tag (en, fr, es, ar …) or its name; empty: en."),
    "translations": _l(
        'Translations of its title and text, by language: JSON {"en": {"title": "…", "text": "…"}}; a translation '
        "needs its title. May be empty."
    ),
    "source_reference": _l("The source's own number for it, e.g. P2065."),
    "source_url": _l("Where it was published first (https://…)."),
    "indicators": _l(
        'What it promised in numbers: JSON array of {"name" (required), "unit", "baseline", '
        '"baseline_date", "target", "target_date", "combine" ("sum": figures add up, the default; "latest": the '
        'latest figure stands)}; numbers as strings ("500"), days as YYYY-MM-DD. Exports add "achieved" and '
        '"percent" (derived; ignored by the import).'
    ),
    "url": _l("Its public page (derived; ignored by the import)."),
}

ACTION_COLUMNS: dict[str, LazyProxy] = {
    "pledge": _l(
        "The pledge it was taken towards (in the tracker, or in the same import): its slug, its source "
        "reference (P2065) or its title. Required."
    ),
    "position": _l("Its place in the pledge's list of actions (0, 1, 2 …), unique per pledge. Empty: after the last."),
    "date": _l(
        "When it was done, as precisely as known: 2019, 2019-06 or 2019-06-14; not in the future. "
        "Empty when the source does not date it."
    ),
    "heading": _l("The heading it is grouped under on the pledge's page. May be empty."),
    "summary": _l("What was done, in a sentence or two. Required."),
    "details": _l("More about it, in text_format."),
    "attributed_to": _l("The signatory that reported it and answers for it; empty when the source names no one."),
    "organisations": _l(
        "The signatories involved, separated by '; ', in the source's order; empty: the one that reported it."
    ),
    "figures": _l(
        'JSON array of {"label", "value" (a string: an exact decimal), "unit", "year", "period_note", '
        '"indicator" (the name of the pledge\'s indicator it counts towards, if any)}.'
    ),
    "links": _l('JSON array of evidence links {"url" (http:// or https://), "title"}.'),
    "text_format": _l("plain (as written: the default) or markdown."),
    "language": _l("The language it is written in, when not its pledge's: a BCP 47 tag or its name."),
    "translations": _l(
        'Translations of its summary and details, by language: JSON {"en": {"summary": "…", "details": "…"}}; '
        "a translation needs its summary. May be empty."
    ),
    "source_reference": _l("The source's own number for it (a progress report's)."),
    "source_url": _l("Where it was published first (https://…)."),
}

ORGANISATION_COLUMNS: dict[str, LazyProxy] = {
    "name": _l("The organisation's full name, unique (look-alike names are refused). Required."),
    "short_name": _l("An acronym or short name: ARC, IFRC, DFAT."),
    "kind": _l("national_society, government, international_organisation, civil_society or other. Required."),
    "country": _l("The country it belongs to, in words."),
}

MEETING_COLUMNS: dict[str, LazyProxy] = {
    "meeting": _l("The meeting's or review's title, unique in the tracker. Required."),
    "slug": _l("Its address, /roundtables/<slug>. Empty: made from the title."),
    "kind": _l(
        "roundtable, review (a Universal Periodic Review cycle, a treaty body's review), ministerial or "
        "meeting. Empty: roundtable."
    ),
    "start_date": _l("Its first day (YYYY-MM-DD). Required."),
    "end_date": _l("Its last day, when it lasted more than one."),
    "forum": _l("The process it belongs to: a forum's name (or short name). May be empty."),
    "place": _l("Where it was held."),
    "co_chairs": _l(
        "The organisations (or States) chairing or reviewing it, separated by '; '. Empty when the source "
        "does not say: an admin names them later."
    ),
    "participants": _l("Participating organisations, separated by '; '."),
    "participants_note": _l("Its participants in words: '13 governments and 4 organisations'."),
    "summary": _l("What it was, in Markdown."),
    "public": _l("yes (anyone may read its outcomes and follow-through) or no. Empty: yes."),
}

OUTCOME_COLUMNS: dict[str, LazyProxy] = {
    "meeting": _l("The meeting's title (in the tracker, or in the same import). Required."),
    "heading": _l("The heading its outcomes are listed under, in the meeting's order. Required."),
    "outcome": _l("One agreed outcome under the heading; empty for a heading without outcomes."),
}

RECOMMENDATION_COLUMNS: dict[str, LazyProxy] = {
    "meeting": _l("The meeting or review that issued it: its title (in the tracker, or in the same import). Required."),
    "meeting_kind": _l("When the meeting is new: roundtable, review, ministerial or meeting (the export writes it)."),
    "meeting_date": _l("When the meeting is new: its first day, YYYY-MM-DD (the export writes it)."),
    "heading": _l("The heading (a theme, a section of the source) it is listed under. May be empty."),
    "reference": _l("Its number in the source: 121.1."),
    "text": _l("The recommendation, as the source words it. Required."),
    "recommending": _l("The organisations or States that made it, separated by '; ', in the source's order."),
    "owners": _l("The organisations (or States) that answer for it, separated by '; ': the first leads."),
    "addressee": _l("Its addressee in words, as the source states it when it names no organisation: 'members'."),
    "response": _l("The addressee's response: supported, noted or other. Empty: none stated."),
    "response_date": _l("The day of the response (YYYY-MM-DD)."),
    "state": _l("draft, agreed (in_progress), done or verified."),
    "due_date": _l("When it is due (YYYY-MM-DD). Optional: without one it is never overdue."),
    "agreed_on": _l("The day it was agreed. Empty for an agreed one: the response's day, or the meeting's."),
    "done_on": _l("The day it was done, as the source dates it (done or verified only)."),
    "verified_on": _l("The day the co-chairs verified it (verified only)."),
    "language": _l("The language it is written in: a BCP 47 tag or its name; empty: en."),
    "translations": _l('Translations of its text, by language: JSON {"fr": {"text": "…"}}. May be empty.'),
    "source_url": _l("Where it was published (https://…)."),
    "indicators": _l("What it aims at in numbers: JSON array, as pledges.csv's indicators column."),
    "contact_name": _l("The owners' contact person (private: never in the public file)."),
    "contact_email": _l("The contact person's e-mail address (private: never in the public file)."),
}
PRIVATE_RECOMMENDATION_COLUMNS = ("contact_name", "contact_email")
PUBLIC_RECOMMENDATION_COLUMNS = {
    name: about for name, about in RECOMMENDATION_COLUMNS.items() if name not in PRIVATE_RECOMMENDATION_COLUMNS
}

UPDATE_COLUMNS: dict[str, LazyProxy] = {
    "meeting": _l("The meeting the recommendation belongs to: its title. Required."),
    "recommendation": _l("The recommendation: its reference (121.1) or, when it has none, its text. Required."),
    "date": _l("The day of the update (YYYY-MM-DD), not in the future. Required."),
    "organisation": _l("The organisation that reported it: one of the recommendation's owners. Required."),
    "text": _l("What has happened. Required."),
    "indicator": _l("The recommendation's indicator a figure is reported for: its name. With value."),
    "value": _l("The figure reported for that indicator: a number with at most two decimals."),
}

# Columns an import also reads, which the export does not write: other ways to say which
# pledge an action belongs to, as a spreadsheet kept from the source may have them.
ACTION_IMPORT_COLUMNS: dict[str, LazyProxy] = {
    "pledge_source_reference": _l("Instead of pledge: the source reference of the pledge (P2065)."),
    "pledge_title": _l("Instead of pledge: the title of the pledge."),
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
