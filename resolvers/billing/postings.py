"""What every money operation writes: ledger rows, allocations, invoice open amounts and statuses (reads: lookups.py).

One invoice at a time on ORM objects (`apply`, `set_open`: reversals, adjustments, returned payments), or a
whole posting at once over plain rows (`apply_many`: a SPEC payment, in a few set-based statements whatever the
number of invoices). A FIFO posting never reads its invoices: the database allocates it (fifo.py). Either way an
invoice's status comes from `status_after`, or in SQL from `status_after_sql`, which says the same.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    bindparam,
    case,
    cast,
    insert,
    literal,
    literal_column,
    select,
    update,
)

from db.enums import InvoiceStatus, LedgerKind
from db.inserts import insert_rows
from db.models import Invoice, LedgerEntry, Payment, PaymentAllocation
from resolvers.context import RequestScope
from resolvers.customers.account_numbers import json_object_rows
from resolvers.rules.allocation import Applied, Credit
from resolvers.rules.billing import invoice_status
from resolvers.scope import tenant_scoped
from resolvers.statements import reused


def ledger_row(scope: RequestScope, customer_id: int, kind: LedgerKind, cents: int, description: str,
               effective_on: date, *, payment_id: int | None = None, invoice_id: int | None = None,
               adjustment_id: int | None = None, refund_id: int | None = None) -> dict[str, Any]:
    """A ledger entry's values, every column named (rows of one executemany must have the same keys)."""
    return {"client_id": scope.tenant_id, "customer_id": customer_id, "kind": kind, "amount_cents": cents,
            "description": description, "effective_on": effective_on, "payment_id": payment_id,
            "invoice_id": invoice_id, "adjustment_id": adjustment_id, "refund_id": refund_id}


def add_entry(scope: RequestScope, customer_id: int, kind: LedgerKind, cents: int, description: str,
              effective_on: date, **refs: int | None) -> LedgerEntry:
    entry = LedgerEntry(**ledger_row(scope, customer_id, kind, cents, description, effective_on, **refs))
    scope.db.add(entry)
    return entry


def status_after(invoice: Any, open_cents: int, reversed_any: bool | None = None) -> InvoiceStatus:
    """The invoice's status once `open_cents` is open (`invoice`: an ORM invoice or a lookups.OpenInvoiceRow).

    REVERSED once every charge is reversed or credited away; `reversed_any` says whether this change reverses
    charges (None: as far as the invoice already says).
    """
    reversed_flag = invoice.status == InvoiceStatus.REVERSED if reversed_any is None else reversed_any
    credited_away = invoice.charges_cents == 0 and invoice.total_cents > 0
    return invoice_status(invoice.charges_cents, open_cents, reversed_flag or credited_away)


def status_after_sql(invoices: Any, open_cents: Any) -> Any:
    """`status_after` in SQL, of the invoice whose columns are `invoices` once `open_cents` (SQL) is open: for
    set-based updates (tests/resolvers/billing/test_status_after_sql.py holds the two to each other)."""
    status = invoices.status.type
    reversed_away = (invoices.charges_cents == 0) & (
        (invoices.status == InvoiceStatus.REVERSED) | (invoices.total_cents > 0))
    return case((reversed_away, literal(InvoiceStatus.REVERSED, status)),
                (open_cents <= 0, literal(InvoiceStatus.PAID, status)),
                (open_cents < invoices.charges_cents, literal(InvoiceStatus.PARTIALLY_PAID, status)),
                else_=literal(InvoiceStatus.OPEN, status))


def set_open(invoice: Invoice, open_cents: int, reversed_any: bool | None = None) -> None:
    invoice.open_cents = open_cents
    invoice.status = status_after(invoice, open_cents, reversed_any)


def apply(scope: RequestScope, payment: Payment, invoice: Invoice, cents: int, on: date,
          reverses_id: int | None = None) -> None:
    """Move `cents` of the payment onto the invoice (negative: back off it) and keep both sides' balances right.

    When the payer is not the invoice's customer (a master paying a child), a CREDIT_TRANSFER pair
    moves the money between their ledgers, so each customer's balance stays the sum of its own ledger.
    """
    scope.db.add(PaymentAllocation(client_id=scope.tenant_id, payment_id=payment.id, invoice_id=invoice.id,
                                   amount_cents=cents, reverses_id=reverses_id))
    payment.unapplied_cents -= cents
    set_open(invoice, invoice.open_cents - cents)
    transfers = _transfer_rows(scope, payment.id, payment.customer_id, invoice, cents, on)
    scope.db.add_all(LedgerEntry(**row) for row in transfers)


