"""An enrollment's welcome kit, laid out before the enrollment's transaction.

A welcome kit is a letter, and laying a letter out takes a few hundred ms of CPU: inside the transaction it
would hold SQLite's write lock all that time, every worker's writers waiting. But the kit is about rows the
transaction writes. So it is laid out beforehand from a forecast of them: the customer as enrollCustomer
writes it (its number from a guess of its id, db/ids.py) and the first account as it stands after its
enrollment request. In the transaction, send_letter reads the real rows and lays the kit out again only if
they say something else (a customer enrolled in between took the id: rare, and on PostgreSQL the
transaction locks only its own new rows meanwhile).
"""

from db.enums import MarketTransactionType, NotificationChannel
from db.ids import next_id_guess
from db.models import Customer, Market, Utility
from resolvers.accounts.enrollment import (
    WELCOME_KIT,
    EnrollAccountRequest,
    EnrollCustomerRequest,
    NewAccount,
    checked_account,
    customer_fields,
    new_account_row,
    new_customer_row,
)
from resolvers.accounts.ldc_rules import utilities_by_code
from resolvers.accounts.status import planned_state, today
from resolvers.billing import rates
from resolvers.commlog.letters.commands import (
    Layout,
    LetterRequest,
    PreparedLetter,
    lay_out,
    letter_data_of,
    recipient_of,
    template_for,
)
from resolvers.commlog.letters.rendering import account_data
from resolvers.context import RequestScope
from resolvers.customers.commands import assign_number
from resolvers.customers.queries import get_customer
from resolvers.errors import UserInputError
from resolvers.rules.enrollment import MarketEvent, Outcome


async def prepare_welcome_kit(scope: RequestScope,
                              request: EnrollCustomerRequest | EnrollAccountRequest) -> PreparedLetter | None:
    """The kit laid out from the forecast; None when none is asked for, or when the request would fail (its
    transaction then says why)."""
    if request.welcome_kit is None:
        return None
    try:
        return await _laid_out(scope, request, request.welcome_kit)
    except UserInputError:
        return None


async def _laid_out(
    scope: RequestScope, request: EnrollCustomerRequest | EnrollAccountRequest, channel: NotificationChannel
) -> PreparedLetter | None:
    if isinstance(request, EnrollCustomerRequest):
        if not request.accounts:
            return None
        customer, first = await _forecast_customer(scope, request), request.accounts[0]
    else:
        enrolled = await get_customer(scope, request.customer_id)
        if enrolled is None:
            return None
        customer, first = enrolled, request.account
    recipient_of(customer, channel)
    letter = LetterRequest(customer.id, channel, template_code=WELCOME_KIT)
    layout = Layout.of(await template_for(scope, letter))
    account = await _forecast_account(scope, customer, first)
    return await lay_out(letter, layout, await letter_data_of(scope, customer, account))


async def _forecast_customer(scope: RequestScope, request: EnrollCustomerRequest) -> Customer:
    """The customer as the transaction will write it, never added to the session."""
    customer = new_customer_row(scope, customer_fields(request.customer))
    customer.id = await next_id_guess(scope.db, Customer)
    await assign_number(scope, customer)
    return customer


async def _forecast_account(scope: RequestScope, customer: Customer, new: NewAccount) -> dict:
    """What a letter says of the account once its enrollment request is queued (account_data's shape)."""
    plan = await checked_account(scope, new, await utilities_by_code(scope), ())
    account = new_account_row(scope, customer.id, plan)
    requested = MarketEvent(MarketTransactionType.ENROLLMENT, Outcome.REQUESTED, plan.start)
    state = planned_state(account, requested, [])
    account.status, account.start_date, account.end_date = state.status, state.start_date, state.end_date
    # the reference rows the account was just checked against: they exist
    utility = await scope.db.get_one(Utility, plan.utility.id)
    market = await scope.db.get_one(Market, plan.utility.market_id)
    price = await rates.price_in_force(scope, plan.plan.id, today()) if plan.plan else None
    return account_data(account, utility, market, plan.plan, price)
