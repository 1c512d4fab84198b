"""Listed account numbers looked up against the client's customers or utility accounts, in one SELECT.

The numbers travel as one JSON parameter, read back as rows by the database itself (`json_each`
on SQLite, `json_each_text` on PostgreSQL), so a list of any length is still one statement.
Bulk notes and bulk dunning holds both resolve their lists through here.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.orm import QueryableAttribute, aliased

from db.enums import AccountNumberType, EnrollmentStatus
from db.models import Customer, UtilityAccount
from resolvers.accounts.batches import STATUS_RANK
from resolvers.commlog.bulk_notes.errors import BulkNoteErrorCode
from resolvers.context import RequestScope
from resolvers.errors import UserInputError, ensure_text
from resolvers.rules import account_lists
from resolvers.rules.account_lists import Entry, MalformedAccountList
from resolvers.scope import tenant_scoped

MAX_TYPED_LIST = 60_000  # characters of a typed list (thousands of numbers; under the 64 KiB body limit): upload more


def read_entries(file_data: bytes | None, typed: str | None, max_entries: int, operation: str) -> tuple[Entry, ...]:
    """The entries of an uploaded CSV (`file_data`) or a typed list; an unreadable, over-long or empty list is a
    userError naming the field (and the line), so nothing is written. `operation` names it in messages."""
    field = "file" if file_data is not None else "accounts"
    ensure_text(typed, "accounts", MAX_TYPED_LIST)
    try:
        if file_data is not None:
            parsed = account_lists.parse_csv(file_data, max_entries=max_entries)
        else:
            parsed = account_lists.parse_typed_list(typed or "", max_entries=max_entries)
    except MalformedAccountList as error:
        # account_lists reports an over-long list as a malformed one at the first line past the limit
        if error.message.startswith("More than"):
            message = f"At most {max_entries:,} accounts in one {operation}; split the list."
            raise UserInputError(BulkNoteErrorCode.TOO_MANY_ACCOUNTS, message, field) from None
        raise UserInputError(BulkNoteErrorCode.MALFORMED_ACCOUNT_LIST, f"Line {error.line}: {error.message}",
                             field) from None
    if not parsed.entries:
        raise UserInputError(BulkNoteErrorCode.NO_ACCOUNTS, "The list has no account numbers.", field)
    return parsed.entries


NOT_FOUND_DETAIL = {
    AccountNumberType.CUSTOMER_NUMBER: "No customer with this number.",
    AccountNumberType.LDC_ACCOUNT_NUMBER: "No utility account with this LDC number.",
}
NO_ACCOUNT_DETAIL = "The customer has no utility account, so no status."


@dataclass(frozen=True, slots=True)
class Lookup:
    """The listed entries outer-joined to what they name; add the columns you need to `select`."""

    select: Select[Any]
    line: ColumnElement[int]
    number: ColumnElement[str]
    customer_id: ColumnElement[int]  # null: not found
    # the listed account (a subquery's column), or the customer's primary one (an aliased model's attribute)
    utility_account_id: ColumnElement[int] | QueryableAttribute[int]
    status: ColumnElement[EnrollmentStatus] | QueryableAttribute[EnrollmentStatus]  # that account's status
    customer_columns: tuple[ColumnElement[Any], ...] = ()  # as asked of `lookup`, null when not found


def dialect(scope: RequestScope) -> str:
    return scope.db.get_bind().dialect.name


def json_rows(scope: RequestScope, by_line: dict[int, Any], name: str, *, text: bool) -> Any:
    """A JSON object {line: value} as rows (key, value), read by the database from one parameter.

    `text` values come back as SQL text (strings); otherwise as JSON, to be taken apart with `->>`.
    """
    return json_object_rows(scope, literal(json.dumps(by_line, separators=(",", ":")), String), name, text=text)


def json_object_rows(scope: RequestScope, payload: ColumnElement[str], name: str, *, text: bool) -> Any:
    """`json_rows` of a JSON object given as SQL (a `bindparam`, in a statement built once)."""
    if dialect(scope) == "postgresql":
        function = func.json_each_text if text else func.json_each
        return function(cast(payload, JSON)).table_valued("key", "value").alias(name)
    return func.json_each(payload).table_valued("key", "value").alias(name)


def primary_account_id(scope: RequestScope, customer_id: ColumnElement[Any]) -> Any:
    """The customer's primary account: the one the results grid shows (see accounts.batches)."""
    account = aliased(UtilityAccount, name="rank_ua")
    rank = case({EnrollmentStatus(s): i for i, s in enumerate(STATUS_RANK)}, value=account.status)
    stmt = tenant_scoped(select(account.id), account, scope).where(account.customer_id == customer_id)
    return stmt.order_by(rank, account.start_date.desc().nulls_last(), account.id).limit(1).scalar_subquery()


def lookup(scope: RequestScope, pending: dict[int, str], number_type: AccountNumberType,
           customer_columns: Sequence[Any] = ()) -> Lookup:
    """Each pending entry with the client's customer (and the account whose status counts), or nulls.

    `customer_columns` (Customer attributes) come along from the same join: joining the customers
    again afterwards would make a planner without fresh statistics compare every row with every row.
    """
    entries = json_rows(scope, pending, "p", text=True)
    number = entries.c.value
    line = cast(entries.c.key, Integer)
    if number_type is AccountNumberType.LDC_ACCOUNT_NUMBER:
        wanted = select(UtilityAccount.id, UtilityAccount.customer_id, UtilityAccount.ldc_account_number,
                        UtilityAccount.status, *customer_columns)
        if customer_columns:
            wanted = wanted.join(Customer, Customer.id == UtilityAccount.customer_id)
        accounts = tenant_scoped(wanted, UtilityAccount, scope).subquery("ua")
        joined = select().select_from(entries).outerjoin(accounts, accounts.c.ldc_account_number == number)
        extra = tuple(accounts.c[c.key] for c in customer_columns)
        return Lookup(joined, line, number, accounts.c.customer_id, accounts.c.id, accounts.c.status, extra)
    customers = tenant_scoped(select(Customer.id, Customer.number, *customer_columns), Customer, scope).subquery("c")
    primary = aliased(UtilityAccount, name="pa")
    joined = (select().select_from(entries)
              .outerjoin(customers, customers.c.number == number)
              .outerjoin(primary, primary.id == primary_account_id(scope, customers.c.id)))
    extra = tuple(customers.c[c.key] for c in customer_columns)
    return Lookup(joined, line, number, customers.c.id, primary.id, primary.status, extra)
