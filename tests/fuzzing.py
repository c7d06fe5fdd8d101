"""Shared pieces of the fuzz tests (`test_fuzz.py`, `test_api_schemathesis.py`): Hypothesis
profiles, strategies for nasty input, the fields of a WTForms form class, and a database
that every example leaves exactly as it found it.

Profiles — choose one with the HYPOTHESIS_PROFILE environment variable:

- ``ci`` (the default): a bounded, derandomised run, so `make test` is quick and gives the
  same verdict every time (a failure in CI replays exactly with the same command).
- ``long``: ``LONG_EXAMPLES`` examples per fuzz test, random, for `make fuzz` (well over
  10,000 examples in all); failures are kept in `.hypothesis/` (git-ignored) and replayed
  first on the next run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import string
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSqlaSession
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from wtforms import BooleanField, DecimalField, FieldList, FormField, IntegerField, SelectFieldBase, SubmitField
from wtforms.validators import AnyOf, Length

from tracker.core import data_version
from tracker.core.extensions import db

# --- profiles ------------------------------------------------------------------------------------

CI_EXAMPLES = 6
LONG_EXAMPLES = 120

_COMMON = {
    "deadline": None,  # a request that renders a page takes a few ms, sometimes far more on a busy machine
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=CI_EXAMPLES, derandomize=True, database=None, **_COMMON)
settings.register_profile("long", max_examples=LONG_EXAMPLES, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
# The JSON API has four operations, each cheap to call: schemathesis gets more per test.
API_EXAMPLES = settings.default.max_examples * 4


# --- nasty values ----------------------------------------------------------------------------------

# A sentence in many scripts: right-to-left, complex shaping, no spaces between words, astral.
SCRIPTS = [
    "حماية المهاجرين المستضعفين",  # Arabic (RTL)
    "הגנה על מהגרים",  # Hebrew (RTL)
    "प्रवासियों की सुरक्षा",  # Devanagari
    "ການປົກປ້ອງແຮງງານ",  # Lao
    "ការការពារជនចំណាកស្រុក",  # Khmer
    "การคุ้มครองผู้ย้ายถิ่น",  # Thai
    "移民保护与合作",  # Chinese
    "移住者の保護",  # Japanese
    "이주민 보호",  # Korean
    "Защита мигрантов",  # Cyrillic
    "Προστασία μεταναστών",  # Greek
    "Պաշտպանություն",  # Armenian
    "დაცვა",  # Georgian
    "ሰብአዊ ጥበቃ",  # Ethiopic
    "ᐃᓄᒃᑎᑐᑦ",  # Canadian syllabics
    "𐌰𐌱𐌲 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",  # Gothic and mathematical letters (astral)
    "👩🏽‍🚒🇦🇺🏳️‍🌈 ❤️‍🔥",  # emoji: skin tones, ZWJ sequences, flags
    "Z̸̢̛͓̈́a̷̼̓l̶̰̈g̵̣̈́o̴̡͝",  # stacked combining marks
    "İstanbul ß ﬁ ǅ ΐ",  # case mappings that change length
]

# Characters that break naive code: controls, bidi overrides, invisible and odd spaces,
# line and paragraph separators, a byte-order mark, a replacement and a non-character.
CONTROL_CHARACTERS = "".join(chr(c) for c in [*range(1, 32), 0x7F, *range(0x80, 0xA0)])
INVISIBLE_CHARACTERS = (
    "\u00a0\u00ad\u034f\u061c\u115f\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u202f\u2028\u2029\u205f\u2060\u2066\u2067\u2068\u2069\u3000\ufeff\ufffc\ufffd\uffff\U000e0001"
)

TRICKY_STRINGS = [
    "",
    " ",
    "\t\r\n",
    "\u202eevil\u202c",
    "' OR 1=1 --",
    '"; DROP TABLE pledges; --',
    "%",
    "_",
    "\\",
    "%_\\%",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "{{ 7*7 }}",
    "{% raw %}",
    "${jndi:ldap://x}",
    '=HYPERLINK("http://x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\ufeffBOM",
    "a\u0301",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    '"',
    '""',
    "'",
    "/",
    "//",
    "../../etc/passwd",
    "\r\n\r\nHTTP/1.1 200 OK",
    *SCRIPTS,
]

MALFORMED_DATES = [
    "2024-02-30", "2021-02-29", "2020-02-29", "0000-01-01", "0001-01-01", "1899-12-31", "1900-01-01",
    "9999-12-31", "99999-01-01", "10000", "-2020", "+2020", "yesterday", "tomorrow", "now", "today",
    "2024-13-01", "2024-00-10", "2024-1-1", "31/12/2024", "12/31/2024", "05/06/2020", "2024/12/31",
    "2020-05-14T10:00:00", "2020-05-14 10:00", "29 February 2021", "31 April 2020", "31st April 2020",
    "14th May 2020", "1st Sept 2020", "Sept 2020", "May 2020", "Mai 2020", "2020", "2020-05", "14 May 2020",
    "May 14, 2020", "١٤ مايو ٢٠٢٠", "２０２０", "२०२०", "2020-W01", "1e4", "2020.05.14", " 2020 ", "0", "-1",
]  # fmt: skip

MALFORMED_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "file:///etc/passwd", "mailto:a@b.c",
    "http://", "https://", "http:///x", "http://[", "http://[::1", "http://]", "http://exa mple.org",
    "//example.org", "example.org", "www.example.org", "ftp://example.org", "http://例え.テスト/パス",
    "https://xn--", "http://user:pass@host:99999/", "https://example.org:abc/", "http://0x7f.1/",
    "https://example.org/\u202egnp.exe", "https://example.org/<script>", "https://example.org/%00",
    "http://%", "HTTP://EXAMPLE.ORG", "https://example.org/" + "a" * 2000, "https://example.org/" + "a" * 1980,
    "https://example.org/a b", "https://example.org/a\nb", "https://example.org", "http://localhost:5000/x",
]  # fmt: skip

NUMBERS = [
    "0", "-0", "1", "-1", "+5", "5.", ".5", "1e3", "1E+3", "0e0", "1e309", "-1e309", "1e-309", "1e999999999",
    "1e-999999999", "NaN", "nan", "sNaN", "Infinity", "-inf", "１２３", "١٢٣", "१२३", "²", "½", "Ⅻ", "0x10",
    "0b101", "1_000", "1,000", "1 000", "1\u00a0000", "1\u202f000", "2,037.5", "0.001", "0.005", "12.345",
    "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
    "99999999999999999999", "-99999999999999999999", "1" * 5000, "999999999999999999.99", "1e18", "1,,,,1",
    "٫٥", "1900", "2200", "2201", "1899", "2100", "2101", " 12 ", "12abc", "",
]  # fmt: skip

EMAILS = [
    "a@b.c", "name@redcross.org.au", "Name@RedCross.Org.AU", " spaced@example.org ", "用户@例子.广告",
    "ä@ä.de", "a@b", "@", "a@", "@b", "a@b@c", "a" * 300 + "@example.org", "a@" + "b" * 300 + ".org",
    '"quoted"@example.org', "a@[127.0.0.1]", "a+b@example.org", "admin@example.org", "a@b.c\n",
]  # fmt: skip

# "demo-password" is every test account's password (tests/factories.py).
PASSWORDS = [
    "demo-password", "correct horse battery staple orbit", "Tr0ub4dor&3 lemon bicycle", "password1234",
    "aaaaaaaaaaaa", "short", "a" * 1001, "p" * 1000, "ünïcødé pässwörd ḿore wörds", "demo-password ",
]  # fmt: skip

BOOLEANS = ["y", "yes", "on", "true", "True", "1", "", "0", "false", "n", "no", "off", "√", "null"]

NOT_AN_ID = ["", "0", "-1", "1.0", "1e3", "０", "１", "²", "abc", "None", "null", "[]", "2147483648",
             "9223372036854775808", "99999999999999999999", "1" * 5000]  # fmt: skip

# Ids of records that do not exist, however big (the fuzzed database holds few records).
MISSING_IDS = [0, 999_999, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**20]

WITHOUT_NUL = st.characters(codec="utf-8", exclude_characters="\x00")  # (no lone surrogates: not UTF-8)


def huge_strings() -> st.SearchStrategy[str]:
    """100,000 characters (and a few sizes below it), in one or several scripts."""
    unit = st.sampled_from(["x", "é", "字", "👍", "a b ", "\u202e", "\r\n", "-", "'"])
    return st.tuples(unit, st.sampled_from([1_000, 10_001, 50_001, 100_000])).map(lambda t: (t[0] * t[1])[: t[1]])


def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text a person (or a program) might send: every Unicode category, scripts,
    controls, invisible characters, tricky strings, empty. (Huge strings are put into a
    request now and then by the tests themselves: in every field they would make every
    request a megabyte.)"""
    return st.one_of(
        st.text(WITHOUT_NUL, max_size=max_size),
        st.sampled_from(TRICKY_STRINGS),
        st.text(st.sampled_from(CONTROL_CHARACTERS + INVISIBLE_CHARACTERS + " a"), max_size=12),
        st.lists(st.sampled_from(TRICKY_STRINGS + list(INVISIBLE_CHARACTERS)), min_size=1, max_size=5).map("".join),
        st.text(st.characters(codec="utf-8", min_codepoint=0x80, exclude_characters="\x00"), max_size=max_size),
    )


