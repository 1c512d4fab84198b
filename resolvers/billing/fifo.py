"""A FIFO posting worked out by the database: earlier credit first, then the new payment, over the open invoices.

What was paid in and what is owed each line up in FIFO order: the payer's credits oldest first and then the
new payment, each covering a stretch of all that was paid in; the open invoices in FIFO order, each a stretch
of all that is owed (a running sum, a window function). A payment pays an invoice where their stretches
overlap, by as much as they overlap: what rules.allocation.apply_credit_first and allocate_fifo work out one
invoice at a time (the preview still runs them; tests/api/billing/test_fifo_posting.py holds postings to the
preview). Python sees only the total owed and the credits (`standing`); the database writes the allocations
(INSERT ... SELECT), the ledger rows (the payment's own and a hierarchy's transfers, one INSERT ... SELECT in
the order the AR history shows them) and the invoices' open amounts and statuses (UPDATE ... FROM), through
statements built once per client (resolvers/statements.py), however many invoices a payment pays.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    String,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    true,
    union_all,
    update,
)

from db.enums import LedgerKind, PaymentStatus
from db.inserts import insert_rows
from db.models import Invoice, LedgerEntry, Payment, PaymentAllocation
from resolvers.billing.postings import json_field, status_after_sql
from resolvers.context import RequestScope
from resolvers.customers.account_numbers import dialect, json_object_rows
from resolvers.rules.allocation import Credit
from resolvers.scope import tenant_scoped
from resolvers.statements import reused


@dataclass(frozen=True, slots=True)
class Standing:
    """What the customers a payment may pay owe on open invoices, and the payer's credits, oldest first."""

    owed_cents: int
    credits: tuple[Credit, ...]


async def standing(scope: RequestScope, payer_id: int, customer_ids: list[int]) -> Standing:
    """One read, a row per credit (one row when there is none), never a row per invoice."""
    stmt = reused(scope, "fifo-standing", _standing)
    rows = (await scope.db.execute(stmt, {"customer_ids": customer_ids, "payer_id": payer_id})).all()
    return Standing(rows[0][0], tuple(Credit(pid, cents) for _, pid, cents in rows if pid is not None))


async def pay(scope: RequestScope, payer_id: int, customer_ids: list[int], payers: Sequence[Credit],
              own_entry: dict[str, Any]) -> None:
    """Pay the customers' open invoices FIFO with `payers` in turn (the credits, oldest first, then the new
    payment with all its amount), and write the ledger: the new payment's own row (`own_entry`, from
    postings.ledger_row) after the credits' transfers to the other customers of a hierarchy and before its own."""
    stretches: dict[int, list[int]] = {}
    start = 0
    for n, payer in enumerate(payers):
        stretches[n] = [payer.payment_id, start, start + payer.cents]
        start += payer.cents
    given = {"customer_ids": customer_ids, "payers": orjson.dumps(stretches, option=orjson.OPT_NON_STR_KEYS).decode()}
    await scope.db.execute(reused(scope, "fifo-allocations", _insert_allocations), given)
    if customer_ids == [payer_id]:  # the payer's own invoices only: no transfers
        await insert_rows(scope.db, LedgerEntry.__table__, [own_entry])
    else:
        own = {f"own_{name}": own_entry[name] for name in OWN_COLUMNS}
        await scope.db.execute(reused(scope, "fifo-ledger", _insert_ledger),
                               {**given, **own, "payer_id": payer_id, "own_order": len(payers) - 1})
    await scope.db.execute(reused(scope, "fifo-open-amounts", _set_open_amounts),
                           {"customer_ids": customer_ids, "paid_in": start})


def _standing(scope: RequestScope) -> Any:
    invoices, payments = Invoice.__table__.c, Payment.__table__.c
    total = select(cast(func.coalesce(func.sum(invoices.open_cents), 0), BigInteger).label("owed"))
    owed = tenant_scoped(total.where(*_owing(invoices)), invoices, scope).subquery("owed")
    credit = select(payments.id, payments.unapplied_cents, payments.received_on).where(
        payments.customer_id == bindparam("payer_id"), payments.status == PaymentStatus.POSTED,
        payments.unapplied_cents > 0)
    credits = tenant_scoped(credit, payments, scope).subquery("credit")
    stmt = select(owed.c.owed, credits.c.id, credits.c.unapplied_cents).select_from(owed.outerjoin(credits, true()))
    return stmt.order_by(credits.c.received_on, credits.c.id)


def _owing(invoices: Any) -> tuple[Any, ...]:
    return invoices.customer_id.in_(bindparam("customer_ids", expanding=True)), invoices.open_cents > 0


def _owed(scope: RequestScope) -> Any:
    """The open invoices in FIFO order (rules.allocation.FIFO_KEY), each with all that is owed before it."""
    invoices = Invoice.__table__.c
    # FIFO_KEY compares numbers code point by code point, as SQLite's BINARY does and PostgreSQL's "C"
    number = invoices.number.collate("C") if dialect(scope) == "postgresql" else invoices.number
    fifo = (invoices.due_on, invoices.issued_on, number, invoices.id)
    through = func.sum(invoices.open_cents).over(order_by=fifo, rows=(None, 0))
    stmt = select(invoices.id, invoices.customer_id, invoices.number, invoices.open_cents,
                  cast(through - invoices.open_cents, BigInteger).label("before"),
                  func.row_number().over(order_by=fifo).label("rank"))
    return tenant_scoped(stmt.where(*_owing(invoices)), invoices, scope).subquery("owed")


