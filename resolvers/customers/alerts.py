"""The facts behind account alerts, for many customers at once: ONE statement for every source, never per customer.

The sources (critical notes, accounts that may alert, open tickets, recent returns, the oldest past-due invoice) are
one UNION ALL of the columns the rules read, each source's in its own typed columns (`_FACTS`): one statement instead
of five, for the Strawberry resolver's loader and a compiled plan's derived batch alike (graph/customers/alerts.py).
The past-due amount is aging's (billing's standing), so a profile asking for `pastDue` and `alerts` reads it once.
An alert's subject (the note, the account, ...) is read by its id only where a query selects it (`subject_rows`).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Integer, and_, bindparam, cast, func, literal_column, null, or_, select, union_all

from db.enums import EnrollmentStatus, PaymentStatus, TicketStatus
from db.models import CommLogEntry, Customer, Invoice, Payment, Ticket, UtilityAccount
from resolvers.batching import tenant_rows_by_ids
from resolvers.context import RequestScope
from resolvers.rules import alerts as rules
from resolvers.rules.aging import AgingBuckets
from resolvers.scope import tenant_scoped
from resolvers.statements import Run, plain_rows, reused
from resolvers.tickets.numbers import ticket_number


@dataclass(frozen=True, slots=True)
class AlertSources:
    """One customer's facts that may raise an alert, beyond aging and the customer's own hold."""

    critical_notes: tuple[rules.CriticalNote, ...] = ()
    accounts: tuple[rules.AccountFacts, ...] = ()
    tickets: tuple[rules.TicketFacts, ...] = ()
    returned_payments: tuple[rules.ReturnedPayment, ...] = ()
    oldest_past_due: tuple[int, str, date] | None = None  # the invoice's id, number, due date


# The sources, in the statement's order (its `source` column); the rows of one source keep their own order.
NOTE, ACCOUNT, TICKET, RETURN, OLDEST = range(5)


async def alert_sources_by_customer_ids(scope: RequestScope, ids: Sequence[int], today: date) -> list[AlertSources]:
    """The loader's batch of `alert_sources`, on the request's session."""
    return await alert_sources(scope, lambda stmt, params: plain_rows(scope.db, stmt, params), ids, today)


async def alert_sources(scope: RequestScope, run: Run, ids: Sequence[int], today: date) -> list[AlertSources]:
    """Every source of every customer in one statement, built once per client (resolvers/statements.py), the
    customers and the day's bounds bound per call, read through `run` (a session's connection, or a compiled
    plan's own)."""
    return alert_sources_of(await run(*alert_sources_query(scope, ids, today)), ids)


def alert_sources_query(scope: RequestScope, ids: Sequence[int], today: date) -> tuple[Any, dict[str, Any]]:
    """The sources' statement (built once per client) and its parameters: the customers, the day's bounds."""
    return reused(scope, "alert-sources", _alert_sources), dict.fromkeys(_CUSTOMER_PARAMETERS, list(ids)) | \
        _day_bounds(today)


def _day_bounds(today: date) -> dict[str, Any]:
    """The sources' parameters of the day: the renewal window, the earliest return that alerts, the day itself;
    computed once a day (_DAYS holds the last day's)."""
    bounds = _DAYS.get(today)
    if bounds is None:
        first, last = rules.renewal_window(today)
        _DAYS.clear()
        bounds = _DAYS[today] = {"renewal_from": first, "renewal_to": last,
                                 "returned_since": rules.returned_since(today), "today": today}
    return bounds


_DAYS: dict[date, dict[str, Any]] = {}


def alert_sources_of(rows: Sequence[Any], ids: Sequence[int]) -> list[AlertSources]:
    """Each customer's AlertSources from the rows of `alert_sources_query`."""
    found: dict[int, list[list[Any]]] = defaultdict(lambda: [[], [], [], [], []])
    for row in rows:
        found[row.customer_id][row.source].append(row)
    return [_sources(found[i]) if i in found else AlertSources() for i in ids]


def _sources(rows: list[list[Any]]) -> AlertSources:
    """The facts of one customer's rows, by source (the union's columns: `_FACTS`)."""
    notes, accounts, tickets, returns, oldest = rows
    return AlertSources(
        critical_notes=tuple(rules.CriticalNote(n.id, n.moment, n.text_a, n.text_b, n.text_c) for n in notes),
        accounts=tuple(rules.AccountFacts(a.id, a.text_a, a.account_status, a.day, a.flag_a, a.flag_b)
                       for a in accounts),
        tickets=tuple(rules.TicketFacts(t.id, ticket_number(t.id), t.text_a, t.ticket_status, t.moment)
                      for t in tickets),
        returned_payments=tuple(rules.ReturnedPayment(p.id, p.cents, p.day, p.moment, p.text_a)
                                for p in returns if p.moment is not None),
        oldest_past_due=(oldest[0].id, oldest[0].text_a, oldest[0].day) if oldest else None,
    )


def alert_facts(customer: Customer, aging: AgingBuckets, sources: AlertSources) -> rules.AlertFacts:
    """The rule's view of one customer: plain values only."""
    invoice = sources.oldest_past_due
    return rules.AlertFacts(
        customer_id=customer.id,
        critical_notes=sources.critical_notes,
        past_due=rules.PastDue(aging.past_due, *(invoice or (None, None, None))),
        hold=rules.HoldFacts(customer.dunning_hold_until, customer.dunning_hold_reason),
        accounts=sources.accounts,
        tickets=sources.tickets,
        returned_payments=sources.returned_payments,
    )