def near_limit(limit: int) -> st.SearchStrategy[str]:
    """Strings right at a length limit and one past it, in several scripts."""
    unit = st.sampled_from(["x", "é", "字", "👍", " ", "\u202e"])
    size = st.sampled_from([limit - 1, limit, limit + 1])
    return st.tuples(unit, size).map(lambda t: t[0] * t[1])


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.integers().map(str),
        st.integers(0, 10).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.integers(-(10**30), 10**30).map(lambda n: f"{n:,}"),
        texts(8),
    )


def dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(MALFORMED_DATES),
        st.dates().map(dt.date.isoformat),
        st.dates(min_value=dt.date(1900, 1, 1)).map(lambda d: d.strftime("%d %B %Y")),
        st.dates().map(lambda d: d.strftime("%B %Y")),
        st.integers(-10, 100_000).map(str),
        texts(12),
    )


def urls() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(MALFORMED_URLS),
        st.builds(lambda path: "https://example.org/" + path, texts(30)),
        st.builds(
            lambda scheme, rest: scheme + rest, st.sampled_from(["http://", "https://", "javascript:", ""]), texts(20)
        ),
        texts(20),
    )


def emails() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(EMAILS), st.emails().map(str), texts(20))


def passwords() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(PASSWORDS), st.sampled_from(PASSWORDS), texts(30))


