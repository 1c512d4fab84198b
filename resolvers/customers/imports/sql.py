"""The set-based SQL of a customer import: checks across rows, and writing one batch of customers.

A batch is every staged row whose customer number is in (after, through]: all rows of a customer are in
the same batch, so a batch writes whole customers. Statements are the same on both engines but for the
JSON and string aggregates; no row of a new customer or account passes through Python.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    String,
    Update,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from db.base import UtcDateTime
from db.bulk import copy_rows
from db.enums import EnrollmentStatus, ImportRefusal, ImportRowOutcome
from db.models import (
    Customer,
    CustomerImportRow,
    CustomerNameToken,
    Enrollment,
    EnrollmentStatusChange,
    UtilityAccount,
)
from db.results import rows_changed
from resolvers.context import RequestScope
from resolvers.customers.imports.rows import STAGED
from resolvers.scope import tenant_id_of, tenant_scoped

R = CustomerImportRow
NO_SYNC = {"synchronize_session": False}
CREATED, UPDATED, UNCHANGED, REFUSED = (o.value for o in ImportRowOutcome)
CUSTOMER_FIELDS = ("name", "kind", "email", "phone", "billing_line1", "billing_line2", "billing_city",
                   "billing_state", "billing_zip", "language")
ACCOUNT_FIELDS = ("utility_id", "market_id", "rate_plan_id", "status", "start_date", "end_date",
                  "contract_term_months", "service_line1", "service_line2", "service_city", "service_state",
                  "service_zip", "meter_number")
# which file column gives each compared field (market_id comes with the utility)
FIELD_COLUMN = {"utility_id": "utility", "market_id": "utility", "rate_plan_id": "rate_plan"}


@dataclass(frozen=True, slots=True)
class Batch:
    job_id: int
    after: str | None  # exclusive; None: from the first customer number
    through: str  # inclusive

    def of(self, rows: Any) -> Any:
        """The condition for `rows` (the staging table or an alias of it) to be in this batch."""
        condition = and_(rows.job_id == self.job_id, rows.customer_number <= self.through)
        return condition if self.after is None else and_(condition, rows.customer_number > self.after)


def _dialect(scope: RequestScope) -> str:
    return scope.db.get_bind().dialect.name


async def stage(scope: RequestScope, rows: Sequence[tuple[Any, ...]]) -> None:
    await copy_rows(scope.db, R.__table__, STAGED, rows)


async def _update(scope: RequestScope, stmt: Update) -> int:
    return rows_changed(await scope.db.execute(stmt, execution_options=NO_SYNC))


def _refuse(reason: ImportRefusal, detail: Any) -> dict[str, Any]:
    return {"outcome": REFUSED, "reason": reason.value, "detail": detail}


async def refuse_conflicting_customers(scope: RequestScope, batch: Batch) -> None:
    """Refuse every row of a customer whose rows disagree (a batch holds whole customers)."""
    other = aliased(R)
    conflicted = (select(other.customer_number).where(batch.of(other), other.outcome.is_(None))
                  .group_by(other.customer_number).having(func.count(other.customer_hash.distinct()) > 1))
    detail = literal("The rows of customer ") + R.customer_number + literal(
        " give different customer details (name, kind, contact, billing address or language): make them agree.")
    await _update(scope, update(R).where(batch.of(R), R.outcome.is_(None), R.customer_number.in_(conflicted))
                  .values(**_refuse(ImportRefusal.CONFLICTING_CUSTOMER_DATA, detail)))


async def refuse_repeated_numbers(scope: RequestScope, batch: Batch) -> None:
    """Refuse a row whose LDC number an earlier open row of the file (in any batch) has. The first open row of a
    number is never refused here, so sweeping the batches one by one refuses what one statement would."""
    other = aliased(R)
    first = (select(func.min(other.line)).where(other.job_id == batch.job_id, other.outcome.is_(None),
                                                 other.ldc_account_number == R.ldc_account_number).scalar_subquery())
    await _update(scope, update(R).where(batch.of(R), R.outcome.is_(None), R.line > first)
                  .values(**_refuse(ImportRefusal.DUPLICATE_LDC_NUMBER,
                                    literal("The same LDC number is on line ") + cast(first, String) + literal("."))))


async def refuse_held_numbers(scope: RequestScope, batch: Batch) -> None:
    """Refuse a row whose LDC number another customer of the client holds."""
    named = select(Customer.number + literal(" (") + Customer.name + literal(")")).join(
        UtilityAccount, UtilityAccount.customer_id == Customer.id)
    holder = (tenant_scoped(tenant_scoped(named, Customer, scope), UtilityAccount, scope)
              .where(UtilityAccount.ldc_account_number == R.ldc_account_number, Customer.number != R.customer_number)
              .limit(1).scalar_subquery())
    await _update(scope, update(R).where(batch.of(R), R.outcome.is_(None), holder.is_not(None)).values(**_refuse(
        ImportRefusal.LDC_NUMBER_HELD, literal("Customer ") + holder + literal(" holds this LDC number."))))


# The checks no single row can make, in the order they apply: each sweeps every batch before the next begins
# (a row refused by one is not looked at by those after it).
ACROSS_ROWS = (refuse_conflicting_customers, refuse_repeated_numbers, refuse_held_numbers)


async def refresh_statistics(scope: RequestScope, *models: Any) -> None:
    """PostgreSQL plans from statistics, which do not yet know the rows this very transaction added: told the
    staging table or the customers are tiny, it looks each row up by scanning them all. ANALYZE counts the
    transaction's own rows. (SQLite looks up by index whatever its statistics say.)"""
    if _dialect(scope) == "postgresql":
        for model in models or (R, Customer, UtilityAccount):
            await scope.db.execute(text(f"ANALYZE {model.__tablename__}"))


