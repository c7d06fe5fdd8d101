"""People and the organisations they belong to: who signs pledges, who owns
recommendations, who co-chairs roundtables, and who logs in.

Rules about who may change them live in `tracker.permissions`; how they change, in
`operations` and `passwords`.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from typing import ClassVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.columns import choice, give_slugs_by_name, slug_from_name, utcnow
from ..core.extensions import Base
from ..core.i18n import _l
from ..core.limits import Limit

# What people call each kind and role, in the reader's language when shown (the database
# and history keep the values).
_KIND_LABELS = {
    "national_society": _l("National Society"),
    "government": _l("Government"),
    "international_organisation": _l("International organisation"),
    "civil_society": _l("Civil-society organisation"),
    "other": _l("Other"),
}
_ROLE_LABELS = {"staff": _l("Staff"), "co_chair": _l("Co-chair"), "admin": _l("Admin")}


class OrganisationKind(enum.Enum):
    NATIONAL_SOCIETY = "national_society"
    GOVERNMENT = "government"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"

    @property
    def label(self) -> str:
        """In words (lazy: in the reader's language when shown)."""
        return cast(str, _KIND_LABELS[self.value])


class Role(enum.Enum):
    STAFF = "staff"
    CO_CHAIR = "co_chair"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """In words (lazy: in the reader's language when shown)."""
        return cast(str, _ROLE_LABELS[self.value])


class Organisation(Base):
    __tablename__ = "organisations"
    limits: ClassVar[dict[str, Limit]] = {
        "name": Limit(200, required=_l("Give the organisation's name.")),
        "short_name": Limit(50),
        "country": Limit(100),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Its identifier in API filters (/api/v1/pledges?organisation=australian-red-cross): made
    # from its name when it is added, never changed.
    slug: Mapped[str] = mapped_column(
        sa.String(120), unique=True, default=slug_from_name("organisations", "organisation")
    )
    short_name: Mapped[str | None] = mapped_column(sa.String(50))
    kind: Mapped[OrganisationKind] = mapped_column(choice(OrganisationKind, "organisation_kind"))
    country: Mapped[str | None] = mapped_column(sa.String(100))
    # False while an organisation proposed by staff (in the pledge editor) awaits an admin,
    # who checks its name and fills in its kind and country.
    confirmed: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    @property
    def choice_label(self) -> str:
        """How a form's choices name it: a proposed one says it awaits an admin (lazy: in the
        reader's language when shown)."""
        if self.confirmed:
            return self.display_name
        return cast(str, _l("%(name)s — proposed, awaiting an admin", name=self.display_name))

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


give_slugs_by_name(Organisation, fallback="organisation")


# scrypt (werkzeug's default, named so a library upgrade cannot quietly change it): a
# memory-hard key-derivation function, as OWASP's password-storage guidance recommends.
PASSWORD_HASH_METHOD = "scrypt"


class User(Base):
    """An account. It answers what Flask-Login asks of a user (`is_active`,
    `is_authenticated`, `is_anonymous`, `get_id`), as `flask_login.UserMixin` would,
    without the model importing the web framework."""

    __tablename__ = "users"
    limits: ClassVar[dict[str, Limit]] = {
        "name": Limit(200, required=_l("Give the person's name.")),
        "email": Limit(254, required=_l("Give the person's e-mail address.")),
    }
    __table_args__ = (
        # Case-insensitive uniqueness: e-mails are stored lower-cased, and the database
        # refuses any that are not, so the plain unique constraint is enough.
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.CheckConstraint("role = 'admin' OR organisation_id IS NOT NULL", name="member_has_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(choice(Role, "role"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The language they read the tracker and its e-mails in ("fr"); None: as their browser
    # asks (tracker/core/i18n.py).
    language: Mapped[str | None] = mapped_column(sa.String(8))

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    # No public page shows an account: a log-in does not make the public pages stale.
    moves_data_version: ClassVar[bool] = False

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return email.strip().lower()

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def password_fingerprint(self) -> str:
        """A short digest of the password hash: it changes whenever the password does."""
        if not self.password_hash:
            return ""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    # The token of the login this object was loaded for, or started by (see `logins`);
    # never stored: the database keeps only its digest. (Not a column: __allow_unmapped__.)
    __allow_unmapped__ = True
    login_token: str = ""

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the keep-me-logged-in cookie: the id,
        the password's fingerprint and the login's token. A login ended on the server (a
        log-out, a new password, a deactivation) makes every copy of either cookie useless."""
        return f"{self.id}:{self.password_fingerprint}:{self.login_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return self.is_active

    @property
    def is_anonymous(self) -> bool:
        return False

    # Two objects of one account are equal (Flask-Login's UserMixin says so too).
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, User):
            return self.get_id() == other.get_id()
        return NotImplemented

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_co_chair(self) -> bool:
        return self.role is Role.CO_CHAIR

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserLogin(Base):
    """One browser's login, from the log-in until it logs out (or the password changes, or
    the account is deactivated, or it expires): what makes a session and a keep-me-logged-in
    cookie valid on the server. Only a digest of its token is kept."""

    __tablename__ = "user_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remembered: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)

    user: Mapped[User] = relationship()

    moves_data_version: ClassVar[bool] = False
