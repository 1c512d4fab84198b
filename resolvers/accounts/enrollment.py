"""Enroll customers (a sales channel's request): a new customer with utility accounts, or one more account for
an existing customer. Each account starts PENDING with its outbound 814 enrollment request, the status change
and an audit event; a welcome kit goes out through the letters pipeline when asked.

An account is written INACTIVE and moved to PENDING by the same 814 request a CSR would send
(`create_market_transaction`), so its history reads INACTIVE -> PENDING like any enrollment's.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from db.enums import CustomerKind, EnrollmentStatus, MarketTransactionType, NotificationChannel
from db.models import Customer, Document, MarketTransaction, RatePlan, UtilityAccount
from resolvers import audit
from resolvers.accounts.errors import AccountErrorCode
from resolvers.accounts.ldc_rules import UtilityRef, holders, utilities_by_code
from resolvers.accounts.premises import ADDRESS_FIELDS, clean_premise
from resolvers.accounts.status import today
from resolvers.accounts.transactions import NewTransaction, create_market_transaction
from resolvers.billing import idempotency
from resolvers.commlog.letters.commands import LetterRequest, PreparedLetter, get_document, prepare_letter, send_letter
from resolvers.context import RequestScope
from resolvers.customers.commands import assign_number, clean_changes, snapshot
from resolvers.customers.queries import get_customer
from resolvers.customers.search.index import reindex_address, reindex_name
from resolvers.errors import FieldPath, Invalid, NotFound, UserInputError, get_or_not_found
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules.enrollment import SERVED, effective_date_is_plausible
from resolvers.rules.ldc_numbers import describe, ldc_problem, normalize_ldc
from resolvers.scope import tenant_scoped

MAX_ACCOUNTS = 50
WELCOME_KIT = "WELCOME_KIT"
ENROLL_CUSTOMER, ENROLL_ACCOUNT = "enrollCustomer", "enrollUtilityAccount"
Field = FieldPath  # where an account is in the input: ("accounts", 3) or ("account",)


@dataclass(frozen=True, slots=True)
class NewAccount:
    ldc_account_number: str
    utility: str  # code
    # Required, but may come missing (the API's address input is shared): _premise refuses a blank one.
    service_line1: str | None
    service_city: str | None
    service_state: str | None
    service_zip: str | None
    requested_start_date: date
    service_line2: str | None = None
    market: str | None = None  # code; when given it must be the utility's
    rate_plan: str | None = None  # the client's plan code
    meter_number: str | None = None


@dataclass(frozen=True, slots=True)
class NewCustomer:
    name: str
    kind: CustomerKind = CustomerKind.RESIDENTIAL
    email: str | None = None
    phone: str | None = None
    language: str = "en"
    billing_line1: str | None = None
    billing_line2: str | None = None
    billing_city: str | None = None
    billing_state: str | None = None
    billing_zip: str | None = None


@dataclass(frozen=True, slots=True)
class EnrollCustomerRequest:
    customer: NewCustomer
    accounts: tuple[NewAccount, ...]
    welcome_kit: NotificationChannel | None = None
    idempotency_key: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class EnrollAccountRequest:
    customer_id: int
    account: NewAccount
    welcome_kit: NotificationChannel | None = None
    idempotency_key: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Enrolled:
    customer: Customer
    accounts: list[UtilityAccount]
    transactions: list[MarketTransaction]
    welcome_kit: Document | None
    replayed: bool


@dataclass(frozen=True, slots=True)
class Planned:
    """An account checked against the reference data, ready to write."""

    ldc: str
    utility: UtilityRef
    plan: RatePlan | None
    premise: dict[str, Any]
    start: date
    meter_number: str | None


def customer_fields(new: NewCustomer) -> dict[str, Any]:
    """The new customer's columns, cleaned as updateCustomer cleans them."""
    return clean_changes({k: v for k, v in asdict(new).items() if v is not None})


def new_customer_row(scope: RequestScope, fields: dict[str, Any]) -> Customer:
    """The customer enrollCustomer writes (its number is given once it has an id)."""
    return Customer(client_id=scope.tenant_id, number="", name_key="", is_master=False, **fields)


def new_account_row(scope: RequestScope, customer_id: int, plan: Planned) -> UtilityAccount:
    """An account as enrollment writes it: INACTIVE until its enrollment request moves it on."""
    return UtilityAccount(
        client_id=scope.tenant_id, customer_id=customer_id, ldc_account_number=plan.ldc, utility_id=plan.utility.id,
        market_id=plan.utility.market_id, rate_plan_id=plan.plan.id if plan.plan else None,
        status=EnrollmentStatus.INACTIVE, start_date=plan.start, end_date=None,
        contract_term_months=plan.plan.term_months if plan.plan else None, meter_number=plan.meter_number,
        pending_transfer=False, **plan.premise,
    )