async def next_batch(scope: RequestScope, job_id: int, after: str | None, rows: int) -> Batch | None:
    """The next batch of about `rows` rows after customer number `after`; None when none is left."""
    stmt = select(R.customer_number).where(R.job_id == job_id)
    if after is not None:
        stmt = stmt.where(R.customer_number > after)
    through = (await scope.db.execute(stmt.order_by(R.customer_number).offset(rows - 1).limit(1))).scalar()
    if through is None:
        through = (await scope.db.execute(stmt.with_only_columns(func.max(R.customer_number)))).scalar()
    return None if through is None else Batch(job_id, after, through)


async def link_existing(scope: RequestScope, batch: Batch) -> None:
    """Each open row gets the client's customer with its number and account with its LDC number, if any;
    a row whose account is new is CREATED."""
    customer = tenant_scoped(select(Customer.id), Customer, scope).where(Customer.number == R.customer_number)
    account = tenant_scoped(select(UtilityAccount.id), UtilityAccount, scope).where(
        UtilityAccount.ldc_account_number == R.ldc_account_number)
    await _update(scope, update(R).where(batch.of(R), R.outcome.is_(None)).values(
        customer_id=customer.scalar_subquery(), utility_account_id=account.scalar_subquery()))
    await _update(scope, update(R).where(batch.of(R), R.outcome.is_(None), R.utility_account_id.is_(None))
                  .values(outcome=CREATED))


def _distinct(pairs: Sequence[tuple[Any, Any]]) -> Any:
    return or_(*(a.is_distinct_from(b) for a, b in pairs)) if pairs else literal(False)


async def changed_rows(scope: RequestScope, batch: Batch, columns: frozenset[str]) -> list[Any]:
    """Rows whose existing account, or (on its customer's first row) existing customer, differs from the
    file in a column the file has; with both sides of every compared field."""
    first_line = _first_line(batch.job_id, [CREATED, None])
    customer_fields = [f for f in CUSTOMER_FIELDS if f in columns]
    account_fields = [f for f in ACCOUNT_FIELDS if FIELD_COLUMN.get(f, f) in columns]
    customer_differs = _distinct([(getattr(R, f), getattr(Customer, f)) for f in customer_fields])
    account_differs = _distinct([(getattr(R, f), getattr(UtilityAccount, f)) for f in account_fields])
    is_first = R.line == first_line
    stmt = (select(R.id, R.line, R.outcome, R.customer_id, R.utility_account_id, is_first.label("first"),
                   *[getattr(R, f).label(f"new_{f}") for f in (*customer_fields, *account_fields)],
                   *[getattr(Customer, f).label(f"old_{f}") for f in customer_fields],
                   *[getattr(UtilityAccount, f).label(f"old_{f}") for f in account_fields])
            .join(Customer, Customer.id == R.customer_id)
            .outerjoin(UtilityAccount, UtilityAccount.id == R.utility_account_id)
            .where(batch.of(R), R.outcome.is_(None) | (R.outcome == CREATED),
                   or_(and_(is_first, customer_differs), and_(R.utility_account_id.is_not(None), account_differs)))
            .order_by(R.line))
    return list((await scope.db.execute(stmt)).all())


