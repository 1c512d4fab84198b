"""GraphQL types of invoices: Money, Invoice, InvoiceLine, PaymentAllocation, AgingBuckets, ArHistoryEntry."""

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from db import models
from graph.billing import loaders
from graph.billing.enums import InvoiceLineKind, InvoiceStatus, LedgerKind
from graph.core.columns import FromRow, Listed, Reference, by_value, column, declare, global_id
from graph.core.eager import NowOrLater
from graph.core.relay import Node, load_converted
from resolvers.billing.ar_history import RUNNING_BALANCE
from resolvers.billing.lists import WithChildren
from resolvers.rules.aging import AgingBuckets as AgingRow
from resolvers.rules.money import CURRENCY, to_decimal

if TYPE_CHECKING:
    from graph.billing.payment_types import Payment

PaymentRef = Annotated["Payment", strawberry.lazy("graph.billing.payment_types")]


@strawberry.type(description="An amount of money: a decimal string (never a float) and its currency.")
class Money:
    amount: Decimal = strawberry.field(description="The amount, e.g. \"12.30\"; negative for credits.")
    currency: str = strawberry.field(description="ISO 4217 currency code.")

    @classmethod
    def of(cls, cents: int) -> "Money":
        return _money_of(cents)


@lru_cache(maxsize=4096)
def _money_of(cents: int) -> Money:
    # Shared, never mutated: views repeat a few amounts (line totals, fees) hundreds of times per response.
    return Money(amount=to_decimal(cents), currency=CURRENCY)


def _from_milli(milli: int) -> Decimal:
    return Decimal(milli).scaleb(-3)


@strawberry.type(description="A charge (or, for REVERSAL, a credit) on an invoice.")
class InvoiceLine(Node):
    kind: InvoiceLineKind = column(models.InvoiceLine.kind, convert=by_value(InvoiceLineKind),
                                   description="What the line charges for.")
    description: str = column(models.InvoiceLine.description, description="The line as printed.")
    quantity: Decimal | None = column(models.InvoiceLine.quantity_milli, convert=_from_milli,
                                      description="kWh billed (three decimals) for energy and delivery; else null.")
    amount: Money = column(models.InvoiceLine.amount_cents, convert=Money.of,
                           description="The line's amount, rounded half-up to the cent.")
    reason: str | None = column(models.InvoiceLine.reason, description="Why a REVERSAL line was made.")
    reverses_line_id: strawberry.ID | None = column(
        models.InvoiceLine.reverses_line_id, convert=global_id("InvoiceLine"),
        description="The line a REVERSAL line reverses.")

    from_row = FromRow()

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.lines_by_id, ids, cls.from_row)


def _invoice(row: Any) -> "Invoice":
    return Invoice.from_row(row)


@strawberry.type(description="Part of a payment applied to an invoice; a negative one takes an earlier one back.")
class PaymentAllocation:
    amount: Money = column(models.PaymentAllocation.amount_cents, convert=Money.of,
                           description="The amount applied (negative: taken back).")
    row: strawberry.Private[models.PaymentAllocation]

    @strawberry.field(description="The invoice paid.",
                      metadata=declare(Reference(loaders.invoices_by_id, models.PaymentAllocation.invoice_id,
                                                 _invoice)))
    async def invoice(self, info: strawberry.Info) -> "Invoice":
        return Invoice.from_row(await info.context.loaders.of(loaders.invoices_by_id).load(self.row.invoice_id))

    @strawberry.field(description="The payment it came from.")
    async def payment(self, info: strawberry.Info) -> PaymentRef:
        from graph.billing.payment_types import Payment

        return Payment.from_row(await info.context.loaders.of(loaders.payments_by_id).load(self.row.payment_id))

    from_row = FromRow()


def _lines(rows: list[Any]) -> list[InvoiceLine]:
    return [InvoiceLine.from_row(r) for r in rows]


def _allocations(rows: list[Any]) -> list[PaymentAllocation]:
    return [PaymentAllocation.from_row(r) for r in rows]


