"""A stateful test (hypothesis RuleBasedStateMachine): billing runs, special charges, reversals, adjustments,
FIFO/SPEC payments, refunds and returned payments in any order, against a plain-Python model of the books.

Billing runs bill fresh months and also periods drawn around earlier invoices (equal, contained,
straddling, adjacent, before the service began), so a run that bills a day twice, or refuses a period
a reversal freed, shows. After every step the ledger invariants hold (among them: no usage day is billed
by two invoices that are not REVERSED) and balance, open amounts, credit and invoice periods match the model.
Each step runs the resolvers in its own write transaction, as the mutation wrapper does.
"""

import asyncio
from collections import defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from db.base import utcnow
from db.engine import make_engine, make_sessionmaker, make_write_sessionmaker
from db.enums import AdjustmentDirection, AllocationMode, InvoiceStatus, PaymentMethod, Role
from db.models import (
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    UsagePeriod,
)
from resolvers.billing import (
    adjustments,
    billing_run,
    payments,
    refunds,
    reversals,
    special_charges,
)
from resolvers.context import RequestScope, Viewer
from resolvers.errors import UserInputError
from resolvers.rules.allocation import Allocation
from tests.billing_invariants import check_invariants, snapshot
from tests.factories.accounts import make_account, make_rate_plan
from tests.factories.admin import make_tenant
from tests.factories.customers import make_customer

CENTS = st.integers(1, 20_000)
# the account's service starts two years back: a dozen monthly runs stay in the past and inside the money window
SERVICE_START = (utcnow().date() - timedelta(days=730)).replace(day=1)
SHAPES = ("equal", "contained", "straddling", "after", "before")


def around(start: date, end: date, shape: str) -> tuple[date, date]:
    """A period drawn around an invoiced one: the same, inside it, across its end, just after or just before it."""
    return {"equal": (start, end), "contained": (start + timedelta(days=5), end - timedelta(days=5)),
            "straddling": (start + timedelta(days=10), end + timedelta(days=10)),
            "after": (end + timedelta(days=1), end + timedelta(days=20)),
            "before": (start - timedelta(days=20), start - timedelta(days=1))}[shape]