def id_values(valid: list[int], others: list[int] = ()) -> st.SearchStrategy[str]:
    """A select's or an id field's value: mostly a real one (so forms get through to the
    code behind them), else someone else's, one that does not exist, or not a number."""
    bad = st.one_of(st.sampled_from([str(i) for i in MISSING_IDS] + NOT_AN_ID), numbers(), texts(10))
    if not valid:
        return bad
    good = st.sampled_from([str(i) for i in valid])
    choices = [good, good, good, bad]
    if others:
        choices.append(st.sampled_from([str(i) for i in others]))
    return st.one_of(*choices)


def query_values() -> st.SearchStrategy[str]:
    return st.one_of(texts(20), numbers(), dates(), urls())


# --- JSON, for "wrong types" ----------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(WITHOUT_NUL, max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


# --- the fields of a WTForms form --------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One input of a form as the browser names it (`figures-0-label`), with what its
    WTForms field says about the values it takes."""

    name: str
    field_class: type
    kwargs: dict = field(default_factory=dict, compare=False, hash=False)
    list_of: bool = False  # one of a FieldList's rows: `name` holds "{i}" for the index

    @property
    def short_name(self) -> str:
        return self.name.rsplit("-", 1)[-1]

    @property
    def max_length(self) -> int | None:
        limits = [v.max for v in self.kwargs.get("validators") or () if isinstance(v, Length) and v.max >= 0]
        return min(limits) if limits else None

    @property
    def any_of(self) -> list[str]:
        return [str(value) for v in self.kwargs.get("validators") or () if isinstance(v, AnyOf) for value in v.values]

    @property
    def static_choices(self) -> list[str]:
        choices = self.kwargs.get("choices")
        if not choices or callable(choices):
            return []
        return [str(getattr(choice, "value", choice[0] if isinstance(choice, tuple) else choice)) for choice in choices]

    @property
    def multiple(self) -> bool:
        return issubclass(self.field_class, SelectFieldBase) and "Multiple" in "".join(
            c.__name__ for c in self.field_class.__mro__
        )


def _unbound_fields(form_class) -> list[tuple[str, object]]:
    """The (name, UnboundField) pairs of a form class, as WTForms' FormMeta finds them."""
    found = []
    for name in dir(form_class):
        if name.startswith("_"):
            continue
        unbound = getattr(form_class, name)
        if hasattr(unbound, "_formfield"):
            found.append((unbound.creation_counter, name, unbound))
    return [(name, unbound) for _counter, name, unbound in sorted(found, key=lambda item: item[:2])]


