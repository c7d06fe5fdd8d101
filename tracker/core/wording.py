"""What the core's messages share, beside `tracker.core.i18n`'s `_l` and `_n`: the type of a
message, English kept as English where it is stored or compared (`N_`), and a list in words
put in the reader's language when it is shown (`listed`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from babel.support import LazyProxy

from .i18n import _l

# A text people read: a plain `str`, or a message marked with `_l`/`_n` (lazy: in the
# reader's language when it is shown).
Message = str | LazyProxy


def N_(message: str) -> str:  # (gettext's own name for this: `make messages` extracts N_)
    """`message` as it is, an English `str`, marked for translation: for a text that is
    stored (history is never translated) or compared as well as shown. Shown, it is put in
    the reader's language with `_l(message)`."""
    return message


def listed(items: Sequence[object], conjunction: Literal["and", "or"] | None = None) -> LazyProxy:
    """`items` in words, in the reader's language when shown: "a, b and c", "a or b", or
    "a, b, c" without a conjunction."""

    def words() -> str:
        texts = [str(item) for item in items]
        if conjunction is None or len(texts) < 2:
            return ", ".join(texts)
        first, last = ", ".join(texts[:-1]), texts[-1]
        if conjunction == "or":
            return str(_l("%(first)s or %(last)s", first=first, last=last))
        return str(_l("%(first)s and %(last)s", first=first, last=last))

    return LazyProxy(words, enable_cache=False)