class Books(RuleBasedStateMachine):
    url: str = ""

    def __init__(self):
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.engine = make_engine(self.url)
        self.writes, self.reads = make_write_sessionmaker(self.engine), make_sessionmaker(self.engine)
        self.run(self._arrange())
        self.balance, self.credit, self.month = 0, 0, 0
        self.open: dict[int, int] = {}
        self.invoices: dict[int, dict] = {}  # invoice -> {"period", "total", "charges", "key" (FIFO order)}
        self.meter_reads: list[tuple[date, int]] = []  # (read day, kWh)
        self.lines: dict[int, list[tuple[int, int]]] = {}  # invoice -> [(line id, cents)] not yet reversed
        self.pending: dict[int, int] = {}
        self.paid: dict[int, dict] = {}  # payment -> {"net": {invoice: cents}, "unapplied", "returned", "refunded"}
        self.seq: list[tuple[int, int]] = []  # (payment, invoice) in allocation order

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def teardown(self):
        self.run(self.engine.dispose())
        self.loop.close()

    async def _arrange(self):
        async with self.reads() as session:
            tenant = await make_tenant(session)
            self.customer = await make_customer(session, tenant)
            plan = await make_rate_plan(session, tenant.client.id, "PA", rate_millicents=10_000)
            self.account = await make_account(session, self.customer, utility="PECO", plan=plan, state="PA",
                                              start=SERVICE_START)
            await session.commit()
        self.client_id = tenant.client.id
        self.scope = RequestScope(Viewer(tenant.admin.id, tenant.client.id, Role.ADMIN, tenant.admin.email), "stateful")
        async with self.reads() as session:
            self.before = await snapshot(session, self.client_id)

    async def _do(self, action):
        async with self.writes() as session, session.begin():
            return await action(self.scope.with_session(session))

    def do(self, action):
        """The action's result, or the UserInputError it raised (its transaction rolled back)."""
        try:
            return self.run(self._do(action))
        except UserInputError as error:
            return error

    # ---- rules -------------------------------------------------------------------------------

    @rule(kwh=st.integers(0, 3_000))  # 10 cents a kWh; no delivery rate or tax in PA here
    def bill(self, kwh):
        start = SERVICE_START + timedelta(days=31 * self.month)
        self.month += 1
        self.run(self._usage(start, kwh))
        self.meter_reads.append((start + timedelta(days=27), kwh))
        self._bill(start, start + timedelta(days=27))

    @precondition(lambda self: self.invoices)
    @rule(data=st.data(), shape=st.sampled_from(SHAPES))
    def bill_around_an_invoice(self, data, shape):
        invoice_id = data.draw(st.sampled_from(sorted(self.invoices)))
        self._bill(*around(*self.invoices[invoice_id]["period"], shape))

    def _bill(self, start, end):
        request = billing_run.RunRequest(start, end, end + timedelta(days=1), self.account.id)
        result = self.do(lambda s: billing_run.run_billing(s, request))
        expected = self._refusal(start, end)
        if expected is not None:
            assert isinstance(result, UserInputError), (start, end, expected, result)
            assert result.code == expected, (start, end, expected, result)
            return
        assert not isinstance(result, UserInputError), (start, end, result.code, result.message)
        invoice = result.invoices[0]
        kwh = sum(k for day, k in self.meter_reads if start <= day <= end)
        assert invoice.total_cents == kwh * 10 + sum(self.pending.values())
        self.pending.clear()
        self.balance += invoice.total_cents
        self.open[invoice.id] = invoice.total_cents
        self.invoices[invoice.id] = {
            "period": (start, end),
            "total": invoice.total_cents,
            "charges": invoice.total_cents,
            "key": (invoice.due_on, invoice.issued_on, invoice.number, invoice.id),
        }
        self.lines[invoice.id] = self.run(self._lines(invoice.id))

    def _refusal(self, start, end):
        """The code a single-account run must refuse start..end with, or None when it bills it."""
        if end < SERVICE_START:
            return "BILLING_PERIOD_OUTSIDE_SERVICE"
        if any(s <= end and start <= e for i, (s, e) in self._billing_periods().items()):
            return "BILLING_PERIOD_OVERLAPS"
        if not any(start <= day <= end for day, _ in self.meter_reads) and not self.pending:
            return "NOTHING_TO_BILL"
        return None

    def _reversed(self, invoice_id):
        """REVERSED: every charge reversed or credited away (postings.set_open)."""
        invoice = self.invoices[invoice_id]
        return invoice["charges"] == 0 and invoice["total"] > 0

    def _billing_periods(self):
        return {i: v["period"] for i, v in self.invoices.items() if not self._reversed(i)}

    @rule(cents=CENTS)
    def add_special_charge(self, cents):
        charge = self.do(lambda s: special_charges.create_special_charge(s, self.customer.id, "Fee", cents, "Test"))
        self.pending[charge.id] = cents

    @precondition(lambda self: self.pending)
    @rule(data=st.data())
    def remove_special_charge(self, data):
        charge_id = data.draw(st.sampled_from(sorted(self.pending)))
        self.do(lambda s: special_charges.remove_special_charge(s, charge_id, "Waived"))
        del self.pending[charge_id]

    @rule(cents=CENTS)
    def pay_fifo(self, cents):
        done = self.do(lambda s: payments.post_payment(s, self._payment(cents)))
        self.balance -= cents
        self._record_payment(done.payment.id, cents)
        for pid in sorted(self.paid, key=lambda p: p):  # earlier credit first, then this payment
            self._fifo(pid)

    @precondition(lambda self: self.open)
    @rule(data=st.data(), cents=CENTS)
    def pay_spec(self, data, cents):
        invoice_id = data.draw(st.sampled_from(sorted(self.open)))
        amount = data.draw(st.integers(1, cents + 50))
        request = self._payment(cents, AllocationMode.SPEC, (Allocation(invoice_id, amount),))
        done = self.do(lambda s: payments.post_payment(s, request))
        if amount > cents or amount > self.open[invoice_id] or self.open[invoice_id] == 0:
            assert isinstance(done, UserInputError), "SPEC beyond the bounds must be refused"
            return
        self.balance -= cents
        self._record_payment(done.payment.id, cents)
        self._allocate(done.payment.id, invoice_id, amount)

    @precondition(lambda self: any(self.lines.values()))
    @rule(data=st.data())
    def reverse_line(self, data):
        invoice_id = data.draw(st.sampled_from(sorted(i for i, ls in self.lines.items() if ls)))
        line_id, cents = self.lines[invoice_id].pop(0)
        result = self.do(lambda s: reversals.reverse_invoice_charges(s, invoice_id, [line_id], "Wrong"))
        paid_on = sum(p["net"].get(invoice_id, 0) for p in self.paid.values())
        if cents > self.open[invoice_id] + paid_on:  # credit adjustments already took the invoice below the line
            assert isinstance(result, UserInputError)
            assert result.code == "REVERSAL_EXCEEDS_INVOICE_BALANCE"
            self.lines[invoice_id].insert(0, (line_id, cents))
            return
        assert not isinstance(result, UserInputError), result
        self.balance -= cents
        excess = cents - self.open[invoice_id]  # paid beyond what remains: back to the payments, newest first
        for pid, iid in reversed(list(self.seq)):
            if excess <= 0:
                break
            if iid == invoice_id and self.paid[pid]["net"][iid] > 0:
                back = min(excess, self.paid[pid]["net"][iid])
                self._allocate(pid, iid, -back)
                excess -= back
        self.open[invoice_id] -= cents
        self.invoices[invoice_id]["charges"] -= cents

    @rule(cents=st.integers(1, 9_000), debit=st.booleans(), on_invoice=st.booleans(), data=st.data())
    def adjust(self, cents, debit, on_invoice, data):
        invoice_id = data.draw(st.sampled_from(sorted(self.open))) if on_invoice and self.open else None
        direction = AdjustmentDirection.DEBIT if debit else AdjustmentDirection.CREDIT
        request = adjustments.AdjustmentRequest(self.customer.id, direction, cents, "TEST", invoice_id=invoice_id)
        result = self.do(lambda s: adjustments.create_adjustment(s, request))
        signed = cents if debit else -cents
        if invoice_id is not None and debit and self._reversed(invoice_id):  # its period may be billed again
            assert isinstance(result, UserInputError), result
            assert result.code == "INVOICE_REVERSED", result
            return
        if invoice_id is not None and self.open[invoice_id] + signed < 0:
            assert isinstance(result, UserInputError)
            return
        self.balance += signed
        if invoice_id is not None:
            self.open[invoice_id] += signed
            self.invoices[invoice_id]["charges"] += signed

    @precondition(lambda self: self.paid)
    @rule(data=st.data(), cents=CENTS)
    def refund(self, data, cents):
        pid = data.draw(st.sampled_from(sorted(self.paid)))
        result = self.do(lambda s: refunds.refund_payment(s, pid, cents, "Credit balance"))
        if cents > self.paid[pid]["unapplied"]:
            assert isinstance(result, UserInputError)
            return
        self.paid[pid]["unapplied"] -= cents
        self.paid[pid]["refunded"] = True
        self.credit -= cents
        self.balance += cents

    @precondition(lambda self: self.paid)
    @rule(data=st.data(), fee=st.integers(0, 3_000))
    def return_payment(self, data, fee):
        pid = data.draw(st.sampled_from(sorted(self.paid)))
        result = self.do(lambda s: refunds.reverse_payment(s, pid, "NSF", fee or None))
        state = self.paid[pid]
        if state["returned"] or state["refunded"]:
            assert isinstance(result, UserInputError)
            return
        for iid, net in list(state["net"].items()):
            if net > 0:
                self._allocate(pid, iid, -net)
        self.credit -= state["unapplied"]
        self.balance += state["amount"]
        state["unapplied"], state["returned"] = 0, True
        if fee:
            self.pending[result.fee.id] = fee

    # ---- the model ---------------------------------------------------------------------------

    def _payment(self, cents, mode=AllocationMode.FIFO, allocations=()):
        return payments.PaymentRequest(self.customer.id, cents, PaymentMethod.CHECK, SERVICE_START, mode,
                                       allocations=allocations)

    def _record_payment(self, pid, cents):
        self.paid[pid] = {
            "net": defaultdict(int),
            "unapplied": cents,
            "returned": False,
            "refunded": False,
            "amount": cents,
        }
        self.credit += cents

    def _allocate(self, pid, iid, cents):
        self.paid[pid]["net"][iid] += cents
        self.paid[pid]["unapplied"] -= cents
        self.credit -= cents
        self.open[iid] -= cents
        self.seq.append((pid, iid))

    def _fifo(self, pid):
        for iid in sorted(self.open, key=lambda i: self.invoices[i]["key"]):  # oldest due first, as allocate_fifo
            cents = min(self.paid[pid]["unapplied"], self.open[iid])
            if not self.paid[pid]["returned"] and cents > 0:
                self._allocate(pid, iid, cents)

    async def _usage(self, start, kwh):
        async with self.reads() as session:
            session.add(UsagePeriod(client_id=self.client_id, utility_account_id=self.account.id, period_start=start,
                                    period_end=start + timedelta(days=27), wh=kwh * 1_000, read_type="ACTUAL"))
            await session.commit()

    async def _lines(self, invoice_id):
        async with self.reads() as session:
            stmt = select(InvoiceLine.id, InvoiceLine.amount_cents).where(InvoiceLine.invoice_id == invoice_id,
                                                                          InvoiceLine.amount_cents > 0)
            return [tuple(r) for r in (await session.execute(stmt.order_by(InvoiceLine.id))).all()]

    async def _actual(self):
        async with self.reads() as session:
            where = LedgerEntry.customer_id == self.customer.id
            balance = (
                await session.execute(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(where))
            ).scalar()
            rows = (
                (await session.execute(select(Invoice).where(Invoice.customer_id == self.customer.id))).scalars().all()
            )
            opens = {i.id: i.open_cents for i in rows}
            periods = {i.id: ((i.period_start, i.period_end), i.status is InvoiceStatus.REVERSED) for i in rows}
            credit = (await session.execute(select(func.coalesce(func.sum(Payment.unapplied_cents), 0)).where(
                Payment.customer_id == self.customer.id))).scalar()
            problems = await check_invariants(session, self.client_id, self.before)
            self.before = await snapshot(session, self.client_id)
            return int(balance), opens, int(credit), periods, problems

    @invariant()
    def books_match_the_model(self):
        if not hasattr(self, "open"):
            return
        balance, opens, credit, periods, problems = self.run(self._actual())
        assert problems == []
        assert (balance, opens, credit) == (self.balance, self.open, self.credit)
        assert periods == {i: (v["period"], self._reversed(i)) for i, v in self.invoices.items()}


def test_books_under_any_sequence_of_operations(database):
    Books.url = database.url
    run = Books.TestCase
    run.settings = settings(max_examples=12, stateful_step_count=12, deadline=None,
                            suppress_health_check=list(HealthCheck),
                            # shrinking a database-backed machine takes minutes; the failing steps print anyway
                            phases=[Phase.explicit, Phase.reuse, Phase.generate])
    run().runTest()
