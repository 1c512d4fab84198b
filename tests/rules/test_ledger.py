"""running_balance, open_amount."""

from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.ledger import open_amount, running_balance


def test_running_balance():
    assert running_balance([100, -40, 15]) == [100, 60, 75]
    assert running_balance([5], opening_cents=10) == [15]


@given(st.lists(st.integers(-10**9, 10**9)))
def test_last_balance_is_the_sum(amounts):
    balances = running_balance(amounts)
    assert (balances[-1] if balances else 0) == sum(amounts)


def test_open_amount():
    assert open_amount(1_000, 300, 200) == 500