def form_fields(form_class, prefix: str = "") -> list[FieldSpec]:
    """Every input name of `form_class` (with `prefix`, e.g. "start-"), FieldList rows
    spelled with "{i}" where their index goes."""
    specs = []
    for name, unbound in _unbound_fields(form_class):
        cls = unbound.field_class
        if issubclass(cls, FieldList):
            row = unbound.args[0]
            if issubclass(row.field_class, FormField):
                for sub in form_fields(row.args[0]):
                    specs.append(
                        FieldSpec(f"{prefix}{name}-{{i}}-{sub.name}", sub.field_class, sub.kwargs, list_of=True)
                    )
            else:
                specs.append(FieldSpec(f"{prefix}{name}-{{i}}", row.field_class, row.kwargs, list_of=True))
        elif issubclass(cls, FormField):
            for sub in form_fields(unbound.args[0]):
                specs.append(FieldSpec(f"{prefix}{name}-{sub.name}", sub.field_class, sub.kwargs, sub.list_of))
        else:
            specs.append(FieldSpec(prefix + name, cls, dict(unbound.kwargs)))
    return specs


# Which records a select or id field names, by field name (the forms' own choices are
# built from the database when the form is made, so the fuzzer asks the world instead).
ID_FIELDS = {
    "forum": "forums",
    "themes": "themes",
    "countries": "countries",
    "lead": "organisations",
    "co_signatories": "organisations",
    "organisations": "organisations",
    "co_chairs": "governments",
    "participants": "organisations",
    "lead_owner": "organisations",
    "other_owners": "organisations",
    "organisation_id": "organisations",
    "organisation": "organisations",
    "group": "groups",
    "outcome": "outcomes",
}


def value_strategy(spec: FieldSpec, ids: dict[str, list[int]]) -> st.SearchStrategy[str]:
    """What to type into one input, chosen by its WTForms field and its name."""
    name = spec.short_name
    cls = spec.field_class
    targeted: list[st.SearchStrategy[str]] = []
    if spec.any_of:
        targeted.append(st.sampled_from(spec.any_of))
    if spec.static_choices:
        targeted += [st.sampled_from(spec.static_choices)] * 2
    elif issubclass(cls, SelectFieldBase) or name in ID_FIELDS or name == "version":
        if name == "version":
            targeted.append(st.integers(0, 4).map(str))
        else:
            everything = sorted({i for values in ids.values() for i in values})
            targeted.append(id_values(ids.get(ID_FIELDS.get(name, ""), []), everything))
    elif issubclass(cls, SubmitField):  # (a BooleanField: first)
        targeted.append(st.sampled_from(["y", "Save", ""]))
    elif issubclass(cls, BooleanField):
        targeted.append(st.sampled_from(BOOLEANS))
    elif issubclass(cls, (IntegerField, DecimalField)) or name in ("value", "year", "period_start", "period_end"):
        targeted += [numbers(), st.integers(1890, 2210).map(str)]
    elif "date" in name:
        targeted += [dates(), dates()]
    elif name == "url":
        targeted += [urls(), urls()]
    elif "email" in name:
        targeted += [emails(), emails()]
    elif "password" in name or name == "confirm":
        targeted += [passwords(), passwords()]
    elif name == "budget_currency":
        targeted.append(st.sampled_from(["AUD", "chf", " usd ", "US$", "ßAA", "€", "AUDD", "ＡＵＤ", "aud\n"]))
    if spec.max_length is not None and spec.max_length <= 5_000:  # longer limits: see huge_strings
        targeted.append(near_limit(spec.max_length))
    return st.one_of(*targeted, texts())