async def enroll_customer(scope: RequestScope, request: EnrollCustomerRequest,
                          kit: PreparedLetter | None = None) -> Enrolled:
    """`kit`: the welcome kit laid out beforehand (resolvers/accounts/welcome_kit.py), if any."""
    ensure_allowed(scope, Action.ENROLL_CUSTOMER)
    if not 1 <= len(request.accounts) <= MAX_ACCOUNTS:
        raise Invalid(f"Enroll between 1 and {MAX_ACCOUNTS} utility accounts.", "accounts")
    digest = idempotency.request_hash(ENROLL_CUSTOMER, asdict(request))
    earlier = await _claim(scope, request.idempotency_key, ENROLL_CUSTOMER, digest)
    if earlier is not None:
        return await _replay(scope, earlier)
    fields = customer_fields(request.customer)
    planned = await _plan(scope, request.accounts, [("accounts", i) for i in range(len(request.accounts))])
    customer = new_customer_row(scope, fields)
    scope.db.add(customer)
    await scope.db.flush()
    await assign_number(scope, customer)
    await reindex_name(scope, customer)
    await audit.record(scope, "customer.enroll", "Customer", customer.id, snapshot(customer, ["number", *fields]))
    return await _enroll(scope, customer, planned, request.welcome_kit, request.idempotency_key, kit)


async def enroll_utility_account(scope: RequestScope, request: EnrollAccountRequest,
                                 kit: PreparedLetter | None = None) -> Enrolled:
    ensure_allowed(scope, Action.ENROLL_CUSTOMER)
    digest = idempotency.request_hash(ENROLL_ACCOUNT, asdict(request))
    earlier = await _claim(scope, request.idempotency_key, ENROLL_ACCOUNT, digest)
    if earlier is not None:
        return await _replay(scope, earlier)
    customer = get_or_not_found(await get_customer(scope, request.customer_id), "Customer", "customer_id")
    if customer.is_master:
        raise Invalid("A master customer holds no utility accounts; enroll one of its customers.", "customer_id")
    planned = await _plan(scope, (request.account,), [("account",)])
    return await _enroll(scope, customer, planned, request.welcome_kit, request.idempotency_key, kit)


async def _claim(scope: RequestScope, key: str | None, operation: str, digest: str) -> dict[str, Any] | None:
    return await idempotency.claim(scope, key, operation, digest, AccountErrorCode.ENROLLMENT_IDEMPOTENCY_KEY_REUSED)


async def _enroll(scope: RequestScope, customer: Customer, planned: list[Planned],
                  welcome_kit: NotificationChannel | None, key: str | None, kit: PreparedLetter | None) -> Enrolled:
    accounts, transactions = [], []
    for plan in planned:
        account, transaction = await _write_account(scope, customer, plan)
        accounts.append(account)
        transactions.append(transaction)
    await reindex_address(scope, customer)
    document = None
    if welcome_kit is not None:
        letter = LetterRequest(customer.id, welcome_kit, template_code=WELCOME_KIT, utility_account_id=accounts[0].id)
        document = (await _welcome_kit(scope, letter, kit)).document
    await scope.db.flush()
    await idempotency.store(scope, key, {"customer_id": customer.id, "account_ids": [a.id for a in accounts],
                                         "transaction_ids": [t.id for t in transactions],
                                         "document_id": document.id if document else None})
    return Enrolled(customer, accounts, transactions, document, replayed=False)


async def _welcome_kit(scope: RequestScope, letter: LetterRequest, kit: PreparedLetter | None) -> Any:
    """The welcome kit through the letters pipeline (laid out here only if it was not beforehand, or differs from
    what was); its userErrors point at `welcomeKit`."""
    try:
        return await send_letter(scope, replace(kit, request=letter) if kit else await prepare_letter(scope, letter))
    except UserInputError as error:
        raise UserInputError(error.code, f"Welcome kit: {error.message}", "welcome_kit") from None


async def _write_account(
    scope: RequestScope, customer: Customer, plan: Planned
) -> tuple[UtilityAccount, MarketTransaction]:
    account = new_account_row(scope, customer.id, plan)
    scope.db.add(account)
    await scope.db.flush()
    fields = ["ldc_account_number", *ADDRESS_FIELDS, "start_date", "meter_number"]
    changes = {name: {"from": None, "to": _plain(getattr(account, name))} for name in fields if getattr(account, name)}
    changes["utility"] = {"from": None, "to": plan.utility.code}
    if plan.plan:
        changes["rate_plan"] = {"from": None, "to": plan.plan.code}
    await audit.record(scope, "utility_account.enroll", "UtilityAccount", account.id, changes)
    request = NewTransaction(account.id, MarketTransactionType.ENROLLMENT, effective_date=plan.start)
    transaction, account = await create_market_transaction(scope, request)
    return account, transaction


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def _plan(scope: RequestScope, accounts: Sequence[NewAccount], fields: list[Field]) -> list[Planned]:
    """Each account checked: utility and market, LDC number (rule, not twice, not held), plan, premise, date."""
    utilities = await utilities_by_code(scope)
    planned = [await checked_account(scope, a, utilities, at) for a, at in zip(accounts, fields, strict=True)]
    seen: dict[str, int] = {}
    for index, plan in enumerate(planned):
        if (first := seen.setdefault(plan.ldc, index)) != index:
            raise UserInputError(AccountErrorCode.DUPLICATE_LDC_NUMBER, f"LDC number {plan.ldc} is also account "
                                 f"{first + 1} of this request.", (*fields[index], "ldc_account_number"))
    held = await holders(scope, [p.ldc for p in planned])
    for plan, at in zip(planned, fields, strict=False):
        if plan.ldc in held:
            raise UserInputError(AccountErrorCode.LDC_NUMBER_IN_USE, _held_message(plan.ldc, held[plan.ldc]),
                                 (*at, "ldc_account_number"))
    return planned


