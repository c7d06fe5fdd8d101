"""Numbers as people read them: a share as a whole percentage, rounded — never 100% unless it
is all of them, never 0% unless it is none — and shares of one whole that add up to 100
(largest remainder), so a table of states never totals 99% or 101%."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TypeVar

Key = TypeVar("Key")


def percent(part: int, whole: int) -> int:
    """`part` of `whole` as a whole percentage, rounded half up: 1 of 6 is 17%. Only all of
    them is 100%, and only none is 0% (1 of 300 is 1%, 299 of 300 is 99%)."""
    if whole <= 0 or part <= 0:
        return 0
    if part >= whole:
        return 100
    rounded = int(Fraction(100 * part, whole) + Fraction(1, 2))
    return min(max(rounded, 1), 99)


def shares(counts: Mapping[Key, int]) -> dict[Key, int]:
    """Each count's share of their total, as whole percentages that add up to 100 (none: all
    0): each gets its share rounded down, and the points left go to the largest remainders
    (ties: in the order given)."""
    total = sum(counts.values())
    if total <= 0:
        return dict.fromkeys(counts, 0)
    exact = {key: Fraction(100 * count, total) for key, count in counts.items()}
    result = {key: int(value) for key, value in exact.items()}
    left = 100 - sum(result.values())
    by_remainder = sorted(exact, key=lambda key: exact[key] - result[key], reverse=True)
    for key in by_remainder[:left]:
        result[key] += 1
    return result
