"""Write serialization for money: no two postings for one customer interleave.

SQLite: mutations hold the database's one write lock from BEGIN IMMEDIATE to COMMIT (db/writes.py), which
already serializes writers. PostgreSQL: row locks on the customers involved. The order every transaction
takes its locks in, so that two of them never wait for each other:

1. customers FOR UPDATE, all it needs in one `lock_customers` call, ascending id (a reversal reads the
   invoice's payers first and locks them with the invoice's customer; a payer that appears in between is
   locked after, which is the one exception);
2. rows under those customers (invoices, payments, allocations, ledger, idempotency keys) only while
   their customer is locked; one utility account row FOR UPDATE (premise edits, market responses) with no
   customer locked before it;
3. last, the event log's advisory lock (db/event_log.py), right before COMMIT.

Inserting a row that refers to a customer or an account takes a key-share lock on it, which waits for a
FOR UPDATE holder. A premise edit (account locked, then a log entry referring to its customer) and a
bill run (customer locked, then an invoice referring to the account) can still meet the other way
round; PostgreSQL then aborts one with a deadlock error and db/writes.py runs it again.
"""

from collections.abc import Iterable

from sqlalchemy import select

from db.models import Customer
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped


async def lock_customers(scope: RequestScope, customer_ids: Iterable[int]) -> None:
    """Hold the customers' rows until the transaction ends (PostgreSQL); SQLite holds its write lock already."""
    ids = sorted(set(customer_ids))
    if scope.db.bind.dialect.name != "postgresql" or not ids:
        return
    stmt = select(Customer.id).where(Customer.id.in_(ids)).order_by(Customer.id).with_for_update()
    await scope.db.execute(tenant_scoped(stmt, Customer, scope))
