"""Factories: a test says only what it is about; these fill in the rest."""

import datetime as dt
import itertools

from werkzeug.security import generate_password_hash

from tracker.accounts import logins
from tracker.accounts.models import Organisation, OrganisationKind, Role, User
from tracker.core.extensions import db
from tracker.pledges import operations as pledge_operations
from tracker.pledges.models import SIGNED, Pledge
from tracker.roundtables import operations as roundtable_operations
from tracker.roundtables.models import Roundtable

_n = itertools.count(1)
PASSWORD = "demo-password"
# Hashing is deliberately slow (scrypt, for real accounts). Test accounts share one hash
# of the test password, made with few iterations so that each login checks it quickly.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def session_id(user):
    """What a browser's session holds once `user` has logged in in it: a login started on
    the server (tests that set `_user_id` themselves skip the log-in page)."""
    logins.start(user, remembered=False)
    return user.get_id()


def take_transition(record, event, actor, **rule_data):
    """The workflow operation of the record's own area: a pledge's or a recommendation's."""
    operations = pledge_operations if isinstance(record, Pledge) else roundtable_operations
    return operations.take_transition(record, event, actor, **rule_data)


class Factories:
    def organisation(self, name=None, kind=OrganisationKind.NATIONAL_SOCIETY, **fields) -> Organisation:
        org = Organisation(name=name or f"Organisation {next(_n)}", kind=kind, **fields)
        db.session.add(org)
        db.session.flush()
        return org

    def user(self, organisation=None, role=Role.STAFF, email=None, active=True, **fields) -> User:
        if organisation is None and role is not Role.ADMIN:
            organisation = self.organisation()
        n = next(_n)
        user = User(
            email=email or f"user{n}@example.org",
            name=fields.pop("name", f"User {n}"),
            role=role,
            organisation=organisation,
            active=active,
            **fields,
        )
        user.password_hash = _PASSWORD_HASH
        db.session.add(user)
        db.session.flush()
        return user

    def staff(self, organisation=None, **fields) -> User:
        return self.user(organisation=organisation, role=Role.STAFF, **fields)

    def co_chair(self, organisation=None, **fields) -> User:
        return self.user(
            organisation=organisation or self.organisation(kind=OrganisationKind.GOVERNMENT),
            role=Role.CO_CHAIR,
            **fields,
        )

    def admin(self, **fields) -> User:
        return self.user(organisation=None, role=Role.ADMIN, **fields)

    def pledge(
        self, author=None, lead=None, co_signatories=(), title="Regional Protection", text=None, invited=False, **fields
    ):
        """A draft pledge; `author` (staff of the lead signatory) is made when not given.
        Every organisation named has signed it, `lead` leading, as if each had accepted its
        invitation — unless `invited`: then the others are invited, as the writer left them."""
        lead = lead or (author.organisation if author else self.organisation())
        author = author or self.staff(organisation=lead)
        pledge = pledge_operations.create_pledge(
            author,
            title=title,
            text="Strengthen regional protection for vulnerable migrants." if text is None else text,
            lead=lead,
            co_signatories=list(co_signatories),
            **fields,
        )
        if not invited:
            _all_signed(pledge, lead)
        return pledge

    def action(self, pledge, author=None, **fields):
        author = author or self.staff(organisation=pledge.lead_signatory)
        fields.setdefault("date", dt.date(2019, 6, 1))
        fields.setdefault("summary", "Organised three roundtables on regional protection.")
        fields.setdefault("organisations", [author.organisation])
        return pledge_operations.record_action(pledge, author, **fields)

    def pledge_in_progress(self, **fields):
        pledge = self.pledge(**fields)
        pledge_operations.take_transition(pledge, "start", self._signatory_staff(pledge))
        return pledge

    def _signatory_staff(self, pledge):
        return self.staff(organisation=pledge.lead_signatory)

    def roundtable(self, co_chairs=None, is_public=True, **fields) -> Roundtable:
        roundtable = Roundtable(
            slug=fields.pop("slug", f"roundtable-{next(_n)}"),
            title=fields.pop("title", "Government and Civil Society Roundtable"),
            start_date=fields.pop("start_date", dt.date(2018, 5, 14)),
            end_date=fields.pop("end_date", dt.date(2018, 5, 15)),
            is_public=is_public,
            co_chairs=co_chairs if co_chairs is not None else [self.organisation(kind=OrganisationKind.GOVERNMENT)],
            **fields,
        )
        db.session.add(roundtable)
        db.session.flush()
        return roundtable

    def recommendation(self, roundtable=None, owners=None, due_date=dt.date(2030, 1, 1), **fields):
        """A draft recommendation with a lead owner and a due date (ready to agree)."""
        roundtable = roundtable or self.roundtable()
        co_chair = self.co_chair(organisation=roundtable.co_chairs[0])
        return roundtable_operations.create_recommendation(
            roundtable,
            co_chair,
            text=fields.pop("text", "Formalise national coordination mechanisms."),
            owners=owners if owners is not None else [self.organisation()],
            due_date=due_date,
            **fields,
        )


def _all_signed(pledge, lead) -> None:
    """Every organisation named on `pledge` signs it, `lead` leading (set up directly: the
    consent flow itself is tested in test_signatures)."""
    for row in pledge.signatory_rows:
        row.status, row.invited_to_lead = SIGNED, False
    rows = {row.organisation_id: row for row in pledge.signatory_rows}
    if not rows[lead.id].is_lead:
        for row in pledge.signatory_rows:
            row.is_lead = False
        db.session.flush()
        rows[lead.id].is_lead = True
    db.session.flush()