@strawberry.type(description="A bill of one utility account for one period.")
class Invoice(Node):
    number: str = column(models.Invoice.number, description="Invoice number, unique within the client.")
    period_start: date = column(models.Invoice.period_start, description="First day billed.")
    period_end: date = column(models.Invoice.period_end, description="Last day billed.")
    issued_on: date = column(models.Invoice.issued_on, description="Issue date.")
    due_on: date = column(models.Invoice.due_on, description="Due date.")
    status: InvoiceStatus = column(models.Invoice.status, convert=by_value(InvoiceStatus),
                                   description="OPEN, PARTIALLY_PAID, PAID or REVERSED.")
    total: Money = column(models.Invoice.total_cents, convert=Money.of, description="The total as billed.")
    open_amount: Money = column(models.Invoice.open_cents, convert=Money.of, description="What is still owed on it.")
    row: strawberry.Private[models.Invoice]
    # Set when the page prefetched them (see customer_fields.PREFETCHABLE); None: load on demand.
    loaded_lines: strawberry.Private[list[InvoiceLine] | None] = None
    loaded_allocations: strawberry.Private[list[PaymentAllocation] | None] = None

    # Sync resolvers on purpose: with prefetched children graphql-core completes the list at once, where an
    # async resolver costs a task and an await per invoice. Otherwise they return the loader's awaitable.
    @strawberry.field(graphql_type=list[InvoiceLine], description="Its lines, in order (reversal credit lines last).",
                      metadata=declare(Listed(loaders.lines_by_invoice_id, models.Invoice.id, _lines)))
    def lines(self, info: strawberry.Info) -> NowOrLater[list[InvoiceLine]]:
        if self.loaded_lines is not None:
            return self.loaded_lines
        return self._load_lines(info)

    @strawberry.field(graphql_type=list[PaymentAllocation],
                      description="Payments applied to it, and any taken back, in order.",
                      metadata=declare(Listed(loaders.allocations_by_invoice_id, models.Invoice.id, _allocations)))
    def allocations(self, info: strawberry.Info) -> NowOrLater[list[PaymentAllocation]]:
        if self.loaded_allocations is not None:
            return self.loaded_allocations
        return self._load_allocations(info)

    async def _load_lines(self, info: strawberry.Info) -> list[InvoiceLine]:
        return [
            InvoiceLine.from_row(r)
            for r in await info.context.loaders.of(loaders.lines_by_invoice_id).load(self.row.id)
        ]

    async def _load_allocations(self, info: strawberry.Info) -> list[PaymentAllocation]:
        rows = await info.context.loaders.of(loaders.allocations_by_invoice_id).load(self.row.id)
        return [PaymentAllocation.from_row(r) for r in rows]

    @strawberry.field(description="Where to download the invoice as PDF (GET with the same bearer token).")
    def document_url(self) -> str:
        return f"/files/invoices/{self.row.id}.pdf"

    from_row = FromRow()

    @classmethod
    def from_loaded(cls, item: WithChildren) -> Self:
        """An invoice of a page, with the children the page prefetched."""
        invoice = cls.from_row(item.row)
        if item.lines is not None:
            invoice.loaded_lines = [InvoiceLine.from_row(r) for r in item.lines]
        if item.allocations is not None:
            invoice.loaded_allocations = [PaymentAllocation.from_row(r) for r in item.allocations]
        return invoice

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.invoices_by_id, ids, cls.from_row)


@strawberry.type(description="Open amounts by days past due (open invoices only).")
class AgingBuckets:
    current: Money = strawberry.field(description="Not yet due (or due today).")
    days_1_to_30: Money = strawberry.field(description="1-30 days past due.")
    days_31_to_60: Money = strawberry.field(description="31-60 days past due.")
    days_61_to_90: Money = strawberry.field(description="61-90 days past due.")
    over_90: Money = strawberry.field(description="More than 90 days past due.")
    total: Money = strawberry.field(description="All open amounts.")
    as_of: date = strawberry.field(description="The day the ages are counted to.")

    @classmethod
    def of(cls, row: AgingRow, as_of: date) -> Self:
        return cls(
            current=Money.of(row.current),
            days_1_to_30=Money.of(row.days_1_30),
            days_31_to_60=Money.of(row.days_31_60),
            days_61_to_90=Money.of(row.days_61_90),
            over_90=Money.of(row.over_90),
            total=Money.of(row.total),
            as_of=as_of,
        )


def _money_of_sum(cents: Any) -> Money:
    return Money.of(int(cents))  # a SUM: a Decimal on PostgreSQL


@strawberry.type(description="One AR ledger entry with the customer's balance after it.")
class ArHistoryEntry:
    kind: LedgerKind = column(models.LedgerEntry.kind, convert=by_value(LedgerKind),
                              description="What the entry records.")
    description: str = column(models.LedgerEntry.description, description="The entry as shown in the AR history.")
    effective_on: date = column(models.LedgerEntry.effective_on, description="The day it takes effect.")
    amount: Money = column(models.LedgerEntry.amount_cents, convert=Money.of,
                           description="Signed: positive means the customer owes more.")
    balance: Money = column(RUNNING_BALANCE, convert=_money_of_sum,
                            description="Running balance after this entry (all-time, not just the window).")
    invoice_id: strawberry.ID | None = column(models.LedgerEntry.invoice_id, convert=global_id("Invoice"),
                                              description="The invoice it concerns, if any.")
    payment_id: strawberry.ID | None = column(models.LedgerEntry.payment_id, convert=global_id("Payment"),
                                              description="The payment it concerns, if any.")

    from_row = FromRow()  # of a ledger entry's row with its running balance (resolvers/billing/ar_history.py)