async def apply_many(scope: RequestScope, payer_id: int, invoices: Mapping[int, Any], applied: Sequence[Applied],
                     on: date, own_entries: Mapping[int, Sequence[dict[str, Any]]] | None = None) -> None:
    """`apply` for whole postings of one payer's payments over the rows of `lookups.open_invoices` (by id).

    Three statements however many invoices: the allocations (INSERT ... SELECT), the invoices' new open amounts
    and statuses (one UPDATE), and the ledger rows: each payment's own (`own_entries`, by payment id) before the
    transfers it makes to the customers of a hierarchy. The allocations and the invoices travel as one JSON
    parameter each, read back as rows by the database, through statements built once (resolvers/statements.py):
    nothing per row in SQLAlchemy. The payments' unapplied credit is the caller's to keep (a new payment is
    inserted with what is left, earlier credit goes through `use_credit`).
    """
    allocations: list[tuple[int, int, int]] = []
    opens: dict[int, int] = {}
    entries: list[dict[str, Any]] = []
    for item in applied:
        entries += (own_entries or {}).get(item.payment_id, ())
        for allocation in item.allocations:
            invoice = invoices[allocation.invoice_id]
            allocations.append((item.payment_id, invoice.id, allocation.cents))
            opens[invoice.id] = opens.get(invoice.id, invoice.open_cents) - allocation.cents
            if invoice.customer_id != payer_id:
                entries += _transfer_rows(scope, item.payment_id, payer_id, invoice, allocation.cents, on)
    if allocations:
        await scope.db.execute(reused(scope, "allocations-from-json", _insert_allocations),
                               {"allocations": _json(dict(enumerate(allocations)))})
        statuses = {i: (cents, status_after(invoices[i], cents)) for i, cents in opens.items()}
        await scope.db.execute(reused(scope, "open-amounts-from-json", _set_open_amounts),
                               {"invoices": _json(statuses)})
    await insert_rows(scope.db, LedgerEntry.__table__, entries)


async def use_credit(scope: RequestScope, spent: Sequence[Credit]) -> None:
    """Take what each payment `spent` off its unapplied credit (earlier payments: a few rows)."""
    used = [{"paid_id": item.payment_id, "used": item.cents} for item in spent]
    if used:
        table = Payment.__table__
        stmt = update(table).where(table.c.id == bindparam("paid_id"))
        await scope.db.execute(stmt.values(unapplied_cents=table.c.unapplied_cents - bindparam("used")), used)


def _json(by_key: dict[int, Any]) -> str:
    """Integers, and enums as their values: exact on both engines (no float ever)."""
    return orjson.dumps(by_key, option=orjson.OPT_NON_STR_KEYS).decode()


def json_field(rows: Any, index: int, type_: Any = BigInteger) -> Any:
    """Element `index` of the JSON array each row holds, as SQL of `type_` (->> gives text on PostgreSQL, the
    JSON value itself on SQLite; integers stay exact integers on both)."""
    return cast(rows.c.value.op("->>")(literal_column(str(index))), type_)


def _insert_allocations(scope: RequestScope) -> Any:
    """INSERT the allocations of :allocations, {n: [payment id, invoice id, cents]}, in the order of n."""
    given = json_object_rows(scope, bindparam("allocations", type_=String), "given", text=False)
    values = select(json_field(given, 0), json_field(given, 1), json_field(given, 2),
                    literal(scope.tenant_id, BigInteger))
    # created_at: the column's default, once for the whole statement
    return insert(PaymentAllocation.__table__).from_select(["payment_id", "invoice_id", "amount_cents", "client_id"],
                                                           values.order_by(cast(given.c.key, Integer)))


def _set_open_amounts(scope: RequestScope) -> Any:
    """UPDATE the invoices of :invoices, {id: [open cents, status]}."""
    given = json_object_rows(scope, bindparam("invoices", type_=String), "given", text=False)
    # the table, not the ORM entity: a Core UPDATE skips the ORM's bulk-update machinery (no objects to sync)
    invoices = Invoice.__table__
    stmt = update(invoices).where(invoices.c.id == cast(given.c.key, Integer))
    stmt = stmt.values(open_cents=json_field(given, 0), status=json_field(given, 1, String))
    return tenant_scoped(stmt, invoices.c, scope)


def _transfer_rows(scope: RequestScope, payment_id: int, payer_id: int, invoice: Any, cents: int,
                   on: date) -> list[dict[str, Any]]:
    """The CREDIT_TRANSFER pair of a payer paying (or taking back) `cents` on another customer's invoice; none
    when the invoice is the payer's own."""
    if payer_id == invoice.customer_id:
        return []
    text = f"Payment {payment_id} applied to invoice {invoice.number}" if cents > 0 else \
        f"Payment {payment_id} taken back from invoice {invoice.number}"
    refs = {"payment_id": payment_id, "invoice_id": invoice.id}
    return [ledger_row(scope, invoice.customer_id, LedgerKind.CREDIT_TRANSFER, -cents, text, on, **refs),
            ledger_row(scope, payer_id, LedgerKind.CREDIT_TRANSFER, cents, text, on, **refs)]