def _least(a: Any, b: Any) -> Any:
    return case((a < b, a), else_=b)


def _greatest(a: Any, b: Any) -> Any:
    return case((a > b, a), else_=b)


def _paid(scope: RequestScope) -> Any:
    """Each (payment, invoice) whose stretches overlap, and the cents the payment pays on the invoice."""
    owed, payer = _owed(scope), _payers(scope)
    upto = owed.c.before + owed.c.open_cents
    cents = _least(payer.c.end, upto) - _greatest(payer.c.start, owed.c.before)
    stmt = select(payer.c.payer_order, payer.c.payment_id, owed.c.id.label("invoice_id"), owed.c.customer_id,
                  owed.c.number, owed.c.rank, cents.label("cents"))
    return stmt.where(payer.c.start < upto, owed.c.before < payer.c.end).subquery("paid")


def _payers(scope: RequestScope) -> Any:
    """:payers as rows, {n: [payment id, start, end]}. MATERIALIZED: read once, where SQLite would otherwise join
    them inside the loop over the invoices and parse the JSON again for each invoice (10 ms for 1,000)."""
    given = json_object_rows(scope, bindparam("payers", type_=String), "given", text=False)
    rows = select(cast(given.c.key, Integer).label("payer_order"), json_field(given, 0).label("payment_id"),
                  json_field(given, 1).label("start"), json_field(given, 2).label("end"))
    return rows.cte("payer").prefix_with("MATERIALIZED")


def _insert_allocations(scope: RequestScope) -> Any:
    paid = _paid(scope)
    rows = select(paid.c.payment_id, paid.c.invoice_id, paid.c.cents, literal(scope.tenant_id, BigInteger))
    # created_at: the column's default, once for the whole statement
    return insert(PaymentAllocation.__table__).from_select(
        ["payment_id", "invoice_id", "amount_cents", "client_id"], rows.order_by(paid.c.payer_order, paid.c.rank))


OWN_COLUMNS = ("customer_id", "kind", "amount_cents", "description", "payment_id", "effective_on")


def _insert_ledger(scope: RequestScope) -> Any:
    """The new payment's own row, and a CREDIT_TRANSFER pair for each allocation to another customer's invoice
    (as postings._transfer_rows), in apply_many's order: payment by payment, its own row first, then invoice by
    invoice the invoice's customer's row and the payer's."""
    paid, ledger = _paid(scope), LedgerEntry.__table__
    kind, payer = ledger.c.kind.type, bindparam("payer_id", type_=BigInteger)
    on = bindparam("own_effective_on", type_=Date)
    own = select(bindparam("own_order", type_=Integer).label("payer_order"), literal(0).label("part"),
                 literal(0, BigInteger).label("rank"), literal(0).label("pair"),
                 bindparam("own_customer_id", type_=BigInteger).label("customer_id"),
                 bindparam("own_kind", type_=kind).label("kind"),
                 bindparam("own_amount_cents", type_=BigInteger).label("amount_cents"),
                 bindparam("own_description", type_=String).label("description"),
                 bindparam("own_payment_id", type_=BigInteger).label("payment_id"),
                 cast(null(), BigInteger).label("invoice_id"), on.label("effective_on"))
    text = literal("Payment ") + cast(paid.c.payment_id, String) + literal(" applied to invoice ") + paid.c.number
    transfers = [
        select(paid.c.payer_order, literal(1), paid.c.rank, literal(pair), customer,
               literal(LedgerKind.CREDIT_TRANSFER, kind), paid.c.cents * sign, text, paid.c.payment_id,
               paid.c.invoice_id, on).where(paid.c.customer_id != payer)
        for pair, customer, sign in ((0, paid.c.customer_id, -1), (1, payer, 1))]
    rows = union_all(own, *transfers).subquery("entry")
    names = ["customer_id", "kind", "amount_cents", "description", "payment_id", "invoice_id", "effective_on"]
    values = select(*(rows.c[name] for name in names), literal(scope.tenant_id, BigInteger))
    ordered = values.order_by(rows.c.payer_order, rows.c.part, rows.c.rank, rows.c.pair)
    return insert(ledger).from_select([*names, "client_id"], ordered)


def _set_open_amounts(scope: RequestScope) -> Any:
    """Each invoice less what all the money paid in (:paid_in) pays on it in FIFO order; its status after."""
    owed, paid_in = _owed(scope), bindparam("paid_in", type_=BigInteger)
    pays = select(owed.c.id, _least(paid_in - owed.c.before, owed.c.open_cents).label("cents"))
    paid = pays.where(owed.c.before < paid_in).subquery("paid")
    invoices = Invoice.__table__
    left = invoices.c.open_cents - paid.c.cents
    stmt = update(invoices).where(invoices.c.id == paid.c.id)
    stmt = stmt.values(open_cents=left, status=status_after_sql(invoices.c, left))
    return tenant_scoped(stmt, invoices.c, scope)
