"""The utilities with their markets and LDC number rules, and who in the client already holds a number."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from db.enums import EnrollmentStatus
from db.models import Customer, LdcNumberRule, Market, Utility, UtilityAccount
from resolvers.context import RequestScope
from resolvers.rules.ldc_numbers import ANY_NUMBER, LdcRule
from resolvers.scope import tenant_scoped

CHUNK = 1_000  # IN-list size, far below both engines' bind-parameter limits


@dataclass(frozen=True, slots=True)
class UtilityRef:
    id: int
    code: str
    market_id: int
    market_code: str
    rule: LdcRule


@dataclass(frozen=True, slots=True)
class Holder:
    """The client's account with a number, and its customer (never another client's)."""

    account_id: int
    customer_id: int
    customer_number: str
    customer_name: str
    status: EnrollmentStatus


async def utilities_by_code(scope: RequestScope) -> dict[str, UtilityRef]:
    """Every utility by code (upper case), with its market and rule; one statement over a small table."""
    stmt = (select(Utility.id, Utility.code, Utility.market_id, Market.code, LdcNumberRule)
            .join(Market, Market.id == Utility.market_id)
            .outerjoin(LdcNumberRule, LdcNumberRule.utility_id == Utility.id))
    found = {}
    for utility_id, code, market_id, market_code, rule in (await scope.db.execute(stmt)).all():
        found[code.upper()] = UtilityRef(utility_id, code, market_id, market_code, _rule(rule))
    return found


def _rule(row: LdcNumberRule | None) -> LdcRule:
    if row is None:
        return ANY_NUMBER
    return LdcRule(tuple(row.lengths), row.digits_only, row.prefix, row.check_digit)


async def holders(scope: RequestScope, numbers: Sequence[str]) -> dict[str, Holder]:
    """LDC number -> the client's account holding it, for the numbers that are held."""
    found: dict[str, Holder] = {}
    for start in range(0, len(numbers), CHUNK):
        stmt = (select(UtilityAccount.ldc_account_number, UtilityAccount.id, Customer.id, Customer.number,
                       Customer.name, UtilityAccount.status)
                .join(Customer, Customer.id == UtilityAccount.customer_id)
                .where(UtilityAccount.ldc_account_number.in_(numbers[start:start + CHUNK])))
        for number, *held in (await scope.db.execute(tenant_scoped(stmt, UtilityAccount, scope))).all():
            found[number] = Holder(*held)
    return found
