"""Who may open which address: every route of the app, for every kind of visitor.

A person relies on the tracker to keep drafts, private roundtables and other people's work
to those entitled to them, and to refuse every change they may not make — whatever address
is typed, not only the buttons a page shows. So every URL rule of the app (`app.url_map`)
is asked, with every method it accepts (HEAD and OPTIONS, which Flask adds, left out), by
each kind of visitor, and the answer (its status, and where a redirect goes) is compared
with EXPECTED, a table written out by hand. The table is the independent statement of who
may do what: it is never computed from `tracker.permissions`.

The visitors, one column each:

- anonymous: nobody logged in;
- signatory: staff of the organisation that signs both pledges (and recorded their actions);
- outsider: staff of another organisation (signs nothing, owns nothing, co-chairs nothing);
- co_chair: co-chair of the roundtables (a public one and a private one);
- other_co_chair: co-chair of another roundtable;
- owner: staff of the organisation that owns the recommendations. Owners report progress and
  may read what they own, even a draft or one of a private roundtable, so their column
  differs from the outsider's;
- admin.

And the deactivated: a signatory, a co-chair and an admin, each logged in (with "Keep me
logged in") and then deactivated by an admin. Deactivation "ends the person's access at
once": with the cookies their browser still holds, each must be answered exactly as the
anonymous column says.

A route missing from the table fails `test_the_table_covers_every_route_and_method`, and so
does an entry for a route that no longer exists. An address that names a record is asked
for each record the table lists: the draft and the published pledge, the public and the
private roundtable, a draft and two agreed recommendations (`build_world` makes them).

POSTs send an empty form: the point is who gets in, not what is valid. Past the permission
checks an empty form is refused and shown again (422), or a button without its value is a
400; a visitor who may not act is asked to log in, refused (403), or not told the record
exists (404). A 422 for such a visitor would mean the form was read before the permission
was checked. The few empty POSTs that succeed are asked after every GET (see `_requests`).

Beyond the status, no page a visitor gets (200) may show the draft pledge, its action, the
private roundtable or the draft recommendation to anyone but the columns in READERS.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker import create_app
from tracker.accounts import addresses, passwords
from tracker.accounts import operations as accounts
from tracker.accounts.models import OrganisationKind, Role, User
from tracker.core.extensions import db
from tracker.core.files import Upload
from tracker.core.web.security import limiter
from tracker.data import imports
from tracker.notifications.models import Notification, OutgoingMail
from tracker.notifications.operations import unsubscribe_token
from tracker.pledges import followers
from tracker.pledges.mails import SIGNATURE_INVITATION
from tracker.pledges.models import PledgeFollower
from tracker.roundtables.operations import add_outcome, add_outcome_group, create_recommendation, post_progress_update
from tracker.taxonomy import operations as taxonomy
from tracker.taxonomy.models import ForumKind

from .conftest import CommittingClient
from .databases import empty_all_tables
from .evidence import pdf_bytes
from .factories import Factories

# --- outcomes -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A status and, for a redirect, where it goes: LOGIN_PAGE, or a path in which `{slug}`
    (or any other of the address's values, such as `{user_id}`) is the record's own."""

    status: int
    to: str | None = None

    def __str__(self):
        return f"{self.status} to {self.to}" if self.to else str(self.status)


LOGIN_PAGE = "/auth/login?next=<this address>"

OK = Outcome(200)
BAD_REQUEST = Outcome(400)  # a button pressed without its value (move up or down?)
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)  # also a record this visitor may not know exists
FORM_REFUSED = Outcome(422)  # the empty form reached the view, which refused it and showed it again
LOGIN = Outcome(302, LOGIN_PAGE)


def REDIRECT(to: str) -> Outcome:
    """302 to somewhere other than the login page."""
    return Outcome(302, to)


TO_HOME = REDIRECT("/")
TO_REVIEW = REDIRECT("/roundtables/review")
TO_LOG_IN = REDIRECT("/auth/login")  # /login, as people type it
TO_MY_PLEDGES = REDIRECT("/pledges/mine")  # where staff land
TO_FOLLOW_UP = REDIRECT("/roundtables/follow-through")  # where co-chairs land
TO_ADMIN = REDIRECT("/admin/")  # where admins land
TO_THE_PLEDGE = REDIRECT("/pledges/{slug}")
TO_THE_PLEDGES_INDICATORS = REDIRECT("/pledges/{slug}#indicators")
TO_THE_ACTION = REDIRECT("/pledges/{slug}#action-{action_id}")
TO_ITS_INDICATORS = REDIRECT("/recommendations/{recommendation_id}#indicators")
TO_THE_RECOMMENDATION = REDIRECT("/recommendations/{recommendation_id}")
TO_THE_UPDATE = REDIRECT("/recommendations/{recommendation_id}#update-{update_id}")
TO_ORGS = REDIRECT("/admin/organisations")
TO_THE_USER = REDIRECT("/admin/users/{user_id}")
TO_FORUMS = REDIRECT("/admin/forums")
TO_THEMES = REDIRECT("/admin/themes")
TO_COUNTRIES = REDIRECT("/admin/countries")
TO_FAILED_MAIL = REDIRECT("/admin/outgoing-mail?status=failed")
TO_NOTIFICATIONS = REDIRECT("/notifications")
TO_THE_NOTIFICATION = REDIRECT("/notifications#notification-{notification_id}")
TO_SETTINGS = REDIRECT("/account/notifications")
TO_NEWEST_PLEDGES = REDIRECT("/pledges?sort=newest")

