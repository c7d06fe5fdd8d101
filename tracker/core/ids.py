"""Record ids as they come from addresses, query strings and forms.

An id no record can have — above the database's integers — is simply not found: ids are
PostgreSQL `integer`s, and SQLite cannot even compare with a number above 2**63 - 1 (its
driver raises OverflowError, a server error, before the database is asked).
"""

MAX_ID = 2**31 - 1  # PostgreSQL's `integer`


def could_be_id(number: int) -> bool:
    return 0 <= number <= MAX_ID


def parse_id(text: str | int) -> int:
    """The id in `text`; ValueError when it is no number or no record could have it (for
    a select's `coerce` and `request.args.get(..., type=parse_id)`)."""
    number = int(text)
    if not could_be_id(number):
        raise ValueError(f"{text!r} is not an id")
    return number