STRONG_PASSWORD = "correct horse battery staple orbit"
WORDS = st.sampled_from(
    ["Regional", "protection", "migrants", "roundtable", "Bali", "trafficking", "ASEAN", "2019"] + SCRIPTS
)
PLAIN_TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)


def plausible_value(spec: FieldSpec, ids: dict[str, list[int]]) -> st.SearchStrategy[str | None]:
    """A value a person filling the form in properly might give (None: leave it out), so
    that submissions get past the form to the code behind it — where a field or two of
    nasty input then goes (see `form_inputs`)."""
    name = spec.short_name
    cls = spec.field_class
    if spec.any_of:
        return st.sampled_from(spec.any_of)
    if spec.static_choices:
        return st.sampled_from(spec.static_choices)
    if name == "version":
        return st.one_of(st.none(), st.integers(1, 3).map(str))
    if issubclass(cls, SelectFieldBase) or name in ID_FIELDS:
        valid = ids.get(ID_FIELDS.get(name, ""), [])
        return st.sampled_from([str(i) for i in valid[:1] * 2 + valid]) if valid else st.none()
    if issubclass(cls, SubmitField):
        return st.sampled_from([None, None, "y"])
    if issubclass(cls, BooleanField):
        return st.sampled_from([None, "y"])
    if name in ("year", "period_start", "period_end"):
        return st.one_of(st.none(), st.integers(1990, 2030).map(str))
    if issubclass(cls, (IntegerField, DecimalField)) or name == "value":
        return st.sampled_from([None, "0", "12", "2,037", "80000000.50", "1 000"])
    if "date" in name:
        days = st.dates(dt.date(2000, 1, 1), dt.date.today())
        formats = [days.map(dt.date.isoformat), days.map(lambda d: d.strftime("%d %B %Y"))]
        if cls.__name__ != "DayField":  # an action's date may be a month or a year
            formats += [days.map(lambda d: d.strftime("%B %Y")), days.map(lambda d: str(d.year))]
        return st.one_of(*formats)
    if name == "url":
        return st.sampled_from(
            ["https://example.org/report.pdf", "http://例え.テスト/パス", "https://example.org/a?b=c#d"]
        )
    if "email" in name:  # (the world's accounts too: a log-in, a duplicate)
        return st.sampled_from(
            [
                "someone@example.org",
                "Ünïcode@example.org",
                "a.b+c@redcross.org.au",
                "staff.a@example.org",
                "admin@example.org",
            ]
        )
    if name == "current_password":
        return st.just("demo-password")
    if "password" in name or name == "confirm":  # the accounts' own, or a strong new one
        return st.sampled_from([STRONG_PASSWORD, STRONG_PASSWORD, "demo-password"])
    if name == "budget_currency":
        return st.sampled_from(["AUD", "chf", None])
    limit = spec.max_length or 5_000
    return PLAIN_TEXT.map(lambda text: text[:limit])


# --- one request -------------------------------------------------------------------------------------


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…({len(str(value))} chars)"


@dataclass
class FuzzRequest:
    """A request the fuzzer sends; its repr (in Hypothesis' report) shortens huge values."""

    method: str
    url: str
    visitor: str
    fields: list[tuple[str, object]] = field(default_factory=list)  # form inputs, in order, repeats allowed
    encoding: str = "form"  # form | multipart | json | raw
    json_body: object = None
    raw_body: bytes = b""

    def __repr__(self) -> str:
        parts = [f"{self.method} {self.url!r} as {self.visitor}"]
        if self.encoding == "json":
            parts.append(f"json={_short(self.json_body, 300)}")
        elif self.encoding == "raw":
            parts.append(f"raw={_short(self.raw_body, 300)}")
        elif self.fields:
            parts.append(f"{self.encoding}: " + ", ".join(f"{k!s}={_short(v)}" for k, v in self.fields))
        return f"<{'; '.join(parts)}>"

    def _repr_pretty_(self, printer, _cycle) -> None:  # Hypothesis' report prints it so, not field by field
        printer.text(repr(self))


