"""The AR ledger read as history: each entry with the balance after it."""

from collections.abc import Iterable


def running_balance(amounts: Iterable[int], opening_cents: int = 0) -> list[int]:
    """The balance after each signed amount, in order, starting from `opening_cents`."""
    balances, balance = [], opening_cents
    for amount in amounts:
        balance += amount
        balances.append(balance)
    return balances


def open_amount(charges_cents: int, allocated_cents: int, credited_cents: int) -> int:
    """What is still owed on an invoice: its net charges, less payments and credits applied to it."""
    return charges_cents - allocated_cents - credited_cents
