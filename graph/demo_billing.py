"""Demo invoices through the real billing run: the last three months, for every demo client."""

import random
import sys
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.demo import CLIENTS, TODAY
from db.engine import make_sessionmaker, make_write_sessionmaker
from db.enums import PaymentMethod
from db.models import Invoice
from graph.auth import user_scope
from resolvers.billing.billing_run import RunRequest, run_billing
from resolvers.billing.payments import PaymentRequest, post_payment
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
        for start, end, issued in demo_periods():
            async with make_write_sessionmaker(engine)() as session, session.begin():
                await run_billing(scope.with_session(session), RunRequest(start, end, issued))
        await _pay_some(engine, scope, random.Random(slug))


async def _pay_some(engine: AsyncEngine, scope, rng: random.Random) -> None:
    """Most customers pay their oldest bill, some pay more, some nothing: the AR tab has every state."""
    async with make_sessionmaker(engine)() as session:
        stmt = select(Invoice.customer_id, func.min(Invoice.total_cents)).group_by(Invoice.customer_id)
        owed = (await session.execute(tenant_scoped(stmt, Invoice, scope))).all()
    for customer_id, cents in owed:
        share = rng.choice([0, 0.5, 1, 1, 1, 2.5])
        if share:
            request = PaymentRequest(customer_id=customer_id, amount_cents=int(cents * share),
                                     method=rng.choice(list(PaymentMethod)), received_on=TODAY - timedelta(days=3))
            async with make_write_sessionmaker(engine)() as session, session.begin():
                await post_payment(scope.with_session(session), request)
