"""Bodies of billing's DataLoaders: one statement per batch of keys, rows aligned with the keys."""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import Date, bindparam, cast, func, null, select, union_all

from db.models import (
    Adjustment,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    PaymentAllocation,
    SpecialCharge,
)
from resolvers.batching import RowsByParent, in_parents, tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.rules.aging import AgingBuckets, age
from resolvers.scope import tenant_scoped
from resolvers.statements import plain_rows, reused


async def _grouped(
    scope: RequestScope, model: Any, column: Any, keys: Sequence[int], order: Sequence[Any]
) -> list[list[Any]]:
    stmt = tenant_scoped(select(model).where(column.in_(keys)).order_by(*order), model, scope)
    found: dict[int, list[Any]] = defaultdict(list)
    for row in (await scope.db.execute(stmt)).scalars():
        found[getattr(row, column.key)].append(row)
    return [found.get(k, []) for k in keys]


def _children(model: Any, column: Any) -> RowsByParent:
    """Each parent's rows of `model` by `column`, in id order, as plain Core rows (same attribute names, read-only)
    from a reused statement (see resolvers/statements.py): views read many of these, and ORM entities cost several
    times more than the rows."""
    def build(scope: RequestScope) -> Any:
        # by parent, then id: each parent's rows keep their id order (RowsByParent.group), and the (parent, id) index
        # serves the order, so SQLite searches it instead of scanning the table in id order when its statistics
        # say a parent has many rows (a payer's payment allocates to hundreds of invoices: bench billing)
        stmt = select(*model.__table__.columns).where(in_parents(column)).order_by(column, model.id)
        return tenant_scoped(stmt, model, scope)
    return RowsByParent(f"{model.__tablename__}-by-{column.key}", model, build, column.key)


# Each invoice's lines, each invoice's and each payment's allocations (rows shaped like their models), in id order.
lines_by_invoice_ids = _children(InvoiceLine, InvoiceLine.invoice_id)
allocations_by_invoice_ids = _children(PaymentAllocation, PaymentAllocation.invoice_id)
allocations_by_payment_ids = _children(PaymentAllocation, PaymentAllocation.payment_id)


async def lines_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[InvoiceLine | None]:
    return await tenant_rows_by_ids(scope, InvoiceLine, ids)


async def invoices_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Invoice | None]:
    return [rows[0] if rows else None for rows in await _grouped(scope, Invoice, Invoice.id, ids, [Invoice.id])]


async def payments_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Payment | None]:
    return [rows[0] if rows else None for rows in await _grouped(scope, Payment, Payment.id, ids, [Payment.id])]


async def adjustments_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Adjustment | None]:
    return [
        rows[0] if rows else None for rows in await _grouped(scope, Adjustment, Adjustment.id, ids, [Adjustment.id])
    ]


async def special_charges_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[SpecialCharge | None]:
    rows = await _grouped(scope, SpecialCharge, SpecialCharge.id, ids, [SpecialCharge.id])
    return [r[0] if r else None for r in rows]


@dataclass(frozen=True, slots=True)
class Standing(AgingBuckets):
    """A customer's aging with its balance alongside: an AR header shows both, so one statement reads both."""

    balance_cents: int = 0  # the sum of the customer's whole ledger


Run = Callable[[Any, dict[str, Any]], Awaitable[Sequence[Any]]]  # the rows of a statement with its parameters


async def aging_by_customer_ids(scope: RequestScope, ids: Sequence[int], as_of: date) -> list[Standing]:
    """Open amounts by due date per customer, bucketed as of a day, and each customer's balance (the loader's batch;
    a compiled plan runs `standings` on its own connection)."""
    return await standings(scope, lambda stmt, params: plain_rows(scope.db, stmt, params), ids, as_of)


async def standings(scope: RequestScope, run: Run, ids: Sequence[int], as_of: date) -> list[Standing]:
    """Each customer's Standing, as of a day, from the rows `run` reads of the standing statement.

    One UNION ALL (ledger sums have no due date) instead of a statement, a loader and a session for each.
    """
    return standings_from(scope, await run(*standing_query(scope, ids)), ids, as_of)


def standing_query(scope: RequestScope, ids: Sequence[int]) -> tuple[Any, dict[str, Any]]:
    """The standing statement (built once per client) and its parameters for these customers."""
    ids = list(ids)
    return reused(scope, "standing", _standing_statement), {"ledger_ids": ids, "invoice_ids": ids}  # one per use


def standings_from(scope: RequestScope, rows: Sequence[Any], ids: Sequence[int], as_of: date) -> list[Standing]:
    """Each customer's Standing from the rows of `standing_query`: a plan's balance, pastDue and alerts read the same
    rows, aged once (RequestScope.from_rows)."""
    return scope.from_rows(("standing", tuple(ids), as_of), rows, lambda: standings_of(rows, ids, as_of))


def standings_of(rows: Sequence[Any], ids: Sequence[int], as_of: date) -> list[Standing]:
    """Each customer's Standing from the standing statement's rows."""
    balances: dict[int, int] = {}
    items: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for customer_id, due_on, cents in rows:
        if due_on is None:
            balances[customer_id] = int(cents or 0)
        else:
            items[customer_id].append((due_on, int(cents)))
    return [Standing(**_fields_of(age(items.get(k, []), as_of)), balance_cents=balances.get(k, 0)) for k in ids]


def _standing_statement(scope: RequestScope) -> Any:
    ledger = tenant_scoped(select(LedgerEntry.customer_id, cast(null(), Date).label("due_on"),
                                  func.sum(LedgerEntry.amount_cents).label("cents")), LedgerEntry, scope)
    ledger = ledger.where(LedgerEntry.customer_id.in_(bindparam("ledger_ids", expanding=True)))
    open_items = tenant_scoped(
        select(Invoice.customer_id, Invoice.due_on, func.sum(Invoice.open_cents)), Invoice, scope
    )
    open_items = open_items.where(Invoice.customer_id.in_(bindparam("invoice_ids", expanding=True)),
                                  Invoice.open_cents > 0)
    return union_all(ledger.group_by(LedgerEntry.customer_id), open_items.group_by(Invoice.customer_id, Invoice.due_on))


_BUCKETS = tuple(f.name for f in fields(AgingBuckets))  # read once: dataclasses.fields costs more than the copy


def _fields_of(buckets: AgingBuckets) -> dict[str, int]:
    return {name: getattr(buckets, name) for name in _BUCKETS}


async def client_aging(scope: RequestScope, as_of: date) -> AgingBuckets:
    """The client's open invoices issued by `as_of`, bucketed: one GROUP BY due date."""
    stmt = select(Invoice.due_on, func.sum(Invoice.open_cents)).where(
        Invoice.open_cents > 0, Invoice.issued_on <= as_of
    )
    rows = (await scope.db.execute(tenant_scoped(stmt.group_by(Invoice.due_on), Invoice, scope))).all()
    return age(((d, int(c)) for d, c in rows), as_of)


async def child_ids_by_master_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[int]]:
    """The ids of the customers directly under each master (for hierarchy roll-ups)."""
    from db.models import Customer

    stmt = tenant_scoped(select(Customer.master_id, Customer.id).where(Customer.master_id.in_(ids)), Customer, scope)
    found: dict[int, list[int]] = defaultdict(list)
    for master_id, child_id in (await scope.db.execute(stmt.order_by(Customer.id))).all():
        found[master_id].append(child_id)
    return [found.get(k, []) for k in ids]