# --- visitors and records ---------------------------------------------------------------------------

COLUMNS = ("anonymous", "signatory", "outsider", "co_chair", "other_co_chair", "owner", "admin")
DEACTIVATED = ("deactivated_signatory", "deactivated_co_chair", "deactivated_admin")
VISITORS = COLUMNS + DEACTIVATED

# What an address names; `build_world` gives each its URL values.
NOTHING = "(no record)"
DRAFT_PLEDGE = "the draft pledge"
PUBLISHED_PLEDGE = "the published pledge (in progress)"
PUBLIC_ROUNDTABLE = "the public roundtable"
PRIVATE_ROUNDTABLE = "the private roundtable"
DRAFT_RECOMMENDATION = "the draft recommendation (public roundtable)"
AGREED_RECOMMENDATION = "the agreed recommendation (public roundtable)"
PRIVATE_RECOMMENDATION = "the agreed recommendation of the private roundtable"
ADMIN_RECORDS = "an organisation, an invited user, a forum, a theme and a country"
SET_PASSWORD_LINK = "the invited user's set-password link"
RESET_LINK = "the invited user's password reset link"
OUTGOING_MAIL = "the invited user's invitation e-mail, in the outbox"
UNSUBSCRIBE_LINK = "an unsubscribe link of the outsider's"
EMAIL_LINK = "the invited user's link confirming a new e-mail address"
FOLLOW_LINK = "the confirmation link of someone following the published pledge by e-mail"
UNFOLLOW_LINK = "the unsubscribe link of someone following the published pledge by e-mail"
PENDING_IMPORT = "an import the admin uploaded, waiting for them to confirm its preview"
NOTIFICATION = "a notification of the owner's (a recommendation agreed)"
SITE_CSS = "the site's stylesheet"
BOOTSTRAP_CSS = "Bootstrap's stylesheet"
SWAGGER_UI_CSS = "Swagger UI's stylesheet"
RECORDS = (
    NOTHING, DRAFT_PLEDGE, PUBLISHED_PLEDGE, PUBLIC_ROUNDTABLE, PRIVATE_ROUNDTABLE, DRAFT_RECOMMENDATION,
    AGREED_RECOMMENDATION, PRIVATE_RECOMMENDATION, ADMIN_RECORDS, SET_PASSWORD_LINK, RESET_LINK, OUTGOING_MAIL,
    UNSUBSCRIBE_LINK, NOTIFICATION, SITE_CSS, BOOTSTRAP_CSS, SWAGGER_UI_CSS, EMAIL_LINK, FOLLOW_LINK,
    UNFOLLOW_LINK, PENDING_IMPORT,
)  # fmt: skip

# --- the table ----------------------------------------------------------------------------------------
# (endpoint, method) -> {record named by the address: one outcome per column of COLUMNS}.
# The deactivated visitors are held to the anonymous column.