async def mark(scope: RequestScope, outcomes: dict[int, str], changes: dict[int, str]) -> None:
    """Give rows their outcome (by id) and the from-to text of what they change."""
    table = R.__table__
    if changes:
        stmt = update(table).where(table.c.id == bindparam("row_id")).values(changes=bindparam("text"))
        await scope.db.execute(stmt, [{"row_id": i, "text": t} for i, t in changes.items()], execution_options=NO_SYNC)
    if outcomes:
        stmt = update(table).where(table.c.id == bindparam("row_id")).values(outcome=bindparam("to"))
        await scope.db.execute(stmt, [{"row_id": i, "to": o} for i, o in outcomes.items()], execution_options=NO_SYNC)


async def mark_unchanged(scope: RequestScope, batch: Batch) -> None:
    await _update(scope, update(R).where(batch.of(R), R.outcome.is_(None)).values(outcome=UNCHANGED))


async def customers_gaining_accounts(scope: RequestScope, batch: Batch) -> list[int]:
    """Existing customers that get a new account in this batch (their address keys change)."""
    stmt = select(R.customer_id).where(batch.of(R), R.outcome == CREATED, R.customer_id.is_not(None)).distinct()
    return [customer_id for customer_id in (await scope.db.execute(stmt)).scalars() if customer_id is not None]


async def write_new(scope: RequestScope, batch: Batch, job_id: int, user_id: int | None, now: datetime,
                    reason: str) -> int:
    """New customers (with name tokens and address keys), then every CREATED row's account, enrollment and
    status change: a handful of INSERT ... SELECT statements. Returns how many customers were created."""
    client = literal(tenant_id_of(scope), Integer)
    stamp = literal(now, UtcDateTime())
    first_rows = select().select_from(R).where(batch.of(R), R.outcome == CREATED, R.customer_id.is_(None),
                                R.line == _first_line(job_id, [CREATED]))
    address = case((R.billing_key.is_(None), _service_keys(scope, batch)),
                   else_=R.billing_key + literal(" | ") + _service_keys(scope, batch))
    columns = {"client_id": client, "number": R.customer_number, **{f: getattr(R, f) for f in CUSTOMER_FIELDS},
               "name_key": R.name_key, "is_master": literal(False), "autopay": literal(False),
               "paperless": literal(False), "address_key": address, "created_at": stamp}
    inserted = await scope.db.execute(
        insert(Customer).from_select(list(columns), first_rows.add_columns(*columns.values()))
    )
    await refresh_statistics(scope, Customer)  # the lookups below find the customers just added by index
    await scope.db.execute(insert(CustomerNameToken).from_select(
        ["client_id", "token", "customer_id", "previous_token", "words"], _tokens(scope, first_rows, client)))
    new_customer = tenant_scoped(select(Customer.id), Customer, scope).where(Customer.number == R.customer_number)
    await _update(scope, update(R).where(batch.of(R), R.outcome == CREATED, R.customer_id.is_(None))
                  .values(customer_id=new_customer.scalar_subquery()))
    account = {"client_id": client, "customer_id": R.customer_id, "ldc_account_number": R.ldc_account_number,
               **{f: getattr(R, f) for f in ACCOUNT_FIELDS}, "renewal_pending": literal(False),
               "pending_transfer": literal(False), "created_at": stamp}
    created = select(*account.values()).where(batch.of(R), R.outcome == CREATED).order_by(R.line)
    await scope.db.execute(insert(UtilityAccount).from_select(list(account), created))
    await refresh_statistics(scope, UtilityAccount)
    new_account = tenant_scoped(select(UtilityAccount.id), UtilityAccount, scope).where(
        UtilityAccount.ldc_account_number == R.ldc_account_number)
    await _update(scope, update(R).where(batch.of(R), R.outcome == CREATED)
                  .values(utility_account_id=new_account.scalar_subquery()))
    enrollment = {"client_id": client, "utility_account_id": R.utility_account_id, "rate_plan_id": R.rate_plan_id,
                  "status": R.status, "start_date": R.start_date, "end_date": R.end_date, "created_at": stamp}
    await scope.db.execute(insert(Enrollment).from_select(
        list(enrollment), select(*enrollment.values()).where(batch.of(R), R.outcome == CREATED).order_by(R.line)))
    change = {"client_id": client, "utility_account_id": R.utility_account_id,
              "from_status": literal(EnrollmentStatus.INACTIVE.value), "to_status": R.status, "changed_at": stamp,
              "reason": literal(reason[:200]), "actor_id": literal(user_id, Integer)}
    await scope.db.execute(insert(EnrollmentStatusChange).from_select(list(change), select(*change.values()).where(
        batch.of(R), R.outcome == CREATED, R.status != EnrollmentStatus.INACTIVE.value).order_by(R.line)))
    return rows_changed(inserted)


