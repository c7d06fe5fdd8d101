"""Numbers as people read them (issue 19): shares of a whole add up to 100, and a share is
rounded — yet only all of them is 100%, and only none is 0%."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tracker.core.numbers import percent, shares


def test_a_share_is_rounded_but_never_says_all_or_none_when_it_is_not():
    assert [percent(1, 6), percent(1, 3), percent(2, 3), percent(1, 8)] == [17, 33, 67, 13]
    assert (percent(1, 300), percent(299, 300), percent(0, 5), percent(5, 5), percent(3, 0)) == (1, 99, 0, 100, 0)


def test_shares_of_a_whole_add_up_to_100_by_largest_remainder():
    assert shares({"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert shares({"draft": 1, "in_progress": 4, "done": 1, "verified": 1}) == {
        "draft": 15, "in_progress": 57, "done": 14, "verified": 14,
    }  # fmt: skip
    assert shares({"a": 0, "b": 0}) == {"a": 0, "b": 0}


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12))
def test_shares_always_total_100_and_stay_within_one_point_of_the_exact_share(counts):
    result = shares(dict(enumerate(counts)))
    total = sum(counts)
    if total == 0:
        assert set(result.values()) == {0}
        return
    assert sum(result.values()) == 100
    for key, count in enumerate(counts):
        exact = Fraction(100 * count, total)
        assert exact - 1 < result[key] < exact + 1
