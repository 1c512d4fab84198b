"""Payloads of customer settings and dunning holds."""

import dataclasses
from typing import Annotated

import strawberry

from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError
from graph.customers.settings.types import (
    BulkDunningHoldCounts,
    BulkDunningHoldResult,
    DunningHold,
    DunningHoldOutcome,
)
from graph.customers.types import Customer

OutcomeArg = Annotated[
    DunningHoldOutcome | None, strawberry.argument(description="Only this outcome.")
]


@strawberry.type(description="Result of updateCustomerSettings.")
class UpdateCustomerSettingsPayload:
    customer: Customer | None = strawberry.field(default=None, description="The customer, with its settings as now.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of placeDunningHold.")
class PlaceDunningHoldPayload:
    customer: Customer | None = strawberry.field(
        default=None, description="The customer, with the hold in its settings."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of releaseDunningHold.")
class ReleaseDunningHoldPayload:
    customer: Customer | None = strawberry.field(default=None, description="The customer, no longer held.")
    released_hold: DunningHold | None = strawberry.field(
        default=None, description="The hold that was released (now inactive)."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of bulkPlaceDunningHold.")
class BulkPlaceDunningHoldPayload:
    dunning_hold: DunningHold | None = strawberry.field(
        default=None, description="The hold placed on every PLACED account (reason trimmed)."
    )
    dry_run: bool = strawberry.field(default=False, description="A dry run: results computed, nobody held.")
    counts: BulkDunningHoldCounts | None = strawberry.field(
        default=None, description="How many entries had each outcome."
    )
    all_results: strawberry.Private[list[BulkDunningHoldResult]] = dataclasses.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)

    @strawberry.field(description="The per-account results in list order, optionally of one outcome; empty on failure.")
    def results(
        self,
        outcome: OutcomeArg = None,
    ) -> list[BulkDunningHoldResult]:
        return [r for r in self.all_results if outcome is None or r.outcome == outcome]
