"""Bodies of billing's DataLoaders: one statement per batch of keys, rows aligned with the keys."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select

from db.models import (
    Adjustment,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    PaymentAllocation,
    SpecialCharge,
)
from resolvers.context import RequestScope
from resolvers.rules.aging import AgingBuckets, age
from resolvers.scope import tenant_scoped


async def _grouped(scope: RequestScope, model: Any, column: Any, keys: Sequence[int], order: Sequence[Any]) -> list[list[Any]]:
    stmt = tenant_scoped(select(model).where(column.in_(keys)).order_by(*order), model, scope)
    found: dict[int, list[Any]] = defaultdict(list)
    for row in (await scope.db.execute(stmt)).scalars():
        found[getattr(row, column.key)].append(row)
    return [found.get(k, []) for k in keys]


async def lines_by_invoice_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[InvoiceLine]]:
    return await _grouped(scope, InvoiceLine, InvoiceLine.invoice_id, ids, [InvoiceLine.id])


async def allocations_by_invoice_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[PaymentAllocation]]:
    return await _grouped(scope, PaymentAllocation, PaymentAllocation.invoice_id, ids, [PaymentAllocation.id])


async def allocations_by_payment_ids(scope: RequestScope, ids: Sequence[int]) -> list[list[PaymentAllocation]]:
    return await _grouped(scope, PaymentAllocation, PaymentAllocation.payment_id, ids, [PaymentAllocation.id])


async def invoices_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Invoice | None]:
    return [rows[0] if rows else None for rows in await _grouped(scope, Invoice, Invoice.id, ids, [Invoice.id])]


async def payments_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Payment | None]:
    return [rows[0] if rows else None for rows in await _grouped(scope, Payment, Payment.id, ids, [Payment.id])]


async def adjustments_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[Adjustment | None]:
    return [rows[0] if rows else None for rows in await _grouped(scope, Adjustment, Adjustment.id, ids, [Adjustment.id])]


async def special_charges_by_ids(scope: RequestScope, ids: Sequence[int]) -> list[SpecialCharge | None]:
    rows = await _grouped(scope, SpecialCharge, SpecialCharge.id, ids, [SpecialCharge.id])
    return [r[0] if r else None for r in rows]


async def balances_by_customer_ids(scope: RequestScope, ids: Sequence[int]) -> list[int]:
    """Each customer's balance: the sum of its ledger."""
    stmt = select(LedgerEntry.customer_id, func.sum(LedgerEntry.amount_cents)).where(
        LedgerEntry.customer_id.in_(ids)).group_by(LedgerEntry.customer_id)
    found = dict((await scope.db.execute(tenant_scoped(stmt, LedgerEntry, scope))).all())
    return [int(found.get(k) or 0) for k in ids]


async def aging_by_customer_ids(scope: RequestScope, ids: Sequence[int], as_of: date) -> list[AgingBuckets]:
    """Open amounts by due date per customer, bucketed as of a day."""
    stmt = select(Invoice.customer_id, Invoice.due_on, func.sum(Invoice.open_cents)).where(
        Invoice.customer_id.in_(ids), Invoice.open_cents > 0).group_by(Invoice.customer_id, Invoice.due_on)
    items: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for customer_id, due_on, cents in (await scope.db.execute(tenant_scoped(stmt, Invoice, scope))).all():
        items[customer_id].append((due_on, int(cents)))
    return [age(items.get(k, []), as_of) for k in ids]


async def client_aging(scope: RequestScope, as_of: date) -> AgingBuckets:
    """The client's open invoices issued by `as_of`, bucketed: one GROUP BY due date."""
    stmt = select(Invoice.due_on, func.sum(Invoice.open_cents)).where(Invoice.open_cents > 0, Invoice.issued_on <= as_of)
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
