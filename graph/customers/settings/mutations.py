"""Mutations of customer settings and dunning holds: input to plain Python, through the one wrapper."""

from typing import Annotated, Any

import strawberry

from db import enums
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id
from graph.core.uploads import read_upload
from graph.customers.settings.inputs import (
    BulkPlaceDunningHoldInput,
    PlaceDunningHoldInput,
    ReleaseDunningHoldInput,
    UpdateCustomerSettingsInput,
)
from graph.customers.settings.payloads import (
    BulkPlaceDunningHoldPayload,
    PlaceDunningHoldPayload,
    ReleaseDunningHoldPayload,
    UpdateCustomerSettingsPayload,
)
from graph.customers.settings.types import (
    BulkDunningHoldCounts,
    BulkDunningHoldResult,
    DunningHold,
)
from graph.customers.types import Customer
from resolvers.context import RequestScope
from resolvers.customers.settings import commands as settings
from resolvers.customers.settings import dunning_holds
from resolvers.rules.dunning import MAX_HOLD_DAYS

CUSTOMER_FIELD = "customer_id"


async def to_bulk_request(input: BulkPlaceDunningHoldInput) -> dunning_holds.BulkHoldRequest:
    return dunning_holds.BulkHoldRequest(
        until=input.until, reason=input.reason, file=await read_upload(input.file), accounts=input.accounts,
        number_type=enums.AccountNumberType(input.number_type.value),
        only_statuses=tuple(enums.EnrollmentStatus(s.value) for s in input.only_statuses or ()),
        dry_run=input.dry_run,
    )


@strawberry.type
class CustomerSettingsMutations:
    @strawberry.mutation(
        description="Turn a customer's autopay or paperless billing on or off. Each change is audited from-to and "
        "noted as a SYSTEM entry in the communication log. A request that changes nothing (settings omitted, or "
        "already as asked) succeeds and writes nothing."
    )
    async def update_customer_settings(
        self, info: strawberry.Info, input: Annotated[UpdateCustomerSettingsInput, INPUT]
    ) -> UpdateCustomerSettingsPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            customer_id = decode_id(input.customer_id, "Customer", CUSTOMER_FIELD)
            given = {"autopay": input.autopay, "paperless": input.paperless}
            changes = {name: value for name, value in given.items() if value is not None}
            return {"customer": Customer.from_row(await settings.update_settings(scope, customer_id, changes))}

        return await run_mutation(info, UpdateCustomerSettingsPayload, action, input)

    @strawberry.mutation(
        description=f"Hold a customer out of dunning through a day (today to {MAX_HOLD_DAYS} days ahead), with a "
        "reason. The hold "
        "ends by itself after that day. A hold in force is replaced; either way the change is audited from-to and "
        "noted as a SYSTEM entry. Placing the same hold again changes nothing."
    )
    async def place_dunning_hold(
        self, info: strawberry.Info, input: Annotated[PlaceDunningHoldInput, INPUT]
    ) -> PlaceDunningHoldPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            customer_id = decode_id(input.customer_id, "Customer", CUSTOMER_FIELD)
            row = await settings.place_dunning_hold(scope, customer_id, input.until, input.reason)
            return {"customer": Customer.from_row(row)}

        return await run_mutation(info, PlaceDunningHoldPayload, action, input)

    @strawberry.mutation(
        description="End a customer's dunning hold before its day, with a reason; audited and noted as a SYSTEM "
        "entry. A customer with no hold in force (none, or expired) is a NO_DUNNING_HOLD userError."
    )
    async def release_dunning_hold(
        self, info: strawberry.Info, input: Annotated[ReleaseDunningHoldInput, INPUT]
    ) -> ReleaseDunningHoldPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            customer_id = decode_id(input.customer_id, "Customer", CUSTOMER_FIELD)
            row, released = await settings.release_dunning_hold(scope, customer_id, input.reason)
            return {"customer": Customer.from_row(row), "released_hold": DunningHold.of(released, active=False)}

        return await run_mutation(info, ReleaseDunningHoldPayload, action, input)

    @strawberry.mutation(
        description="Place one dunning hold on many accounts listed in a CSV upload or typed, as bulkAddNote lists "
        f"them (TEAM_LEAD or ADMIN; at most {dunning_holds.MAX_ACCOUNTS:,} accounts). All or nothing: an "
        "unreadable list is a userError naming the line. Each customer held is audited and noted as a SYSTEM "
        "entry. Publishes no communicationLogUpdated events."
    )
    async def bulk_place_dunning_hold(
        self, info: strawberry.Info, input: Annotated[BulkPlaceDunningHoldInput, INPUT]
    ) -> BulkPlaceDunningHoldPayload:
        async def prepare(_scope: RequestScope) -> dunning_holds.BulkHoldRequest:
            return await to_bulk_request(input)  # the upload is read before the transaction: no lock held meanwhile

        async def action(scope: RequestScope, request: dunning_holds.BulkHoldRequest) -> dict[str, Any]:
            done = await dunning_holds.bulk_place_dunning_hold(scope, request)
            return {
                "dunning_hold": DunningHold.of(done.hold, active=not done.dry_run), "dry_run": done.dry_run,
                "counts": BulkDunningHoldCounts.of(done.counts()),
                "all_results": [BulkDunningHoldResult.from_result(r) for r in done.results],
            }

        return await run_mutation(info, BulkPlaceDunningHoldPayload, action, input, prepare=prepare,
                                  bulk=True)
