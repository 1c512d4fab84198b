"""GraphQL types of customer settings and dunning holds, and of a bulk hold's per-account results."""

import enum
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from graph.accounts.enums import EnrollmentStatus
from graph.core.enums import mirrors
from graph.core.relay import node_or_none
from resolvers.customers.settings.dunning_holds import HoldResult
from resolvers.rules import dunning

if TYPE_CHECKING:
    from graph.customers.types import Customer

CustomerRef = Annotated["Customer", strawberry.lazy("graph.customers.types")]


@mirrors(dunning.DunningHoldOutcome)
@strawberry.enum(description="What a bulk dunning hold did for one listed account (in a dry run: what it would do).")
class DunningHoldOutcome(enum.Enum):
    _value_: str
    PLACED = strawberry.enum_value(
        "PLACED",
        description="The customer is held through the date given (a hold in force is replaced).",
    )
    SKIPPED_STATUS = strawberry.enum_value(
        "SKIPPED_STATUS",
        description="Found, but its status is not among `onlyStatuses`; not held.",
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND",
        description="No customer or utility account of this client has that number.",
    )
    DUPLICATE = strawberry.enum_value(
        "DUPLICATE",
        description="The number, or another account of the same customer, was listed earlier; held once.",
    )
    INVALID = strawberry.enum_value("INVALID", description="Not an account number at all; `detail` says why.")


@strawberry.type(description="A customer held out of dunning (collection steps) through a day, and why.")
class DunningHold:
    until: date = strawberry.field(description="The last day of the hold (inclusive); it ends by itself after it.")
    reason: str = strawberry.field(description="Why the customer is held out of dunning.")
    active: bool = strawberry.field(
        description="In force today (UTC). A customer's `settings.dunningHold` only ever shows an active hold; "
        "a released hold reads false."
    )

    @classmethod
    def of(cls, hold: dunning.Hold, active: bool) -> Self:
        return cls(until=hold.until, reason=hold.reason, active=active)


@strawberry.type(description="A customer's billing settings and dunning exclusion (seed 000).")
class CustomerSettings:
    autopay: bool = strawberry.field(description="Bills are paid automatically from the payment method on file.")
    paperless: bool = strawberry.field(description="Bills go by email only, no paper; needs an email address.")
    dunning_hold: DunningHold | None = strawberry.field(
        description="The dunning hold in force today (UTC); null when there is none or it has expired by itself."
    )
    dunning_excluded: bool = strawberry.field(
        description="Held out of dunning today: true exactly when `dunningHold` is set."
    )


@strawberry.type(description="How many listed accounts had each outcome.")
class BulkDunningHoldCounts:
    total: int = strawberry.field(description="Entries in the list, duplicates and invalid ones included.")
    placed: int = strawberry.field(description="Customers held (in a dry run: that would be held).")
    skipped_status: int = strawberry.field(description="Found, but not in one of `onlyStatuses`.")
    not_found: int = strawberry.field(description="Numbers this client has no account for.")
    duplicate: int = strawberry.field(description="Repeats of a number or customer listed earlier.")
    invalid: int = strawberry.field(description="Entries that are not account numbers.")

    @classmethod
    def of(cls, counts: Counter[dunning.DunningHoldOutcome]) -> Self:
        o = dunning.DunningHoldOutcome
        return cls(total=counts.total(), placed=counts[o.PLACED], skipped_status=counts[o.SKIPPED_STATUS],
                   not_found=counts[o.NOT_FOUND], duplicate=counts[o.DUPLICATE], invalid=counts[o.INVALID])


@strawberry.type(description="What a bulk dunning hold did for one listed account.")
class BulkDunningHoldResult:
    line: int = strawberry.field(
        description="Where the entry was: the line of the uploaded file, or its position in a typed list."
    )
    account_number: str = strawberry.field(description="The number as listed (whitespace and quotes removed).")
    outcome: DunningHoldOutcome = strawberry.field(description="What happened.")
    status: EnrollmentStatus | None = strawberry.field(
        description="The status checked: the utility account's, or for a customer number its primary account's."
    )
    detail: str | None = strawberry.field(
        description="Why, for INVALID, DUPLICATE, NOT_FOUND and some skips; for PLACED, the hold it replaced."
    )
    customer_pk: strawberry.Private[int | None]

    @strawberry.field(description="The customer the number belongs to, as it is now; null when not found.")
    async def customer(self, info: strawberry.Info) -> CustomerRef | None:
        from graph.customers.types import Customer

        return await node_or_none(Customer, info, self.customer_pk)

    @classmethod
    def from_result(cls, result: HoldResult) -> Self:
        return cls(
            line=result.line, account_number=result.account_number, outcome=DunningHoldOutcome(result.outcome.value),
            status=EnrollmentStatus(result.status.value) if result.status else None, detail=result.detail,
            customer_pk=result.customer_id,
        )
