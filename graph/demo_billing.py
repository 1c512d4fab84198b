"""Demo invoices through the real billing run: the last three months, for every demo client.

Its transactions open write sessions directly, not through db/writes.py: it runs while a database is being
seeded (`serve` before it starts serving an empty one, `csrgraph seed` on a new one), never beside a server.
"""

import random
import sys
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from db.demo import CLIENTS, TODAY
from db.engine import make_sessionmaker, make_write_sessionmaker
from db.enums import PaymentMethod
from db.models import Invoice, InvoiceLine, LedgerEntry, Payment, PaymentAllocation
from graph.auth import user_scope
from resolvers.billing.billing_run import RunRequest, run_billing
from resolvers.billing.payments import PaymentRequest, post_payment
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped

MONTHS = 3
ISSUE_DAY = 5  # invoices go out on the 5th of the next month, so the oldest are past due today
MAX_CUSTOMERS = 20_000  # past this, bill with `csrgraph bill-run` (one client and month at a time)


def demo_periods(today: date = TODAY) -> list[tuple[date, date, date]]:
    """(start, end, issued) of the last MONTHS full calendar months before `today`, oldest first."""
    periods, first = [], today.replace(day=1)
    for _ in range(MONTHS):
        end = first - timedelta(days=1)
        first = end.replace(day=1)
        periods.append((first, end, end + timedelta(days=ISSUE_DAY)))
    return periods[::-1]


async def bill_demo(engine: AsyncEngine, customers: int) -> None:
    """Issue the demo clients' invoices as their admins would, month by month."""
    if customers > MAX_CUSTOMERS:
        print(f"csrgraph: {customers:,} customers: skipping demo invoices (use csrgraph bill-run)", file=sys.stderr)
        return
    for slug, _name in CLIENTS:
        scope = await user_scope(engine, f"admin@{slug}.example", slug)
        if scope is None:  # no demo admin (user_scope said so on stderr): nothing to bill this client as
            continue
        for start, end, issued in demo_periods():
            async with make_write_sessionmaker(engine)() as session, session.begin():
                await run_billing(scope.with_session(session), RunRequest(start, end, issued))
        await _pay_some(engine, scope, random.Random(slug))
        await _record_as_of_their_days(engine, scope.tenant_id)


async def _pay_some(engine: AsyncEngine, scope: RequestScope, rng: random.Random) -> None:
    """Most customers pay their oldest bill, some pay more, some nothing: the AR tab has every state."""
    async with make_sessionmaker(engine)() as session:
        stmt = select(Invoice.customer_id, func.min(Invoice.total_cents)).group_by(Invoice.customer_id)
        owed = (await session.execute(tenant_scoped(stmt, Invoice, scope))).all()
    for customer_id, cents in owed:
        halves = rng.choice([0, 1, 2, 2, 2, 5])  # nothing, half, the smallest bill (mostly), two and a half
        if halves:
            request = PaymentRequest(customer_id=customer_id, amount_cents=cents * halves // 2,
                                     method=rng.choice(list(PaymentMethod)), received_on=TODAY - timedelta(days=3))
            async with make_write_sessionmaker(engine)() as session, session.begin():
                await post_payment(scope.with_session(session), request)


async def _record_as_of_their_days(engine: AsyncEngine, client_id: int) -> None:
    """The run records its rows now; the demo's months are in the past. Stamp invoices with their issue
    day and payments with the day received, so the timeline and AR history read like a real account's."""
    async with make_write_sessionmaker(engine)() as session, session.begin():
        for model, day in ((Invoice, Invoice.issued_on), (Payment, Payment.received_on)):
            rows = (await session.execute(select(model.id, day).where(model.client_id == client_id))).all()
            if rows:  # an ORM bulk UPDATE by primary key: one executemany
                at = [{"id": pk, "created_at": datetime.combine(d, time(9), UTC)} for pk, d in rows]
                await session.execute(update(model), at)
        for child, parent, key in ((InvoiceLine, Invoice, InvoiceLine.invoice_id),
                                   (PaymentAllocation, Payment, PaymentAllocation.payment_id)):
            when = select(parent.created_at).where(parent.id == key).scalar_subquery()
            await session.execute(update(child).where(child.client_id == client_id).values(created_at=when))
        for parent, link in ((Invoice, LedgerEntry.invoice_id), (Payment, LedgerEntry.payment_id)):
            when = select(parent.created_at).where(parent.id == link).scalar_subquery()
            await session.execute(update(LedgerEntry).where(LedgerEntry.client_id == client_id, link.is_not(None))
                                  .values(created_at=when))
