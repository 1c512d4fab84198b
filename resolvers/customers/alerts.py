"""The facts behind account alerts, for many customers at once: one SELECT per source, never per customer.

Critical notes and the past-due amount have loaders of their own (commlog's critical entries, billing's
aging), so a profile asking for `pastDue` and `alerts` reads aging once; this batch reads the rest.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, and_, bindparam, func, or_, select

from db.enums import EnrollmentStatus, PaymentStatus, TicketStatus
from db.models import Customer, Invoice, Payment, Ticket, UtilityAccount
from resolvers.context import RequestScope
from resolvers.rules import alerts as rules
from resolvers.rules.aging import AgingBuckets
from resolvers.scope import tenant_scoped
from resolvers.statements import Run, plain_rows, reused
from resolvers.tickets.numbers import ticket_number


@dataclass(frozen=True, slots=True)
class AlertSources:
    """One customer's rows that may raise an alert (beyond critical notes and aging): plain rows, each with its
    model's columns by name (what the subjects' GraphQL types read)."""

    accounts: tuple[Row[Any], ...] = ()
    tickets: tuple[Row[Any], ...] = ()
    returned_payments: tuple[Row[Any], ...] = ()
    oldest_past_due: Row[Any] | None = None


async def alert_sources_by_customer_ids(scope: RequestScope, ids: Sequence[int], today: date) -> list[AlertSources]:
    """The loader's batch of `alert_sources`, on the request's session."""
    return await alert_sources(scope, lambda stmt, params: plain_rows(scope.db, stmt, params), ids, today)


async def alert_sources(scope: RequestScope, run: Run, ids: Sequence[int], today: date) -> list[AlertSources]:
    """Four statements for any number of customers: accounts, open tickets, recent returns, oldest past-due; each
    built once per client (resolvers/statements.py), the customers and the day's bounds bound per call, read through
    `run` (a session's connection, or a compiled plan's own)."""
    first, last = rules.renewal_window(today)
    customers = {"customer_ids": list(ids)}
    accounts = await _grouped(run, reused(scope, "alerting-accounts", _alerting_accounts),
                              {**customers, "renewal_from": first, "renewal_to": last}, "customer_id")
    tickets = await _grouped(run, reused(scope, "alerting-tickets", _open_tickets), customers, "customer_id")
    payments = await _grouped(run, reused(scope, "alerting-returns", _recent_returns),
                              {**customers, "returned_since": rules.returned_since(today)}, "customer_id")
    oldest = await _grouped(run, reused(scope, "oldest-past-due", _oldest_past_due),
                            {**customers, "today": today}, "customer_id")
    return [AlertSources(tuple(accounts[i]), tuple(tickets[i]), tuple(payments[i]), _first(oldest[i])) for i in ids]


def _first(rows: list[Any]) -> Any | None:
    return rows[0] if rows else None


def alert_facts(customer: Customer, critical: Sequence[Row[Any]], aging: AgingBuckets,
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


def subject_rows(customer: Customer, critical: Sequence[Row[Any]],
                 sources: AlertSources) -> dict[rules.Subject, Any]:
    """The row behind each subject an alert may point at, so nothing is read again to show it."""
    kind = rules.SubjectKind
    rows: dict[rules.Subject, Any] = {rules.Subject(kind.CUSTOMER, customer.id): customer}
    for subject_kind, items in ((kind.NOTE, critical), (kind.UTILITY_ACCOUNT, sources.accounts),
                                (kind.TICKET, sources.tickets), (kind.PAYMENT, sources.returned_payments),
                                (kind.INVOICE, [sources.oldest_past_due] if sources.oldest_past_due else [])):
        rows.update({rules.Subject(subject_kind, row.id): row for row in items})
    return rows


async def _grouped(run: Run, stmt: Any, params: dict[str, Any], parent: str) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for row in await run(stmt, params):
        found[getattr(row, parent)].append(row)
    return found


def _columns(model: Any) -> Any:
    """The model's columns as a plain row select: the rules and the subjects' types read attributes only, and
    ORM entities cost several times a row each."""
    return select(*model.__table__.columns)


def _in_customers(column: Any) -> Any:
    return column.in_(bindparam("customer_ids", expanding=True))


def _alerting_accounts(scope: RequestScope) -> Any:
    """Accounts that may raise an alert; the rule decides, this only keeps the rest out of the read. The renewal
    window (`renewal_from`, `renewal_to`: rules.renewal_window) is bound per call."""
    window = UtilityAccount.end_date.between(bindparam("renewal_from", type_=UtilityAccount.end_date.type),
                                             bindparam("renewal_to", type_=UtilityAccount.end_date.type))
    renewal = and_(UtilityAccount.status == EnrollmentStatus.ACTIVE,
                   or_(UtilityAccount.renewal_pending.is_(True), window))
    drop = UtilityAccount.status.in_(list(rules.DROP_KINDS))
    alerting = or_(drop, UtilityAccount.pending_transfer.is_(True), renewal)
    stmt = _columns(UtilityAccount).where(_in_customers(UtilityAccount.customer_id), alerting)
    return tenant_scoped(stmt.order_by(UtilityAccount.id), UtilityAccount, scope)


def _open_tickets(scope: RequestScope) -> Any:
    stmt = _columns(Ticket).where(_in_customers(Ticket.customer_id), Ticket.status != TicketStatus.CLOSED)
    return tenant_scoped(stmt.order_by(Ticket.id), Ticket, scope)


def _recent_returns(scope: RequestScope) -> Any:
    """Returns since `returned_since` (rules.returned_since, bound per call)."""
    since = bindparam("returned_since", type_=Payment.returned_at.type)
    stmt = _columns(Payment).where(_in_customers(Payment.customer_id), Payment.status == PaymentStatus.RETURNED,
                                   Payment.returned_at >= since)
    return tenant_scoped(stmt.order_by(Payment.id), Payment, scope)


def _oldest_past_due(scope: RequestScope) -> Any:
    """Each customer's oldest open invoice past its due date (aging's rule: due before `today`, bound per call),
    ties by issue, number."""
    order = (Invoice.due_on, Invoice.issued_on, Invoice.number)
    rank = func.row_number().over(partition_by=Invoice.customer_id, order_by=order).label("rank")
    stmt = _columns(Invoice).add_columns(rank).where(
        _in_customers(Invoice.customer_id), Invoice.open_cents > 0,
        Invoice.due_on < bindparam("today", type_=Invoice.due_on.type))
    ranked = tenant_scoped(stmt, Invoice, scope).subquery()
    return select(*(ranked.c[c.name] for c in Invoice.__table__.columns)).where(ranked.c.rank == 1)
