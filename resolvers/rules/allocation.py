"""Payment allocation: FIFO (oldest open invoice first) or SPEC (the invoices the customer named).

Pure: frozen dataclasses in, frozen dataclasses out. Neither rule ever allocates more than the
payment or more than an invoice's open amount; what is not allocated stays unapplied credit.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


class AllocationErrorCode(enum.StrEnum):
    ALLOCATION_EXCEEDS_OPEN_AMOUNT = "ALLOCATION_EXCEEDS_OPEN_AMOUNT"
    ALLOCATIONS_EXCEED_PAYMENT = "ALLOCATIONS_EXCEED_PAYMENT"
    INVOICE_NOT_OPEN = "INVOICE_NOT_OPEN"
    NON_POSITIVE_ALLOCATION = "NON_POSITIVE_ALLOCATION"
    DUPLICATE_ALLOCATION = "DUPLICATE_ALLOCATION"


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


class AllocationError(Exception):
    def __init__(self, code: AllocationErrorCode, message: str, index: int | None = None):
        super().__init__(message)
        self.code, self.message, self.index = code, message, index


def fifo_order(invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
    """Due date, then issue date, then invoice number (and id), so FIFO is deterministic."""
    return sorted(invoices, key=lambda i: (i.due_on, i.issued_on, i.number, i.id))


def allocate_fifo(amount_cents: int, invoices: Sequence[OpenInvoice]) -> AllocationResult:
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


def allocate_spec(amount_cents: int, requested: Sequence[Allocation], invoices: Sequence[OpenInvoice]) -> AllocationResult:
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
        raise AllocationError(AllocationErrorCode.NON_POSITIVE_ALLOCATION, "Each allocation must be more than zero.", index)
    if item.invoice_id in seen:
        raise AllocationError(AllocationErrorCode.DUPLICATE_ALLOCATION, "An invoice is named twice.", index)
    seen.add(item.invoice_id)
    if item.invoice_id not in open_by_id:
        raise AllocationError(AllocationErrorCode.INVOICE_NOT_OPEN, "That invoice has nothing open to pay.", index)
    if item.cents > open_by_id[item.invoice_id]:
        raise AllocationError(AllocationErrorCode.ALLOCATION_EXCEEDS_OPEN_AMOUNT,
                              "The allocation is more than the invoice's open amount.", index)
