"""enrollCustomer and enrollUtilityAccount: the input to plain Python, through the one mutation wrapper (the welcome
kit, if asked for, is laid out before the transaction: resolvers/accounts/welcome_kit.py)."""

from typing import Annotated, Any

import strawberry

from db import enums
from graph.accounts.enrollment_inputs import EnrollCustomerInput, EnrollmentAccountInput, EnrollUtilityAccountInput
from graph.accounts.enrollment_payloads import EnrollCustomerPayload, EnrollUtilityAccountPayload
from graph.accounts.transaction_types import MarketTransaction
from graph.accounts.types import UtilityAccount
from graph.commlog.letters.types import Document
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id
from graph.customers.mutations import billing_fields
from graph.customers.types import Customer
from resolvers.accounts import enrollment
from resolvers.accounts.welcome_kit import prepare_welcome_kit
from resolvers.commlog.letters.commands import PreparedLetter
from resolvers.context import RequestScope


def new_account(given: EnrollmentAccountInput) -> enrollment.NewAccount:
    a = given.service_address
    return enrollment.NewAccount(
        ldc_account_number=given.ldc_account_number, utility=given.utility, market=given.market,
        service_line1=a.line1, service_line2=a.line2, service_city=a.city, service_state=a.state, service_zip=a.zip,
        rate_plan=given.rate_plan, requested_start_date=given.requested_start_date, meter_number=given.meter_number,
    )


def channel(given: Any) -> enums.NotificationChannel | None:
    return enums.NotificationChannel(given.value) if given is not None else None


def shown(done: enrollment.Enrolled) -> dict[str, Any]:
    return {"customer": Customer.from_row(done.customer), "replayed": done.replayed,
            "welcome_kit": Document.from_row(done.welcome_kit) if done.welcome_kit else None}


@strawberry.type
class EnrollmentMutations:
    @strawberry.mutation(
        description="Enroll a new customer with one or more utility accounts (TEAM_LEAD or ADMIN: a sales channel). "
        "Each account starts PENDING with its 814 enrollment request QUEUED, a status change and an audit event. "
        "An LDC number this client already has is refused, naming its customer. All or nothing."
    )
    async def enroll_customer(
        self, info: strawberry.Info, input: Annotated[EnrollCustomerInput, INPUT]
    ) -> EnrollCustomerPayload:
        async def prepare(scope: RequestScope) -> tuple[enrollment.EnrollCustomerRequest, PreparedLetter | None]:
            customer = enrollment.NewCustomer(
                name=input.name, kind=enums.CustomerKind(input.kind.value), email=input.email, phone=input.phone,
                language=input.language, **billing_fields(input.billing_address),
            )
            request = enrollment.EnrollCustomerRequest(
                customer=customer, accounts=tuple(new_account(a) for a in input.accounts),
                welcome_kit=channel(input.welcome_kit), idempotency_key=input.idempotency_key,
            )
            return request, await prepare_welcome_kit(scope, request)

        async def action(scope: RequestScope, prepared: tuple[Any, PreparedLetter | None]) -> dict[str, Any]:
            done = await enrollment.enroll_customer(scope, *prepared)
            return {**shown(done), "utility_accounts": [UtilityAccount.from_row(a) for a in done.accounts],
                    "market_transactions": [MarketTransaction.from_row(t) for t in done.transactions]}

        return await run_mutation(info, EnrollCustomerPayload, action, input, prepare=prepare)

    @strawberry.mutation(
        description="Enroll one more utility account for an existing customer (TEAM_LEAD or ADMIN), as enrollCustomer "
        "enrolls each of its accounts."
    )
    async def enroll_utility_account(
        self, info: strawberry.Info, input: Annotated[EnrollUtilityAccountInput, INPUT]
    ) -> EnrollUtilityAccountPayload:
        async def prepare(scope: RequestScope) -> tuple[enrollment.EnrollAccountRequest, PreparedLetter | None]:
            request = enrollment.EnrollAccountRequest(
                customer_id=decode_id(input.customer_id, "Customer", "customer_id"),
                account=new_account(input.account), welcome_kit=channel(input.welcome_kit),
                idempotency_key=input.idempotency_key,
            )
            return request, await prepare_welcome_kit(scope, request)

        async def action(scope: RequestScope, prepared: tuple[Any, PreparedLetter | None]) -> dict[str, Any]:
            done = await enrollment.enroll_utility_account(scope, *prepared)
            account, transaction = done.accounts[0], done.transactions[0]
            return {**shown(done), "utility_account": UtilityAccount.from_row(account),
                    "market_transaction": MarketTransaction.from_row(transaction)}

        return await run_mutation(info, EnrollUtilityAccountPayload, action, input, prepare=prepare)