def _held_message(ldc: str, holder: Any) -> str:
    who = f"customer {holder.customer_number} ({holder.customer_name})"
    if holder.status in SERVED:
        return f"LDC number {ldc} is already enrolled ({holder.status.value}) for {who}."
    return (f"LDC number {ldc} is on file for {who} ({holder.status.value}); re-enroll that account with an "
            "enrollment request (createMarketTransaction) instead.")


async def checked_account(scope: RequestScope, new: NewAccount, utilities: dict[str, UtilityRef], at: Field) -> Planned:
    """One account checked against the reference data (not against the others of its request, nor holders)."""
    utility = utilities.get((new.utility or "").strip().upper())
    if utility is None:
        raise UserInputError(
            AccountErrorCode.UNKNOWN_UTILITY, f"No utility has the code {new.utility!r}.", (*at, "utility")
        )
    if new.market and new.market.strip().upper() != utility.market_code:
        raise UserInputError(
            AccountErrorCode.UTILITY_NOT_IN_MARKET,
            f"{utility.code} serves {utility.market_code}, not {new.market.strip().upper()}.",
            (*at, "market"),
        )
    ldc = normalize_ldc(new.ldc_account_number or "", utility.rule)
    problem = ldc_problem(ldc, utility.rule)
    if problem is not None:
        raise UserInputError(AccountErrorCode.INVALID_LDC_NUMBER, f"{utility.code}: {describe(problem, utility.rule)}",
                             (*at, "ldc_account_number"))
    if new.requested_start_date < today():
        raise UserInputError(AccountErrorCode.START_DATE_IN_PAST, "The requested start date is in the past.",
                             (*at, "requested_start_date"))
    if not effective_date_is_plausible(new.requested_start_date, today()):
        raise UserInputError(AccountErrorCode.EFFECTIVE_DATE_OUT_OF_RANGE, f"The requested start date "
                             f"{new.requested_start_date.isoformat()} is more than ten years from today.",
                             (*at, "requested_start_date"))
    premise = _premise(new, at)
    meter = (new.meter_number or "").strip() or None
    if meter and len(meter) > 40:
        raise UserInputError(AccountErrorCode.VALUE_TOO_LONG, "The meter number is longer than 40 characters.",
                             (*at, "meter_number"))
    return Planned(ldc, utility, await _rate_plan(scope, new.rate_plan, utility, at), premise, new.requested_start_date,
                    meter)


def _premise(new: NewAccount, at: Field) -> dict[str, Any]:
    """The service address, checked as editPremise checks it, its errors pointing into this account."""
    given = {name: getattr(new, name) for name in ADDRESS_FIELDS}
    try:
        return clean_premise(given)
    except UserInputError as error:
        raise UserInputError(error.code, error.message, (*at, *(error.field or ()))) from None


async def _rate_plan(scope: RequestScope, code: str | None, utility: UtilityRef, at: Field) -> RatePlan | None:
    code = (code or "").strip()
    if not code:
        return None
    stmt = tenant_scoped(select(RatePlan).where(RatePlan.code == code), RatePlan, scope)
    plan = (await scope.db.execute(stmt)).scalar_one_or_none()
    if plan is None:
        raise NotFound("Rate plan", (*at, "rate_plan"))
    if plan.market_id != utility.market_id:
        raise UserInputError(AccountErrorCode.RATE_PLAN_NOT_IN_MARKET,
                             f"The plan {plan.code} is not sold in {utility.market_code}.", (*at, "rate_plan"))
    return plan


async def _replay(scope: RequestScope, earlier: dict[str, Any]) -> Enrolled:
    """What the first request with this key enrolled, read back."""
    customer = get_or_not_found(await get_customer(scope, earlier["customer_id"]), "Customer")
    accounts = await _by_ids(scope, UtilityAccount, earlier["account_ids"])
    transactions = await _by_ids(scope, MarketTransaction, earlier["transaction_ids"])
    document = None
    if earlier.get("document_id"):
        document = await get_document(scope, earlier["document_id"])
    return Enrolled(customer, accounts, transactions, document, replayed=True)


async def _by_ids(scope: RequestScope, model: Any, ids: list[int]) -> list[Any]:
    rows = {
        r.id: r
        for r in (await scope.db.execute(tenant_scoped(select(model).where(model.id.in_(ids)), model, scope))).scalars()
    }
    return [rows[i] for i in ids if i in rows]