ASCII_NAME = st.text(string.ascii_lowercase + "_-[].0123456789", min_size=1, max_size=12)


def extra_names() -> st.SearchStrategy[str]:
    """Names of inputs no form has."""
    odd = [
        "csrf_token",
        "id",
        "slug",
        "status",
        "role",
        "version-0",
        "figures-999999999999-label",
        "links--1-url",
        "figures-x-label",
        "",
        "\n",
        "a\\b",
        '"',
    ]  # fmt: skip  (a line break or a backslash: Werkzeug reads no name)
    return st.one_of(ASCII_NAME, texts(12), st.sampled_from(odd))


# --- a database every example leaves as it found it ------------------------------------------------


@contextlib.contextmanager
def rolled_back(app):
    """Run the body (requests to `app` included) in a transaction that is rolled back
    afterwards, whatever the app commits: the app's session is bound to one connection
    inside an outer transaction, and its commits and rollbacks only release or roll back
    SAVEPOINTs within it. Each request still has its own app context and session, as on a
    server.

    SQLite's Python driver begins transactions on its own and gets SAVEPOINTs wrong; here
    it is told to leave that alone (isolation_level None) and the outer transaction is begun
    by hand."""
    with app.app_context():
        db.session.remove()
        connection = db.engine.connect()
        sqlite = db.engine.dialect.name == "sqlite"
        driver = connection.connection.driver_connection
        if sqlite:
            saved_isolation = driver.isolation_level
            driver.isolation_level = None
        outer = connection.begin()
        if sqlite:
            connection.exec_driver_sql("BEGIN")
        original_get_bind = FlaskSqlaSession.get_bind
        FlaskSqlaSession.get_bind = lambda self, *args, **kwargs: connection
        db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield connection
    finally:
        with app.app_context():
            db.session.remove()
        db.session.session_factory.kw.pop("join_transaction_mode", None)  # back to the default
        FlaskSqlaSession.get_bind = original_get_bind
        outer.rollback()
        if sqlite:
            driver.isolation_level = saved_isolation
        connection.close()


@dataclass(frozen=True)
class Snapshot:
    """Every row of every table, and the data version: what "nothing was written" means."""

    rows: dict
    version: int

    def differences(self, other: Snapshot) -> list[str]:
        changed = [name for name in self.rows if self.rows[name] != other.rows[name]]
        if self.version != other.version:
            changed.append(f"data_version {self.version} -> {other.version}")
        return changed


def snapshot(app) -> Snapshot:
    """Every row, read in an app context of its own (inside `rolled_back`: on its connection).
    One query for all the tables (each row as a JSON array of its values: a round trip per
    table would be most of an example's time on PostgreSQL), and the data version."""
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        to_json = sa.func.json_build_array if postgresql else sa.func.json_array

        def value(column):  # bytes (evidence files) as hex: JSON holds no bytes
            if not isinstance(column.type, sa.LargeBinary):
                return column
            return sa.func.encode(column, "hex") if postgresql else sa.func.hex(column)

        every_row = sa.union_all(
            *(
                sa.select(
                    sa.literal(table.name).label("name"),
                    sa.cast(to_json(*(value(column) for column in table.columns)), sa.Text).label("row"),
                )
                for table in db.metadata.sorted_tables
            )
        )
        rows = {table.name: [] for table in db.metadata.sorted_tables}
        for name, row in db.session.execute(every_row):
            rows[name].append(row)
        # As the database has it: each example's commits are rolled back with the outer
        # transaction, which the version board (a copy of committed numbers) cannot see.
        version = data_version.stored().number
        db.session.remove()
    return Snapshot({name: sorted(values) for name, values in rows.items()}, version)