# The row each kind of subject is, read by id where a query shows an alert's subject (the customer is at hand).
SUBJECT_MODELS: dict[rules.SubjectKind, Any] = {
    rules.SubjectKind.NOTE: CommLogEntry,
    rules.SubjectKind.INVOICE: Invoice,
    rules.SubjectKind.UTILITY_ACCOUNT: UtilityAccount,
    rules.SubjectKind.PAYMENT: Payment,
    rules.SubjectKind.TICKET: Ticket,
}


async def subject_rows(scope: RequestScope, ids: Sequence[int], kind: rules.SubjectKind) -> list[Any | None]:
    """The rows of alert subjects of one kind (every column by name, what their GraphQL types read), aligned with
    `ids`: one statement per kind for every alert of the request."""
    return await tenant_rows_by_ids(scope, SUBJECT_MODELS[kind], ids, plain=True)


# ---- the statement ----------------------------------------------------------------------------------------------

# One expanding parameter per use (a prepared read binds each name once: db/sqlite_driver.py).
_CUSTOMER_PARAMETERS = ("note_customers", "account_customers", "ticket_customers", "return_customers",
                        "invoice_customers")
# The union's columns besides source, customer_id and id, with their types: each source fills the ones it has, the
# others are typed NULLs (the first SELECT's types are the result's, and PostgreSQL types a union by its columns).
_FACTS: dict[str, Any] = {
    "text_a": CommLogEntry.subject.type,  # a note's subject, an account's LDC number, a ticket's summary, a
                                          # return's reason, an invoice's number
    "text_b": CommLogEntry.body.type,  # a note's body
    "text_c": CommLogEntry.reason.type,  # a note's reason
    "moment": CommLogEntry.created_at.type,  # a note's or a ticket's creation, a payment's return
    "day": Date(),  # an account's end, a payment's receipt, an invoice's due date
    "account_status": UtilityAccount.status.type,
    "ticket_status": Ticket.status.type,
    "flag_a": Boolean(),  # an account's renewal_pending
    "flag_b": Boolean(),  # an account's pending_transfer
    "cents": Payment.amount_cents.type,  # a return's amount
    "ordinal": Integer(),  # the source's own order
}


def _branch(source: int, id_column: Any, customer_column: Any, **given: Any) -> Any:
    """One source's SELECT of the union's columns (`given`: the ones it fills, by name)."""
    columns = [literal_column(str(source), Integer).label("source"), customer_column.label("customer_id"),
               id_column.label("id")]
    columns += [(given[name] if name in given else cast(null(), type_)).label(name) for name, type_ in _FACTS.items()]
    return select(*columns)


def _in(column: Any, name: str) -> Any:
    return column.in_(bindparam(name, expanding=True))


def _alert_sources(scope: RequestScope) -> Any:
    """Critical notes (newest first), accounts that may alert (the rule decides; this keeps the rest out of the
    read: the renewal window `renewal_from`..`renewal_to`, rules.renewal_window, bound per call), open tickets,
    returns since `returned_since` (rules.returned_since), and each customer's oldest open invoice past its due date
    (aging's rule: due before `today`; ties by issue, number); each source in its own order."""
    e = CommLogEntry
    notes = _branch(NOTE, e.id, e.customer_id, text_a=e.subject, text_b=e.body, text_c=e.reason,
                    moment=e.created_at, ordinal=-e.id)
    notes = tenant_scoped(notes.where(e.critical.is_(True), _in(e.customer_id, "note_customers")), e, scope)

    a = UtilityAccount
    window = a.end_date.between(bindparam("renewal_from", type_=a.end_date.type),
                                bindparam("renewal_to", type_=a.end_date.type))
    renewal = and_(a.status == EnrollmentStatus.ACTIVE, or_(a.renewal_pending.is_(True), window))
    alerting = or_(a.status.in_(list(rules.DROP_KINDS)), a.pending_transfer.is_(True), renewal)
    accounts = _branch(ACCOUNT, a.id, a.customer_id, text_a=a.ldc_account_number, day=a.end_date,
                       account_status=a.status, flag_a=a.renewal_pending, flag_b=a.pending_transfer, ordinal=a.id)
    accounts = tenant_scoped(accounts.where(_in(a.customer_id, "account_customers"), alerting), a, scope)

    t = Ticket
    tickets = _branch(TICKET, t.id, t.customer_id, text_a=t.summary, moment=t.created_at, ticket_status=t.status,
                      ordinal=t.id)
    tickets = tenant_scoped(tickets.where(_in(t.customer_id, "ticket_customers"), t.status != TicketStatus.CLOSED),
                            t, scope)

    p = Payment
    since = bindparam("returned_since", type_=p.returned_at.type)
    returns = _branch(RETURN, p.id, p.customer_id, text_a=p.returned_reason, moment=p.returned_at,
                      day=p.received_on, cents=p.amount_cents, ordinal=p.id)
    returns = tenant_scoped(returns.where(_in(p.customer_id, "return_customers"), p.status == PaymentStatus.RETURNED,
                                          p.returned_at >= since), p, scope)

    i = Invoice
    rank = func.row_number().over(partition_by=i.customer_id, order_by=(i.due_on, i.issued_on, i.number))
    ranked = tenant_scoped(
        select(i.id, i.customer_id, i.number, i.due_on, rank.label("rank")).where(
            _in(i.customer_id, "invoice_customers"), i.open_cents > 0,
            i.due_on < bindparam("today", type_=i.due_on.type)), i, scope).subquery()
    oldest = _branch(OLDEST, ranked.c.id, ranked.c.customer_id, text_a=ranked.c.number, day=ranked.c.due_on,
                     ordinal=ranked.c.id).where(ranked.c.rank == 1)

    union = union_all(notes, accounts, tickets, returns, oldest)
    return union.order_by(union.selected_columns.source, union.selected_columns.ordinal)