def _service_keys(scope: RequestScope, batch: Batch) -> Any:
    """The service addresses of a new customer's rows, " | " between them, in line order."""
    other = aliased(R)
    if _dialect(scope) == "postgresql":
        joined = func.string_agg(other.service_key, aggregate_order_by(literal_column("' | '"), other.line))
    else:  # the index on (job, customer number, line) gives SQLite the rows in line order
        joined = func.group_concat(other.service_key, literal(" | "))
    return (select(joined).where(other.job_id == batch.job_id, other.customer_number == R.customer_number,
                                 other.outcome == CREATED).scalar_subquery())


def _first_line(job_id: int, outcomes: Sequence[str | None]) -> Any:
    """The first line of the row's customer among its rows with one of `outcomes` (None: not decided yet).

    Correlated by equality on (job, customer number) only: a range condition here would make SQLite walk
    every row below the batch's end for each customer."""
    other = aliased(R)
    wanted = [o for o in outcomes if o is not None]
    matches: ColumnElement[bool] = other.outcome.in_(wanted) if wanted else literal(False)
    if None in outcomes:
        matches = matches | other.outcome.is_(None)
    return (select(func.min(other.line)).where(other.job_id == job_id, other.customer_number == R.customer_number,
                                               matches).scalar_subquery())


def _tokens(scope: RequestScope, first_rows: Any, client: Any) -> Any:
    """(client, token, customer id, previous token, words) for each word of each new customer's name, from the staged
    JSON arrays; the previous token is the greatest of the name's tokens below it, "" for the first (as
    db.search_keys.name_token_rows); the words are every token of the name, each after a space
    (db.search_keys.name_words)."""
    words, earlier = _staged_tokens(scope, "words"), _staged_tokens(scope, "earlier")
    word, before = _by_code_point(scope, words.c.value), _by_code_point(scope, earlier.c.value)
    previous = select(func.coalesce(func.max(before), "")).where(before < word)
    customer = tenant_scoped(select(Customer.id), Customer, scope).where(Customer.number == R.customer_number)
    return first_rows.add_columns(client, words.c.value, customer.scalar_subquery(), previous.scalar_subquery(),
                                  _name_words(scope)).join(words, literal(True))


def _name_words(scope: RequestScope) -> Any:
    """The staged name's tokens, each after a space, in the array's order (sorted: db.search_keys.name_words)."""
    every = _staged_tokens(scope, "every")
    spaced = literal(" ", String).concat(every.c.value)
    joined = (func.string_agg(spaced, literal("")) if _dialect(scope) == "postgresql"
              else func.group_concat(spaced, literal("")))
    return select(func.coalesce(joined, "")).select_from(every).scalar_subquery()


def _by_code_point(scope: RequestScope, value: Any) -> Any:
    """`value` compared by code point, as the token columns are (db.base.CodePointText): PostgreSQL's JSON text
    takes the database's collation otherwise; SQLite's default collation (BINARY) already is."""
    return value.collate("C") if _dialect(scope) == "postgresql" else value


def _staged_tokens(scope: RequestScope, name: str) -> Any:
    """The elements of a staged row's name_tokens (a JSON array of text) as rows of `value`."""
    if _dialect(scope) == "postgresql":
        return func.json_array_elements_text(cast(R.name_tokens, JSON)).table_valued("value", name=name)
    return func.json_each(R.name_tokens).table_valued("value", name=name)


async def outcome_counts(scope: RequestScope, job_id: int) -> dict[str, int]:
    stmt = select(R.outcome, func.count()).where(R.job_id == job_id).group_by(R.outcome)
    counts = {o.value.lower(): 0 for o in ImportRowOutcome}
    for outcome, n in (await scope.db.execute(stmt)).all():
        counts[(outcome.value if outcome else UNCHANGED).lower()] += n
    return counts
