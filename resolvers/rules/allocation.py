"""Payment allocation: FIFO (oldest open invoice first) or SPEC (the invoices the customer named), and a FIFO
posting's earlier unapplied credit, applied before the new payment.

Pure: open invoices in (OpenInvoice, or plain rows with the same fields: a posting reads thousands), frozen
dataclasses out. Neither rule ever allocates more than the payment or more than an invoice's open amount;
what is not allocated stays unapplied credit.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Protocol


class AllocationErrorCode(enum.StrEnum):
    ALLOCATION_EXCEEDS_OPEN_AMOUNT = "ALLOCATION_EXCEEDS_OPEN_AMOUNT"
    ALLOCATIONS_EXCEED_PAYMENT = "ALLOCATIONS_EXCEED_PAYMENT"
    INVOICE_NOT_OPEN = "INVOICE_NOT_OPEN"
    NON_POSITIVE_ALLOCATION = "NON_POSITIVE_ALLOCATION"
    DUPLICATE_ALLOCATION = "DUPLICATE_ALLOCATION"


class Owing(Protocol):
    """What the rules read of an open invoice."""

    @property
    def id(self) -> int: ...
    @property
    def due_on(self) -> date: ...
    @property
    def issued_on(self) -> date: ...
    @property
    def number(self) -> str: ...
    @property
    def open_cents(self) -> int: ...


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    id: int
    due_on: date
    issued_on: date
    number: str
    open_cents: int


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_id: int
    cents: int


@dataclass(frozen=True, slots=True)
class AllocationResult:
    allocations: tuple[Allocation, ...]
    unapplied_cents: int


@dataclass(frozen=True, slots=True)
class Credit:
    """A posted payment's unapplied credit."""

    payment_id: int
    cents: int


@dataclass(frozen=True, slots=True)
class Applied:
    """The allocations one payment makes."""

    payment_id: int
    allocations: tuple[Allocation, ...]


class AllocationError(Exception):
    def __init__(self, code: AllocationErrorCode, message: str, index: int | None = None):
        super().__init__(message)
        self.code, self.message, self.index = code, message, index


FIFO_KEY = attrgetter("due_on", "issued_on", "number", "id")


def fifo_order(invoices: Sequence[Owing]) -> list[Owing]:
    """Due date, then issue date, then invoice number (and id), so FIFO is deterministic."""
    return sorted(invoices, key=FIFO_KEY)


def allocate_fifo(amount_cents: int, invoices: Sequence[Owing]) -> AllocationResult:
    """Pay the oldest open invoices first; the rest is unapplied."""
    left, allocations = amount_cents, []
    for invoice in fifo_order(invoices):
        if left <= 0:
            break
        cents = min(left, invoice.open_cents)
        if cents > 0:
            allocations.append(Allocation(invoice.id, cents))
            left -= cents
    return AllocationResult(tuple(allocations), left)


def apply_credit_first(credits: Sequence[Credit], invoices: Sequence[Owing]) -> tuple[tuple[Applied, ...], list[Owing]]:
    """Earlier credit pays first, one credit after another in the order given (oldest first), each FIFO.

    What each credit that paid anything pays, and the invoices still open after them (paid ones dropped).
    """
    applied: list[Applied] = []
    still_open: list[Owing] = list(invoices)
    for credit in credits:
        allocations = allocate_fifo(credit.cents, still_open).allocations
        if allocations:
            applied.append(Applied(credit.payment_id, allocations))
            still_open = paid_down(still_open, allocations)
    return tuple(applied), still_open


def paid_in_order(owed_cents: int, amounts: Sequence[int]) -> list[int]:
    """What each of `amounts` pays when they pay FIFO one after another (earlier credit, then a payment) on
    invoices owing `owed_cents` in all: FIFO leaves nothing unapplied while anything is owed, so each pays
    what those before it left owing, up to its amount (what a FIFO posting needs of its invoices: their sum)."""
    paid, owing = [], owed_cents
    for amount in amounts:
        cents = max(0, min(amount, owing))
        paid.append(cents)
        owing -= cents
    return paid


def paid_down(invoices: Sequence[Owing], allocations: Sequence[Allocation]) -> list[Owing]:
    """The invoices less what `allocations` pay on them; those paid in full are no longer open."""
    paid = {item.invoice_id: item.cents for item in allocations}
    return [i if i.id not in paid else OpenInvoice(i.id, i.due_on, i.issued_on, i.number, i.open_cents - paid[i.id])
            for i in invoices if i.id not in paid or i.open_cents > paid[i.id]]


def allocate_spec(amount_cents: int, requested: Sequence[Allocation], invoices: Sequence[Owing]) -> AllocationResult:
    """Exactly the requested allocations, each within its invoice's open amount and together within the payment."""
    open_by_id = {i.id: i.open_cents for i in invoices}
    seen: set[int] = set()
    for index, item in enumerate(requested):
        _check_item(item, index, open_by_id, seen)
    total = sum(item.cents for item in requested)
    if total > amount_cents:
        raise AllocationError(AllocationErrorCode.ALLOCATIONS_EXCEED_PAYMENT,
                              "The allocations add up to more than the payment.")
    return AllocationResult(tuple(requested), amount_cents - total)


def _check_item(item: Allocation, index: int, open_by_id: dict[int, int], seen: set[int]) -> None:
    if item.cents <= 0:
        raise AllocationError(
            AllocationErrorCode.NON_POSITIVE_ALLOCATION, "Each allocation must be more than zero.", index
        )
    if item.invoice_id in seen:
        raise AllocationError(AllocationErrorCode.DUPLICATE_ALLOCATION, "An invoice is named twice.", index)
    seen.add(item.invoice_id)
    if item.invoice_id not in open_by_id:
        raise AllocationError(AllocationErrorCode.INVOICE_NOT_OPEN, "That invoice has nothing open to pay.", index)
    if item.cents > open_by_id[item.invoice_id]:
        raise AllocationError(AllocationErrorCode.ALLOCATION_EXCEEDS_OPEN_AMOUNT,
                              "The allocation is more than the invoice's open amount.", index)