EXPECTED: dict[tuple[str, str], dict[str, tuple[Outcome, ...]]] = {
    # The public pages, downloads and feeds: the same for everyone.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("public.home", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("public.forum", "GET"): {
        ADMIN_RECORDS: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("public.forum_report", "GET"): {
        ADMIN_RECORDS: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("public.feeds_page", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("public.login_shortcut", "GET"): {
        NOTHING: (TO_LOG_IN,) * 7,
    },
    ("public.open_data", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("public.actions_feed", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("public.pledges_csv", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("public.actions_csv", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("public.recommendations_csv", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("pledges.index", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("roundtables.index", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    # A pledge's public page and feed. A draft is not found by anyone but its signatories' staff
    # and admins; its feed, which is public, never exists.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("pledges.show", "GET"): {
        DRAFT_PLEDGE: (NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
        PUBLISHED_PLEDGE: (OK, OK, OK, OK, OK, OK, OK),
    },
    # An action's evidence file: whoever may see its pledge (a withdrawn action's: no one).
    ("pledges.action_file", "GET"): {
        DRAFT_PLEDGE: (NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
        PUBLISHED_PLEDGE: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("pledges.actions_feed", "GET"): {
        DRAFT_PLEDGE: (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        PUBLISHED_PLEDGE: (OK, OK, OK, OK, OK, OK, OK),
    },
    # Working on pledges: staff of a signatory only (admins see drafts, but do not write pledges).
    # Others are answered 404 for the draft they may not see, 403 for the published pledge.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("pledges.mine", "GET"): {
        NOTHING: (LOGIN, OK, OK, OK, OK, OK, TO_HOME),
    },
    ("pledges.new", "GET"): {
        NOTHING: (LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    },
    ("pledges.new", "POST"): {
        NOTHING: (LOGIN, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORBIDDEN),
    },
    ("pledges.edit", "GET"): {
        DRAFT_PLEDGE: (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.edit", "POST"): {
        DRAFT_PLEDGE: (LOGIN, FORM_REFUSED, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.new_action", "GET"): {
        DRAFT_PLEDGE: (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.new_action", "POST"): {
        DRAFT_PLEDGE: (LOGIN, FORM_REFUSED, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.edit_action_view", "GET"): {
        DRAFT_PLEDGE: (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.edit_action_view", "POST"): {
        DRAFT_PLEDGE: (LOGIN, FORM_REFUSED, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.withdraw_action_view", "GET"): {
        DRAFT_PLEDGE: (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.withdraw_action_view", "POST"): {
        DRAFT_PLEDGE: (LOGIN, TO_THE_PLEDGE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, TO_THE_PLEDGE, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.transition", "POST"): {
        DRAFT_PLEDGE: (LOGIN, FORM_REFUSED, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    # Rating what changed: a done pledge's signatories only (neither pledge here is done).
    ("pledges.outcome", "POST"): {
        DRAFT_PLEDGE: (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    # Indicators: as editing the pledge. The empty form sets no indicators (there are none to
    # keep), so it succeeds and goes back to the pledge's indicators.
    ("pledges.indicators", "GET"): {
        DRAFT_PLEDGE: (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.indicators", "POST"): {
        DRAFT_PLEDGE: (LOGIN, TO_THE_PLEDGES_INDICATORS, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, TO_THE_PLEDGES_INDICATORS, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    # Translations: as editing the pledge, or the action. The empty form is an empty translation
    # (into the first language not the original's): nothing to save, so back to the page.
    ("pledges.translation", "GET"): {
        DRAFT_PLEDGE: (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.translation", "POST"): {
        DRAFT_PLEDGE: (LOGIN, TO_THE_PLEDGE, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, TO_THE_PLEDGE, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.action_translation", "GET"): {
        DRAFT_PLEDGE: (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.action_translation", "POST"): {
        DRAFT_PLEDGE: (LOGIN, TO_THE_ACTION, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, TO_THE_ACTION, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.history", "GET"): {
        DRAFT_PLEDGE: (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
        PUBLISHED_PLEDGE: (LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    # Invitations to sign. No visitor here is invited (tests/test_signatures.py follows one who
    # is): the signatory has nothing to answer (403), as has the admin; a draft stays unknown to
    # the others. Withdrawing is the signatories' staff's, recording a signature the admins'.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("pledges.invitations", "GET"): {
        NOTHING: (LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    },
    ("pledges.accept_invitation", "POST"): {
        DRAFT_PLEDGE: (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.decline_invitation", "POST"): {
        DRAFT_PLEDGE: (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.withdraw_invitation", "POST"): {
        DRAFT_PLEDGE: (LOGIN, BAD_REQUEST, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN),
        PUBLISHED_PLEDGE: (LOGIN, BAD_REQUEST, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    },
    ("pledges.record_signature", "POST"): {
        DRAFT_PLEDGE: (LOGIN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, BAD_REQUEST),
        PUBLISHED_PLEDGE: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, BAD_REQUEST),
    },
    # A roundtable's public page: a private one is not found but by its co-chairs and admins.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("roundtables.show", "GET"): {
        PUBLIC_ROUNDTABLE: (OK, OK, OK, OK, OK, OK, OK),
        PRIVATE_ROUNDTABLE: (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    # Editing a roundtable and its outcomes: its co-chairs and admins. Others: 404 for the private
    # roundtable, 403 for the public one. `move` without up/down is 400 once allowed in.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("roundtables.new", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    },
    ("roundtables.new", "POST"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORM_REFUSED, FORBIDDEN, FORM_REFUSED),
    },
    ("roundtables.edit", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    ("roundtables.edit", "POST"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, NOT_FOUND, FORM_REFUSED),
    },
    ("roundtables.outcomes", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    ("roundtables.add_heading", "POST"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, NOT_FOUND, FORM_REFUSED),
    },
    ("roundtables.edit_heading", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    ("roundtables.edit_heading", "POST"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, NOT_FOUND, FORM_REFUSED),
    },
    ("roundtables.add_outcome", "POST"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, NOT_FOUND, FORM_REFUSED),
    },
    ("roundtables.edit_outcome", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    ("roundtables.edit_outcome", "POST"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, NOT_FOUND, FORM_REFUSED),
    },
    ("roundtables.move", "POST"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN, FORBIDDEN, BAD_REQUEST),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, BAD_REQUEST, NOT_FOUND, NOT_FOUND, BAD_REQUEST),
    },
    ("roundtables.history", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    # Recommendations. Public once agreed in a public roundtable; the co-chairs, the owners and admins
    # see drafts and those of a private roundtable. Co-chairs agree and edit (admins do not); owners
    # post updates and mark done (an owner's empty update on the draft reaches the form: owners may
    # report on what they own, and the operation, not the permission, waits for it to be agreed).
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("roundtables.new_recommendation", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    },
    ("roundtables.new_recommendation", "POST"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, NOT_FOUND, FORBIDDEN),
    },
    ("roundtables.recommendation", "GET"): {
        DRAFT_RECOMMENDATION: (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK),
        AGREED_RECOMMENDATION: (OK, OK, OK, OK, OK, OK, OK),
        PRIVATE_RECOMMENDATION: (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK),
    },
    # A progress update's evidence file: whoever may read its recommendation.
    ("roundtables.update_file", "GET"): {
        AGREED_RECOMMENDATION: (OK, OK, OK, OK, OK, OK, OK),
        PRIVATE_RECOMMENDATION: (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK),
    },
    ("roundtables.edit_recommendation", "GET"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    },
    ("roundtables.edit_recommendation", "POST"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, FORBIDDEN, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    },
    # Indicators: as editing the recommendation (its co-chairs); the empty form succeeds.
    # Translating a recommendation: as editing it (its co-chairs). The empty form saves nothing.
    ("roundtables.translation", "GET"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    },
    ("roundtables.translation", "POST"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, TO_THE_RECOMMENDATION, NOT_FOUND, FORBIDDEN, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, TO_THE_RECOMMENDATION, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, TO_THE_RECOMMENDATION, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    },
    # Translating a progress update: the staff of the organisation that posted it (the owner).
    ("roundtables.update_translation", "GET"): {
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, OK, FORBIDDEN),
    },
    ("roundtables.update_translation", "POST"): {
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_THE_UPDATE, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, TO_THE_UPDATE, FORBIDDEN),
    },
    ("roundtables.indicators", "GET"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    },
    ("roundtables.indicators", "POST"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, TO_ITS_INDICATORS, NOT_FOUND, FORBIDDEN, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, TO_ITS_INDICATORS, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, TO_ITS_INDICATORS, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    },
    ("roundtables.transition", "POST"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORM_REFUSED, NOT_FOUND, FORBIDDEN, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORM_REFUSED, FORBIDDEN),
    },
    # Rating what changed: a verified recommendation's co-chairs only (none here is verified).
    ("roundtables.outcome", "POST"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    },
    ("roundtables.post_update", "POST"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORM_REFUSED, FORBIDDEN),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORM_REFUSED, FORBIDDEN),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORM_REFUSED, FORBIDDEN),
    },
    ("roundtables.recommendation_history", "GET"): {
        DRAFT_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK),
        AGREED_RECOMMENDATION: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK, OK),
        PRIVATE_RECOMMENDATION: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, OK),
    },
    ("roundtables.mine", "GET"): {
        NOTHING: (LOGIN, OK, OK, OK, OK, OK, FORBIDDEN),
    },
    # Follow-through: the roundtable's co-chairs and admins; across roundtables, any co-chair (their
    # own) and admins.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("roundtables.dashboard", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    ("roundtables.report", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    ("roundtables.report_pdf", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    ("roundtables.report_csv", "GET"): {
        PUBLIC_ROUNDTABLE: (LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
        PRIVATE_ROUNDTABLE: (LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK),
    },
    ("roundtables.dashboard_all", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    },
    ("roundtables.review_queue", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    },
    # Verifying several at once: as the queue; nothing ticked, the queue says so.
    ("roundtables.verify_chosen", "POST"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, TO_REVIEW, TO_REVIEW, FORBIDDEN, TO_REVIEW),
    },
    # Accounts. Logged-in visitors are sent from the login page to their own work. A set-password
    # link works for whoever holds it: the link is the credential.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("auth.login", "GET"): {
        NOTHING: (OK, TO_MY_PLEDGES, TO_MY_PLEDGES, TO_FOLLOW_UP, TO_FOLLOW_UP, TO_MY_PLEDGES, TO_ADMIN),
    },
    ("auth.login", "POST"): {
        NOTHING: (FORM_REFUSED, TO_MY_PLEDGES, TO_MY_PLEDGES, TO_FOLLOW_UP, TO_FOLLOW_UP, TO_MY_PLEDGES, TO_ADMIN),
    },
    ("auth.logout", "POST"): {
        NOTHING: (LOGIN, TO_HOME, TO_HOME, TO_HOME, TO_HOME, TO_HOME, TO_HOME),
    },
    # The language switcher of a logged-in person: kept in their own account, back to the
    # page they were on (here none: their home).
    ("auth.set_language", "POST"): {
        NOTHING: (LOGIN, TO_MY_PLEDGES, TO_MY_PLEDGES, TO_FOLLOW_UP, TO_FOLLOW_UP, TO_MY_PLEDGES, TO_ADMIN),
    },
    ("auth.change_password", "GET"): {
        NOTHING: (LOGIN, OK, OK, OK, OK, OK, OK),
    },
    ("auth.change_password", "POST"): {
        NOTHING: (LOGIN, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED),
    },
    # Asking for a new e-mail address: one's own account. Its link works without a log-in (it
    # proves the new address); the button makes the change, then each lands on their home.
    ("auth.change_email", "GET"): {
        NOTHING: (LOGIN, OK, OK, OK, OK, OK, OK),
    },
    ("auth.change_email", "POST"): {
        NOTHING: (LOGIN, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED),
    },
    ("auth.confirm_email", "GET"): {
        EMAIL_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("auth.confirm_email", "POST"): {
        EMAIL_LINK: (TO_HOME, TO_MY_PLEDGES, TO_MY_PLEDGES, TO_FOLLOW_UP, TO_FOLLOW_UP, TO_MY_PLEDGES, TO_ADMIN),
    },
    ("auth.set_password", "GET"): {
        SET_PASSWORD_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("auth.set_password", "POST"): {
        SET_PASSWORD_LINK: (
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
        ),
    },
    # Asking for a reset link, and using one: for whoever holds the address or the link.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("auth.forgot_password", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("auth.forgot_password", "POST"): {
        NOTHING: (FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED),
    },
    ("auth.reset_password", "GET"): {
        RESET_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("auth.reset_password", "POST"): {
        RESET_LINK: (FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED, FORM_REFUSED),
    },
    # An e-mail's unsubscribe link works without a log-in: the signed link is the credential.
    ("notifications.unsubscribe", "GET"): {
        UNSUBSCRIBE_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("notifications.unsubscribe", "POST"): {
        UNSUBSCRIBE_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    # Following a pledge by e-mail: anyone, a published pledge only (not a draft, even for
    # those who may read it); its confirmation and unsubscribe links are the credential.
    ("pledges.follow", "GET"): {
        DRAFT_PLEDGE: (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        PUBLISHED_PLEDGE: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("pledges.follow", "POST"): {
        DRAFT_PLEDGE: (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        PUBLISHED_PLEDGE: (
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
            FORM_REFUSED,
        ),
    },
    ("pledges.confirm_follow", "GET"): {
        FOLLOW_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("pledges.confirm_follow", "POST"): {
        FOLLOW_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("pledges.unfollow", "GET"): {
        UNFOLLOW_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("pledges.unfollow", "POST"): {
        UNFOLLOW_LINK: (OK, OK, OK, OK, OK, OK, OK),
    },
    # The notification centre and settings: everyone logged in, their own. Someone else's
    # notification is not said to exist. (An empty settings form changes nothing.)
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("notifications.index", "GET"): {
        NOTHING: (LOGIN, OK, OK, OK, OK, OK, OK),
    },
    ("notifications.mark_read", "POST"): {
        NOTIFICATION: (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_THE_NOTIFICATION, NOT_FOUND),
    },
    ("notifications.mark_all_read", "POST"): {
        NOTHING: (
            LOGIN,
            TO_NOTIFICATIONS,
            TO_NOTIFICATIONS,
            TO_NOTIFICATIONS,
            TO_NOTIFICATIONS,
            TO_NOTIFICATIONS,
            TO_NOTIFICATIONS,
        ),
    },
    ("notifications.settings", "GET"): {
        NOTHING: (LOGIN, OK, OK, OK, OK, OK, OK),
    },
    ("notifications.settings", "POST"): {
        NOTHING: (LOGIN, TO_SETTINGS, TO_SETTINGS, TO_SETTINGS, TO_SETTINGS, TO_SETTINGS, TO_SETTINGS),
    },
    # Outgoing mail: admins only (a retry of a message that is not failed says so, and goes back).
    ("notifications.outgoing_mail", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("notifications.retry", "POST"): {
        OUTGOING_MAIL: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_FAILED_MAIL),
    },
    # Admin pages: admins only; the public is asked to log in. An empty form on an edit page
    # re-saves the record as it is (the form is filled from the record).
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("admin.index", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.audit", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.organisations", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_organisation", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_organisation", "POST"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
    },
    ("admin.edit_organisation", "GET"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.edit_organisation", "POST"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_ORGS),
    },
    ("admin.users", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_user", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_user", "POST"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
    },
    ("admin.edit_user", "GET"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.edit_user", "POST"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_THE_USER),
    },
    ("admin.user_active", "POST"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, BAD_REQUEST),
    },
    ("admin.user_set_password_link", "POST"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_THE_USER),
    },
    ("admin.forums", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_forum", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_forum", "POST"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
    },
    ("admin.edit_forum", "GET"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.edit_forum", "POST"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_FORUMS),
    },
    # Administration › Import: admins only; a preview (and its confirmation) is its uploader's.
    ("imports.start", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("imports.start", "POST"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
    },
    ("imports.organisations_csv", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("imports.export", "GET"): {
        PENDING_IMPORT: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("imports.download_template", "GET"): {
        PENDING_IMPORT: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("imports.preview", "GET"): {
        PENDING_IMPORT: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("imports.preview", "POST"): {
        PENDING_IMPORT: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_NEWEST_PLEDGES),
    },
    ("admin.countries", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_country", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_country", "POST"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
    },
    ("admin.edit_country", "GET"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.edit_country", "POST"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_COUNTRIES),
    },
    ("admin.themes", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_theme", "GET"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.new_theme", "POST"): {
        NOTHING: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORM_REFUSED),
    },
    ("admin.edit_theme", "GET"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    },
    ("admin.edit_theme", "POST"): {
        ADMIN_RECORDS: (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, TO_THEMES),
    },
    # The JSON API: the same answer whoever asks, so drafts and private roundtables are 404 to all.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("Pledges.index", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("Pledges.show", "GET"): {
        DRAFT_PLEDGE: (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        PUBLISHED_PLEDGE: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("Roundtables.index", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("Roundtables.show", "GET"): {
        PUBLIC_ROUNDTABLE: (OK, OK, OK, OK, OK, OK, OK),
        PRIVATE_ROUNDTABLE: (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    },
    ("Recommendations.index", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("Recommendations.show", "GET"): {
        DRAFT_RECOMMENDATION: (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        AGREED_RECOMMENDATION: (OK, OK, OK, OK, OK, OK, OK),
        PRIVATE_RECOMMENDATION: (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    },
    ("Filter values.themes", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("Filter values.organisations", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("Filter values.forums", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("Filter values.processes", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("Filter values.countries", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("api-docs.openapi_json", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("api-docs.openapi_swagger_ui", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    # For load balancers and the operator: /metrics for admins only (or a scraper's token).
    ("monitoring.healthz", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("monitoring.readyz", "GET"): {
        NOTHING: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("monitoring.metrics", "GET"): {
        NOTHING: (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    },
    # Files.
    #                        anonymous      signatory      outsider       co_chair       other_co_chair owner          admin
    ("static", "GET"): {
        SITE_CSS: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("bootstrap.static", "GET"): {
        BOOTSTRAP_CSS: (OK, OK, OK, OK, OK, OK, OK),
    },
    ("api_docs.asset", "GET"): {
        SWAGGER_UI_CSS: (OK, OK, OK, OK, OK, OK, OK),
    },
}


# --- the world --------------------------------------------------------------------------------------

# Words only some columns may read: a 200 shown to any other visitor must not contain them.
DRAFT_PLEDGE_TITLE = "Unpublished plan Quoll"
DRAFT_PLEDGE_ACTION = "Draft action Dunnart"
PRIVATE_ROUNDTABLE_TITLE = "Closed meeting Bandicoot"
DRAFT_RECOMMENDATION_TEXT = "Draft recommendation Potoroo"
READERS = {
    DRAFT_PLEDGE_TITLE: {"signatory", "admin"},
    DRAFT_PLEDGE_ACTION: {"signatory", "admin"},
    PRIVATE_ROUNDTABLE_TITLE: {"co_chair", "owner", "admin"},  # the owner's recommendation names it
    DRAFT_RECOMMENDATION_TEXT: {"co_chair", "owner", "admin"},
}


@dataclasses.dataclass
class World:
    emails: dict[str, str]  # visitor -> e-mail address
    arguments: dict[str, dict]  # record (DRAFT_PLEDGE, ...) -> the values of its addresses


def build_world(make) -> World:
    """One of everything an address can name, committed; its ids and slugs as plain values."""
    admin = make.admin()
    signatory_org = make.organisation("Signatory Red Cross")
    owner_org = make.organisation("Owner Red Crescent")
    government = make.organisation("Government of Co-chairs", kind=OrganisationKind.GOVERNMENT)
    elsewhere = make.organisation("Government of Elsewhere", kind=OrganisationKind.GOVERNMENT)
    signatory = make.staff(organisation=signatory_org)
    co_chair = make.co_chair(organisation=government)
    owner = make.staff(organisation=owner_org)
    people = {
        "signatory": signatory,
        "outsider": make.staff(organisation=make.organisation("Outsider Society")),
        "co_chair": co_chair,
        "other_co_chair": make.co_chair(organisation=elsewhere),
        "owner": owner,
        "admin": admin,
        "deactivated_signatory": make.staff(organisation=signatory_org),
        "deactivated_co_chair": make.co_chair(organisation=government),
        "deactivated_admin": make.admin(),
    }

    # Two pledges signed by the signatory's organisation, each with an action to edit and one
    # to withdraw (see _ARGUMENT_FOR).
    draft = make.pledge(author=signatory, title=DRAFT_PLEDGE_TITLE)
    evidence = [Upload("circulation.pdf", pdf_bytes())]
    draft_action = make.action(draft, author=signatory, summary=DRAFT_PLEDGE_ACTION, files=evidence)
    draft_spare = make.action(draft, author=signatory, summary="Second draft action")
    published = make.pledge(author=signatory, title="Published plan")
    take_transition(published, "start", signatory)
    published_action = make.action(published, author=signatory, summary="Published action", files=evidence)
    published_spare = make.action(published, author=signatory, summary="Second published action")

    # A public and a private roundtable co-chaired by `co_chair`'s government, each with a
    # heading and an outcome; and another roundtable, `other_co_chair`'s.
    public = make.roundtable(co_chairs=[government], title="Open roundtable", slug="open-roundtable")
    private = make.roundtable(co_chairs=[government], is_public=False, title=PRIVATE_ROUNDTABLE_TITLE, slug="closed")
    make.roundtable(co_chairs=[elsewhere], title="Another roundtable", slug="another-roundtable")
    parts = {}
    for roundtable in (public, private):
        group = add_outcome_group(roundtable, co_chair, heading="On coordination:")
        parts[roundtable.id] = group, add_outcome(group, co_chair, text="formalising mechanisms")

    # Recommendations owned by `owner`'s organisation: a draft, and one
    # agreed (with a progress update) in each roundtable.
    draft_recommendation = create_recommendation(public, co_chair, text=DRAFT_RECOMMENDATION_TEXT, owners=[owner_org])
    agreed = {}
    for roundtable in (public, private):
        recommendation = create_recommendation(
            roundtable, co_chair, text="Formalise national coordination mechanisms.", owners=[owner_org],
            due_date=dt.date(2030, 1, 1), outcome=parts[roundtable.id][1],
        )  # fmt: skip
        take_transition(recommendation, "agree", co_chair)
        post_progress_update(
            recommendation, owner, text="A first meeting was held.", date=dt.date(2020, 1, 1), files=evidence
        )
        agreed[roundtable.id] = recommendation

    # The admin pages' records, and an invited user's set-password link.
    organisation = make.organisation("Organisation for the admin pages")
    forum = taxonomy.create_forum(admin, name="Council of Delegates", kind=ForumKind.CONFERENCE, year=2019)
    theme = taxonomy.create_theme(admin, name="Migration")
    country = taxonomy.create_country(admin, name="Fiji", iso_code="FJ")
    invited, token = accounts.invite_user(
        admin, email="invited@example.org", name="Invited Person", role=Role.STAFF, organisation=organisation
    )
    # Someone of the public following the published pledge by e-mail.
    followers.ask_to_follow(published, "follower@example.net")
    follower = db.session.scalar(sa.select(PledgeFollower))
    # An import the admin uploaded (a draft pledge), not confirmed yet.
    pending = imports.upload(admin, [("pledges.csv", b"state,title\r\ndraft,Imported plan\r\n")])
    db.session.commit()

    def pledge(record, action, spare, event):
        return {
            "slug": record.slug,
            "action_id": action.id,
            "spare_action_id": spare.id,
            "event": event,
            "file_id": action.files[0].id,
        }

    def with_update(recommendation, event):
        update = recommendation.updates[0]
        return {
            "recommendation_id": recommendation.id,
            "event": event,
            "update_id": update.id,
            "file_id": update.files[0].id,
        }

    def roundtable(record):
        group, outcome = parts[record.id]
        return {
            "slug": record.slug,
            "group_id": group.id,
            "outcome_id": outcome.id,
            "kind": "headings",
            "record_id": group.id,
        }

    arguments = {
        NOTHING: {},
        # Events that cannot happen from the pledge's state, so that a signatory's empty POST is
        # refused: an empty "start" would publish the draft, an empty "complete" complete the other.
        DRAFT_PLEDGE: pledge(draft, draft_action, draft_spare, "complete"),
        PUBLISHED_PLEDGE: pledge(published, published_action, published_spare, "reopen"),
        PUBLIC_ROUNDTABLE: roundtable(public),
        PRIVATE_ROUNDTABLE: roundtable(private),
        # Refused: a draft cannot be verified (a co-chair's act, as agreeing), "complete" says
        # what was done.
        DRAFT_RECOMMENDATION: {"recommendation_id": draft_recommendation.id, "event": "verify"},
        AGREED_RECOMMENDATION: with_update(agreed[public.id], "complete"),
        PRIVATE_RECOMMENDATION: with_update(agreed[private.id], "complete"),
        ADMIN_RECORDS: {
            "organisation_id": organisation.id,
            "user_id": invited.id,
            "forum_id": forum.id,
            "forum_slug": forum.slug,
            "theme_id": theme.id,
            "country_id": country.id,
        },
        SET_PASSWORD_LINK: {"token": token},
        RESET_LINK: {"token": passwords.reset_password_token(invited)},
        OUTGOING_MAIL: {
            "mail_id": db.session.scalar(sa.select(OutgoingMail.id).where(OutgoingMail.user_id == invited.id))
        },
        UNSUBSCRIBE_LINK: {"token": unsubscribe_token(people["outsider"].id, SIGNATURE_INVITATION)},
        EMAIL_LINK: {"token": addresses.email_change_token(invited, "invited.elsewhere@example.org")},
        FOLLOW_LINK: {"token": followers.confirmation_token(follower)},
        UNFOLLOW_LINK: {"token": followers.unfollow_token(follower)},
        NOTIFICATION: {
            "notification_id": db.session.scalar(
                sa.select(Notification.id).where(Notification.user_id == owner.id).order_by(Notification.id).limit(1)
            )
        },
        SITE_CSS: {"filename": "css/tracker.css"},
        BOOTSTRAP_CSS: {"filename": "css/bootstrap.min.css"},
        SWAGGER_UI_CSS: {"filename": "swagger-ui.css"},
        PENDING_IMPORT: {"import_id": pending.id, "kind": "pledges", "export_kind": "recommendations"},
    }
    return World(emails={name: person.email for name, person in people.items()}, arguments=arguments)


# Withdrawing needs only the button (a reason is optional), so the signatory's empty POST does
# withdraw: the withdraw routes name an action of their own, which no other request needs.
_ARGUMENT_FOR = {
    ("pledges.withdraw_action_view", "action_id"): "spare_action_id",
    ("imports.export", "kind"): "export_kind",
    ("public.forum", "slug"): "forum_slug",
    ("public.forum_report", "slug"): "forum_slug",
    ("Recommendations.show", "id"): "recommendation_id",
}


def _url_values(endpoint: str, rule_arguments, record: str, world: World) -> dict:
    available = world.arguments[record]
    values = {}
    for name in sorted(rule_arguments):
        key = _ARGUMENT_FOR.get((endpoint, name), name)
        assert key in available, f"{endpoint}: build_world has no <{name}> for {record!r}: add one"
        values[name] = available[key]
    return values


# --- asking -------------------------------------------------------------------------------------------


def _routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def _requests() -> list[tuple[str, str, str]]:
    """(endpoint, method, record) of every row of the table, GETs first, then POSTs, logging out last: a
    POST that succeeds (a withdrawal, an admin saving a record unchanged, a new set-password
    link, logging out) then changes nothing another request sees."""
    requests = [(endpoint, method, record) for (endpoint, method), rows in EXPECTED.items() for record in rows]
    return sorted(requests, key=lambda r: (r[0] == "auth.logout", r[1] != "GET", r[0], r[2]))


def log_in(client, email: str, remember: bool = False) -> None:
    data = {"email": email, "password": "demo-password"} | ({"remember_me": "y"} if remember else {})
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302 and not response.headers["Location"].startswith("/auth/login"), (
        f"{email} could not log in: the requests would all be the public's"
    )


def _user(email: str) -> User:
    return db.session.scalar(db.select(User).where(User.email == email))


def become(visitor: str, client, world: World) -> None:
    """Log in as `visitor`. A deactivated visitor logs in with "Keep me logged in", is seen
    to be logged in, and is then deactivated by an admin: the browser keeps both its session
    cookie and its keep-me-logged-in cookie."""
    if visitor == "anonymous":
        return
    log_in(client, world.emails[visitor], remember=visitor in DEACTIVATED)
    if visitor in DEACTIVATED:
        assert client.get("/auth/password").status_code == 200, "the session works before deactivation"
        accounts.set_active(_user(world.emails[visitor]), _user(world.emails["admin"]), False)
        db.session.commit()


def column_of(visitor: str) -> str:
    return "anonymous" if visitor in DEACTIVATED else visitor


def _answered_as(expected: Outcome, response, url: str, values: dict) -> bool:
    if response.status_code != expected.status:
        return False
    if expected.to is None:
        return True
    location = response.headers.get("Location", "")
    if expected.to == LOGIN_PAGE:
        parts = urlsplit(location)
        return parts.path == "/auth/login" and parse_qs(parts.query).get("next") == [url]
    return location == expected.to.format(**values)


def _got(response) -> str:
    if 300 <= response.status_code < 400:
        return f"{response.status_code} to {response.headers.get('Location')}"
    return str(response.status_code)


@pytest.fixture(scope="module")
def shared_app(schema_url):
    """One app for the whole matrix. A new app per visitor (as the `app` fixture makes) would
    compile every template and every SQL statement again for each: most of this file's time."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": schema_url})
    app.test_client_class = CommittingClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def matrix_app(shared_app):
    """The shared app, in an app context of this test's own, emptied afterwards (as `app` is),
    with the throttle's counts from zero (as `app` has them)."""
    limiter.reset()
    with shared_app.app_context():
        yield shared_app
        db.session.remove()
        empty_all_tables()


# --- the tests ----------------------------------------------------------------------------------------


def test_the_table_covers_every_route_and_method(shared_app):
    """Every (endpoint, method) of the app is in EXPECTED, and EXPECTED has nothing else: a new
    route cannot go unchecked, and a removed one cannot leave a stale entry behind."""
    routes, table = _routes(shared_app), set(EXPECTED)
    missing = "".join(f"\n  ({endpoint!r}, {method!r})" for endpoint, method in sorted(routes - table))
    stale = "".join(f"\n  ({endpoint!r}, {method!r})" for endpoint, method in sorted(table - routes))
    assert not missing, (
        "These routes are not in EXPECTED in tests/test_authorisation_matrix.py. Add each, with the "
        f"outcome for every visitor (and a record in build_world if its address names one):{missing}"
    )
    assert not stale, f"EXPECTED has entries for routes that no longer exist; remove them:{stale}"


def test_each_row_gives_one_outcome_per_column_for_a_record_the_world_has():
    """A row with a missing or extra cell would shift every visitor's expectation along."""
    malformed = [
        f"{key} {record}"
        for key, rows in EXPECTED.items()
        for record, outcomes in rows.items()
        if len(outcomes) != len(COLUMNS) or not all(isinstance(o, Outcome) for o in outcomes) or record not in RECORDS
    ]
    assert not malformed, f"rows that do not give one Outcome per column {COLUMNS}: {malformed}"


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_route_answers_each_visitor_as_the_table_says(matrix_app, visitor):
    """Each address, asked by this visitor, answers as EXPECTED says; and no page this visitor
    gets shows a draft pledge, private roundtable or draft recommendation they may not read.
    Every difference is listed, not only the first."""
    client = matrix_app.test_client()
    world = build_world(Factories())
    become(visitor, client, world)
    column = COLUMNS.index(column_of(visitor))
    rules = {rule.endpoint: rule for rule in matrix_app.url_map.iter_rules()}
    addresses = matrix_app.url_map.bind("localhost")
    wrong = []
    for endpoint, method, record in _requests():
        url = addresses.build(endpoint, _url_values(endpoint, rules[endpoint].arguments, record, world))
        response = client.open(url, method=method, data={} if method == "POST" else None)
        body = response.get_data()  # read, so that a streamed file is closed
        response.close()
        expected = EXPECTED[endpoint, method][record][column]
        if not _answered_as(expected, response, url, world.arguments[record]):
            wrong.append(f"{endpoint} {method} {url} ({record}): expected {expected}, got {_got(response)}")
        elif response.status_code == 200:
            wrong += [
                f"{endpoint} {method} {url} ({record}): shows {secret!r}, which only {sorted(readers)} may read"
                for secret, readers in READERS.items()
                if column_of(visitor) not in readers and secret.encode() in body
            ]
    assert not wrong, f"Answers to the {visitor} visitor that differ from the table ({len(wrong)}):\n" + "\n".join(
        wrong
    )
