"""Mutations of the accounts domain: input to plain Python, through the one wrapper."""

from typing import Annotated, Any

import strawberry

from db import enums
from graph.accounts.inputs import (
    CreateMarketTransactionInput,
    EditPremiseInput,
    ImportUsageInput,
    MarketTransactionDetailInput,
    RecordMarketResponseInput,
)
from graph.accounts.payloads import (
    CreateMarketTransactionPayload,
    EditPremisePayload,
    ImportUsagePayload,
    RecordMarketResponsePayload,
)
from graph.accounts.transaction_types import MarketTransaction
from graph.accounts.types import UtilityAccount
from graph.core.errors import INPUT, UserError, run_mutation
from graph.core.relay import decode_id
from graph.core.uploads import read_upload
from resolvers.accounts import premises, responses, transactions, usage_import
from resolvers.accounts.usage_csv import UsageFileRejected
from resolvers.context import RequestScope
from resolvers.errors import UserInputError

ACCOUNT_FIELD = "utility_account_id"


def premise_changes(input: EditPremiseInput) -> dict[str, Any]:
    """The fields to change: omitted ones stay; null clears a meter field and keeps the service address."""
    changes: dict[str, Any] = {}
    for name in premises.METER_FIELDS:
        given = getattr(input, name)
        if given is not None:
            changes[name] = given.value
    if input.service_address is not None and input.service_address.value is not None:
        a = input.service_address.value
        changes.update(service_line1=a.line1, service_line2=a.line2, service_city=a.city, service_state=a.state,
                       service_zip=a.zip)
    return changes


def pairs(details: list[MarketTransactionDetailInput] | None) -> tuple[tuple[str, str], ...]:
    return tuple((d.name, d.value) for d in details or ())


def usage_payload(
    *, problems: list[UserError] | None = None, user_errors: list[UserError], **fields: Any
) -> ImportUsagePayload:
    """Every problem line of a rejected file becomes its own userError."""
    return ImportUsagePayload(user_errors=problems or user_errors, **fields)


def usage_problems(error: UserInputError) -> dict[str, Any]:
    if isinstance(error, UsageFileRejected):
        return {"problems": [UserError.from_exception(p) for p in error.problems]}
    return {}


@strawberry.type
class AccountMutations:
    @strawberry.mutation(
        description="Correct a utility account's premise (service address, meter, rate class). Every changed field "
        "is audited from-to and logged as a SYSTEM entry in the communication log; the customer's address search "
        "follows a new service address at once."
    )
    async def edit_premise(
        self, info: strawberry.Info, input: Annotated[EditPremiseInput, INPUT]
    ) -> EditPremisePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            account_id = decode_id(input.utility_account_id, "UtilityAccount", ACCOUNT_FIELD)
            row = await premises.edit_premise(scope, account_id, premise_changes(input))
            return {"utility_account": UtilityAccount.from_row(row)}

        return await run_mutation(info, EditPremisePayload, action, input)

    @strawberry.mutation(
        description="Send the utility a market transaction (814): enrollment, drop, change, reinstatement, historical "
        "usage request, move-in, move-out. The enrollment rules refuse what the account's status does not allow "
        "(e.g. a drop on a DROPPED account) and give the request's immediate effect (a drop: PENDING_DROP). Audited "
        "and logged as a SYSTEM entry."
    )
    async def create_market_transaction(
        self, info: strawberry.Info, input: Annotated[CreateMarketTransactionInput, INPUT]
    ) -> CreateMarketTransactionPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            new = transactions.NewTransaction(
                utility_account_id=decode_id(input.utility_account_id, "UtilityAccount", ACCOUNT_FIELD),
                type=enums.MarketTransactionType(input.type.value), effective_date=input.effective_date,
                reason=input.reason, changes=pairs(input.changes),
            )
            row, account = await transactions.create_market_transaction(scope, new)
            return {
                "market_transaction": MarketTransaction.from_row(row),
                "utility_account": UtilityAccount.from_row(account),
            }

        return await run_mutation(info, CreateMarketTransactionPayload, action, input)

    @strawberry.mutation(
        description="The market integration's path (TEAM_LEAD or ADMIN): record the utility's ACCEPT or REJECT of one "
        "of our requests, or a transaction it sent unasked (another supplier's drop, usage, ...). An answer must match "
        "both the LDC account number and the request's reference; a mismatch is refused and nothing is written. Its "
        "effect on the enrollment status comes from the enrollment rules. Audited and logged as a SYSTEM entry."
    )
    async def record_market_response(
        self, info: strawberry.Info, input: Annotated[RecordMarketResponseInput, INPUT]
    ) -> RecordMarketResponsePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            response = responses.MarketResponse(
                ldc_account_number=input.ldc_account_number, reference=input.reference,
                outcome=responses.ResponseOutcome(input.outcome.value), responds_to=input.responds_to,
                type=enums.MarketTransactionType(input.type.value) if input.type is not None else None,
                reason=input.reason, effective_date=input.effective_date, details=pairs(input.details),
            )
            done = await responses.record_market_response(scope, response)
            return {
                "market_transaction": MarketTransaction.from_row(done.transaction),
                "request": MarketTransaction.from_row(done.request) if done.request else None,
                "utility_account": UtilityAccount.from_row(done.account),
            }

        return await run_mutation(info, RecordMarketResponsePayload, action, input)

    @strawberry.mutation(
        description="Import usage periods from a CSV file (TEAM_LEAD or ADMIN). All lines or none: overlapping periods "
        "(in the file or with stored ones), negative values, end before start, bad dates and unknown LDC numbers are "
        "userErrors naming their line."
    )
    async def import_usage(
        self, info: strawberry.Info, input: Annotated[ImportUsageInput, INPUT]
    ) -> ImportUsagePayload:
        async def prepare(_scope: RequestScope) -> bytes:
            # read before the transaction, so no lock is held meanwhile; a string instead of a file is a userError
            upload = await read_upload(input.file)
            return upload.data if upload else b""

        async def action(scope: RequestScope, data: bytes) -> dict[str, Any]:
            done = await usage_import.import_usage(scope, data)
            return {"period_count": done.periods, "account_count": done.accounts}

        return await run_mutation(info, usage_payload, action, input, on_error=usage_problems, prepare=prepare,
                                  bulk=True)
