"""The facts behind account alerts, for many customers at once: one SELECT per source, never per customer.

Critical notes and the past-due amount have loaders of their own (commlog's critical entries, billing's
aging), so a profile asking for `pastDue` and `alerts` reads aging once; this batch reads the rest.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from db.enums import EnrollmentStatus, PaymentStatus, TicketStatus
from db.models import CommLogEntry, Customer, Invoice, Payment, Ticket, UtilityAccount
from resolvers.context import RequestScope
from resolvers.rules import alerts as rules
from resolvers.rules.aging import AgingBuckets
from resolvers.scope import tenant_scoped
from resolvers.tickets.numbers import ticket_number


@dataclass(frozen=True, slots=True)
class AlertSources:
    """One customer's rows that may raise an alert (beyond critical notes and aging)."""

    accounts: tuple[UtilityAccount, ...] = ()
    tickets: tuple[Ticket, ...] = ()
    returned_payments: tuple[Payment, ...] = ()
    oldest_past_due: Invoice | None = None


async def alert_sources_by_customer_ids(scope: RequestScope, ids: Sequence[int], today: date) -> list[AlertSources]:
    """Four statements for any number of customers: accounts, open tickets, recent returns, oldest past-due."""
    accounts = await _grouped(scope, _alerting_accounts(scope, ids, today), UtilityAccount.customer_id)
    tickets = await _grouped(scope, _open_tickets(scope, ids), Ticket.customer_id)
    payments = await _grouped(scope, _recent_returns(scope, ids, today), Payment.customer_id)
    oldest = await _oldest_past_due(scope, ids, today)
    return [AlertSources(tuple(accounts[i]), tuple(tickets[i]), tuple(payments[i]), oldest.get(i)) for i in ids]


def alert_facts(customer: Customer, critical: Sequence[CommLogEntry], aging: AgingBuckets,
                sources: AlertSources) -> rules.AlertFacts:
    """The rule's view of the rows: plain values only."""
    invoice = sources.oldest_past_due
    past_due = rules.PastDue(aging.past_due, invoice.id if invoice else None, invoice.number if invoice else None,
                             invoice.due_on if invoice else None)
    return rules.AlertFacts(
        customer_id=customer.id,
        critical_notes=tuple(rules.CriticalNote(e.id, e.created_at, e.subject, e.body, e.reason) for e in critical),
        past_due=past_due,
        hold=rules.HoldFacts(customer.dunning_hold_until, customer.dunning_hold_reason),
        accounts=tuple(rules.AccountFacts(a.id, a.ldc_account_number, a.status, a.end_date, a.renewal_pending,
                                          a.pending_transfer) for a in sources.accounts),
        tickets=tuple(rules.TicketFacts(t.id, ticket_number(t.id), t.summary, t.status, t.created_at)
                      for t in sources.tickets),
        returned_payments=tuple(rules.ReturnedPayment(p.id, p.amount_cents, p.received_on, p.returned_at,
                                                      p.returned_reason)
                                for p in sources.returned_payments if p.returned_at is not None),
    )


def subject_rows(customer: Customer, critical: Sequence[CommLogEntry],
                 sources: AlertSources) -> dict[rules.Subject, Any]:
    """The row behind each subject an alert may point at, so nothing is read again to show it."""
    kind = rules.SubjectKind
    rows: dict[rules.Subject, Any] = {rules.Subject(kind.CUSTOMER, customer.id): customer}
    for subject_kind, items in ((kind.NOTE, critical), (kind.UTILITY_ACCOUNT, sources.accounts),
                                (kind.TICKET, sources.tickets), (kind.PAYMENT, sources.returned_payments),
                                (kind.INVOICE, [sources.oldest_past_due] if sources.oldest_past_due else [])):
        rows.update({rules.Subject(subject_kind, row.id): row for row in items})
    return rows


async def _grouped(scope: RequestScope, stmt: Any, parent: Any) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for row in (await scope.db.execute(stmt)).scalars():
        found[getattr(row, parent.key)].append(row)
    return found


def _alerting_accounts(scope: RequestScope, ids: Sequence[int], today: date) -> Any:
    """Accounts that may raise an alert; the rule decides, this only keeps the rest out of the read."""
    first, last = rules.renewal_window(today)
    renewal = and_(UtilityAccount.status == EnrollmentStatus.ACTIVE,
                   or_(UtilityAccount.renewal_pending.is_(True), UtilityAccount.end_date.between(first, last)))
    drop = UtilityAccount.status.in_(list(rules.DROP_KINDS))
    alerting = or_(drop, UtilityAccount.pending_transfer.is_(True), renewal)
    stmt = select(UtilityAccount).where(UtilityAccount.customer_id.in_(ids), alerting).order_by(UtilityAccount.id)
    return tenant_scoped(stmt, UtilityAccount, scope)


def _open_tickets(scope: RequestScope, ids: Sequence[int]) -> Any:
    stmt = select(Ticket).where(Ticket.customer_id.in_(ids), Ticket.status != TicketStatus.CLOSED).order_by(Ticket.id)
    return tenant_scoped(stmt, Ticket, scope)


def _recent_returns(scope: RequestScope, ids: Sequence[int], today: date) -> Any:
    stmt = select(Payment).where(Payment.customer_id.in_(ids), Payment.status == PaymentStatus.RETURNED,
                                 Payment.returned_at >= rules.returned_since(today)).order_by(Payment.id)
    return tenant_scoped(stmt, Payment, scope)


async def _oldest_past_due(scope: RequestScope, ids: Sequence[int], today: date) -> dict[int, Invoice]:
    """Each customer's oldest open invoice past its due date (aging's rule: due before today), ties by issue, number."""
    order = (Invoice.due_on, Invoice.issued_on, Invoice.number)
    rank = func.row_number().over(partition_by=Invoice.customer_id, order_by=order).label("rank")
    stmt = select(Invoice, rank).where(Invoice.customer_id.in_(ids), Invoice.open_cents > 0, Invoice.due_on < today)
    ranked = tenant_scoped(stmt, Invoice, scope).subquery()
    invoice = aliased(Invoice, ranked)
    rows = (await scope.db.execute(select(invoice).where(ranked.c.rank == 1))).scalars()
    return {row.customer_id: row for row in rows}
