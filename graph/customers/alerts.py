"""Account alerts on the customer profile (seed 001): the AccountAlert type, what it points at, Customer.alerts."""

import asyncio
import enum
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry

from db import models
from db.base import utcnow
from graph.accounts.types import UtilityAccount
from graph.billing.loaders import aging_by_customer_id
from graph.billing.payment_types import Payment
from graph.billing.types import Invoice
from graph.commlog.types import CommLogEntry
from graph.core.columns import Derived, declare
from graph.core.enums import mirrors
from graph.customers import loaders
from graph.tickets.types import Ticket
from resolvers.billing.batches import standing_query, standings_from
from resolvers.context import RequestScope
from resolvers.customers.alerts import alert_facts, alert_sources_of, alert_sources_query
from resolvers.rules import alerts as rules
from resolvers.together import Query, SplitBatch, ValuesOf

if TYPE_CHECKING:
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]  # Customer has the alerts field


@mirrors(rules.AlertKind)
@strawberry.enum(description="What an account alert is about.")
class AlertKind(enum.Enum):
    _value_: str
    CRITICAL_NOTE = strawberry.enum_value(
        "CRITICAL_NOTE", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.CRITICAL_NOTE]
    )
    PAST_DUE = strawberry.enum_value("PAST_DUE", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.PAST_DUE])
    PENDING_DROP = strawberry.enum_value(
        "PENDING_DROP", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.PENDING_DROP]
    )
    DROP_ACCEPTED = strawberry.enum_value(
        "DROP_ACCEPTED", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.DROP_ACCEPTED]
    )
    DUNNING_HOLD = strawberry.enum_value(
        "DUNNING_HOLD", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.DUNNING_HOLD]
    )
    RETURNED_PAYMENT = strawberry.enum_value(
        "RETURNED_PAYMENT", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.RETURNED_PAYMENT]
    )
    OPEN_TICKET = strawberry.enum_value("OPEN_TICKET", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.OPEN_TICKET])
    RENEWAL_DUE = strawberry.enum_value("RENEWAL_DUE", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.RENEWAL_DUE])
    PENDING_TRANSFER = strawberry.enum_value(
        "PENDING_TRANSFER", description=rules.KIND_DESCRIPTIONS[rules.AlertKind.PENDING_TRANSFER]
    )


@mirrors(rules.AlertSeverity)
@strawberry.enum(description="How urgent an account alert is.")
class AlertSeverity(enum.Enum):
    _value_: str
    CRITICAL = strawberry.enum_value("CRITICAL", description=rules.SEVERITY_DESCRIPTIONS[rules.AlertSeverity.CRITICAL])
    WARNING = strawberry.enum_value("WARNING", description=rules.SEVERITY_DESCRIPTIONS[rules.AlertSeverity.WARNING])
    INFO = strawberry.enum_value("INFO", description=rules.SEVERITY_DESCRIPTIONS[rules.AlertSeverity.INFO])


AlertSubject = Annotated[
    CommLogEntry | Invoice | UtilityAccount | Payment | Ticket | CustomerRef,
    strawberry.union("AlertSubject", description="What an account alert points at."),
]


def _customer(row: models.Customer) -> "Customer":
    from graph.customers.types import Customer  # here: graph/customers/types.py imports this module

    return Customer.from_row(row)


# How each kind of subject row becomes the object the API shows.
SUBJECT_TYPES: dict[rules.SubjectKind, Callable[[Any], Any]] = {
    rules.SubjectKind.NOTE: CommLogEntry.from_row,
    rules.SubjectKind.INVOICE: Invoice.from_row,
    rules.SubjectKind.UTILITY_ACCOUNT: UtilityAccount.from_row,
    rules.SubjectKind.PAYMENT: Payment.from_row,
    rules.SubjectKind.TICKET: Ticket.from_row,
    rules.SubjectKind.CUSTOMER: _customer,
}


@strawberry.type(description="Something every agent opening the customer should see first.")
class AccountAlert:
    kind: AlertKind = strawberry.field(description="What the alert is about.")
    severity: AlertSeverity = strawberry.field(description="How urgent it is.")
    message: str = strawberry.field(description="What to tell the agent, with the amounts, dates and numbers involved.")
    pointed: strawberry.Private[rules.Subject | None] = None  # what `subject` shows
    customer: strawberry.Private[Any] = None  # the customer's row: the subject of a dunning hold

    @strawberry.field(
        description="The object it points at: the critical note, the oldest past-due invoice, the utility account, "
        "the returned payment, the ticket, or the customer itself (dunning hold)."
    )
    async def subject(self, info: strawberry.Info) -> AlertSubject | None:
        # read by id only where a query shows it: one statement per kind of subject for every alert of the request
        pointed = self.pointed
        if pointed is None:
            return None
        if pointed.kind is rules.SubjectKind.CUSTOMER:
            row = self.customer if self.customer is not None and self.customer.id == pointed.id else None
        else:
            row = await info.context.loaders.grouped(loaders.alert_subjects_by_id).load((pointed.id, pointed.kind))
        return SUBJECT_TYPES[pointed.kind](row) if row is not None else None

    @classmethod
    def of(cls, alert: rules.Alert, customer: Any = None) -> Self:
        return cls(kind=AlertKind(alert.kind.value), severity=AlertSeverity(alert.severity.value),
                   message=alert.message, pointed=alert.subject, customer=customer)


# The customer's columns the alerts read besides its id (rules.HoldFacts)
ALERT_COLUMNS = (models.Customer.dunning_hold_until, models.Customer.dunning_hold_reason)


@SplitBatch
def alerts_today(scope: RequestScope, customers: Sequence[Any]) -> tuple[list[Query], ValuesOf]:
    """The customers' alerts as of today (a compiled plan's batch: columns.Derived) from the statements the
    resolver's loaders run: the standing (aging's past-due) and the alert sources, read together (with a plan, in
    one call with the other statements of their depth)."""
    today, ids = utcnow().date(), [customer.id for customer in customers]

    def alerts(results: list[Sequence[Any]]) -> list[list[rules.Alert]]:
        standing, sources = results
        aging = standings_from(scope, standing, ids, today)
        return [rules.account_alerts(alert_facts(*facts), today)
                for facts in zip(customers, aging, alert_sources_of(sources, ids), strict=True)]
    return [standing_query(scope, ids), alert_sources_query(scope, ids, today)], alerts


def without_subjects(alerts: list[rules.Alert]) -> list[AccountAlert]:
    """A plan's alerts: it compiles `alerts` only when `subject` (a resolver) is not selected, else the resolver
    answers."""
    return [AccountAlert.of(alert) for alert in alerts]


@strawberry.type
class CustomerAlertFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(
        description="What every agent should see first on this customer: critical notes, past-due balance, pending "
        "or accepted drops, an active dunning hold, returned payments (last 90 days), open tickets, renewals due "
        "(60 days), pending transfers. By severity, then newest first.",
        metadata=declare(Derived(alerts_today, without_subjects, ALERT_COLUMNS)),
    )
    async def alerts(self, info: strawberry.Info) -> list[AccountAlert]:
        # Two loaders, each one statement for every customer of the request.
        customer, today = self.row, utcnow().date()
        aging, sources = await asyncio.gather(
            info.context.loaders.grouped(aging_by_customer_id).load((customer.id, today)),
            info.context.loaders.grouped(loaders.alert_sources_by_customer_id).load((customer.id, today)),
        )
        found = rules.account_alerts(alert_facts(customer, aging, sources), today)
        return [AccountAlert.of(alert, customer) for alert in found]
