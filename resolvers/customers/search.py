"""The search panel: customers by LDC number, name, address, status, market, utility or text."""

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, literal_column, or_, select, text

from db.enums import EnrollmentStatus
from db.models import Customer, CustomerNameToken, Market, Utility, UtilityAccount
from db.search_keys import fold, name_tokens, prefix_upper_bound
from resolvers.context import RequestScope
from resolvers.customers.errors import CustomerErrorCode
from resolvers.errors import UserInputError
from resolvers.pagination import Page, PageRequest, count_rows, keyset_page
from resolvers.scope import tenant_scoped

# Trigram indexes (FTS5 and pg_trgm) cannot serve a substring shorter than a trigram.
MIN_ADDRESS_TERM = 3


class CustomerOrder(enum.StrEnum):
    NAME = "NAME"
    NUMBER = "NUMBER"


@dataclass(frozen=True, slots=True)
class CustomerSearch:
    ldc_account_number: str | None = None
    name: str | None = None
    address: str | None = None
    status: EnrollmentStatus | None = None
    market: str | None = None
    utility: str | None = None
    text: str | None = None


def order_columns(order: CustomerOrder) -> list[ColumnElement[Any]]:
    if order is CustomerOrder.NUMBER:
        return [Customer.number, Customer.id]
    return [Customer.name_key, Customer.id]


def key_of(order: CustomerOrder):
    if order is CustomerOrder.NUMBER:
        return lambda c: (c.number, c.id)
    return lambda c: (c.name_key, c.id)


async def search_customers(
    scope: RequestScope, search: CustomerSearch, order: CustomerOrder, page: PageRequest
) -> Page[Customer]:
    stmt = search_statement(scope, search)
    return await keyset_page(scope.db, stmt, order_columns(order), key_of(order), page)


async def count_customers(scope: RequestScope, search: CustomerSearch) -> int:
    return await count_rows(scope.db, search_statement(scope, search).with_only_columns(Customer.id))


def search_statement(scope: RequestScope, search: CustomerSearch) -> Select[tuple[Customer]]:
    stmt = tenant_scoped(select(Customer), Customer, scope)
    dialect = scope.db.bind.dialect.name
    if search.ldc_account_number:
        stmt = stmt.where(Customer.id.in_(_by_ldc(scope, search.ldc_account_number)))
    if search.name:
        for condition in _by_name(scope, search.name, ["search", "name"]):
            stmt = stmt.where(condition)
    if search.address:
        stmt = stmt.where(_by_address(dialect, search.address, ["search", "address"]))
    if search.status or search.market or search.utility:
        stmt = stmt.where(Customer.id.in_(_by_account(scope, search)))
    if search.text:
        stmt = stmt.where(_by_text(scope, dialect, search.text))
    return stmt


def _by_ldc(scope: RequestScope, number: str) -> Select[Any]:
    stmt = select(UtilityAccount.customer_id).where(UtilityAccount.ldc_account_number == number.strip())
    return tenant_scoped(stmt, UtilityAccount, scope)


def _by_name(scope: RequestScope, name: str, field: list[str]) -> list[ColumnElement[bool]]:
    """Every word typed must start a word of the name: "smi jo" finds "John Smith"."""
    tokens = name_tokens(name)
    if not tokens:
        raise UserInputError(CustomerErrorCode.SEARCH_TERM_TOO_SHORT, "Type a letter or digit.", field)
    return [Customer.id.in_(_token_prefix(scope, token)) for token in tokens]


def _token_prefix(scope: RequestScope, token: str) -> Select[Any]:
    stmt = select(CustomerNameToken.customer_id).where(
        CustomerNameToken.token >= token, CustomerNameToken.token < prefix_upper_bound(token)
    )
    return tenant_scoped(stmt, CustomerNameToken, scope)


def _by_address(dialect: str, address: str, field: list[str]) -> ColumnElement[bool]:
    term = fold(address)
    if len(term) < MIN_ADDRESS_TERM:
        message = f"Type at least {MIN_ADDRESS_TERM} characters of the address."
        raise UserInputError(CustomerErrorCode.SEARCH_TERM_TOO_SHORT, message, field)
    if dialect == "sqlite":
        phrase = '"' + term.replace('"', '""') + '"'
        fts = text("SELECT rowid FROM customer_address_fts WHERE customer_address_fts MATCH :phrase")
        return Customer.id.in_(fts.bindparams(phrase=phrase).columns(literal_column("rowid")))
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Customer.address_key.like(f"%{escaped}%", escape="\\")


def _by_account(scope: RequestScope, search: CustomerSearch) -> Select[Any]:
    """One account must match status, market and utility together (ACTIVE *in* TX)."""
    stmt = tenant_scoped(select(UtilityAccount.customer_id), UtilityAccount, scope)
    if search.status:
        stmt = stmt.where(UtilityAccount.status == search.status)
    if search.market:
        market_id = select(Market.id).where(Market.code == search.market.strip().upper())
        stmt = stmt.where(UtilityAccount.market_id == market_id.scalar_subquery())
    if search.utility:
        utility_id = select(Utility.id).where(Utility.code == search.utility.strip().upper())
        stmt = stmt.where(UtilityAccount.utility_id == utility_id.scalar_subquery())
    return stmt


def _by_text(scope: RequestScope, dialect: str, typed: str) -> ColumnElement[bool]:
    """Free text: a customer number, an LDC number, a name or an address."""
    term = typed.strip()
    alternatives = [Customer.number == term, Customer.id.in_(_by_ldc(scope, term))]
    if name_tokens(term):
        name_match = _by_name(scope, term, ["search", "text"])
        alternatives.append(and_(*name_match))
    if len(fold(term)) >= MIN_ADDRESS_TERM:
        alternatives.append(_by_address(dialect, term, ["search", "text"]))
    return or_(*alternatives)

