"""userErrors: the one UserErrorCode enum, the UserError type, and the one mutation wrapper."""

import enum
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.schema.name_converter import NameConverter

from db.writes import WriteBusy, Writes
from graph.core.input_paths import api_path
from graph.core.text import check_input
from resolvers import errors as common
from resolvers.accounts import errors as accounts
from resolvers.admin import errors as admin
from resolvers.billing import errors as billing
from resolvers.billing import rate_errors
from resolvers.commlog import errors as commlog
from resolvers.commlog.bulk_notes import errors as bulk_errors
from resolvers.commlog.letters import errors as letter_errors
from resolvers.context import RequestScope
from resolvers.customers import errors as customers
from resolvers.customers.settings import errors as settings_errors
from resolvers.errors import Busy, UserInputError
from resolvers.tickets import errors as tickets

P = TypeVar("P")

# Every domain's codes are unique, so one enum can carry them all (API.md's single UserError).
_DOMAINS = (
    common.DESCRIPTIONS, customers.DESCRIPTIONS, settings_errors.DESCRIPTIONS, admin.DESCRIPTIONS,
    commlog.DESCRIPTIONS, bulk_errors.DESCRIPTIONS, letter_errors.DESCRIPTIONS, accounts.DESCRIPTIONS,
    billing.DESCRIPTIONS, rate_errors.DESCRIPTIONS, tickets.DESCRIPTIONS,
)
_DESCRIPTIONS: dict[str, str] = {str(code): text for domain in _DOMAINS for code, text in domain.items()}


def _code_enum(name: str, descriptions: Mapping[str, str]) -> type[enum.Enum]:
    """An enum of the codes, each described; built, not declared: its members are the domains' codes."""
    members = [(code, strawberry.enum_value(code, description=text)) for code, text in sorted(descriptions.items())]
    # The functional API makes a class; mypy reads a call of Enum as a member lookup.
    return enum.Enum(name, members)  # type: ignore[return-value]


UserErrorCode = strawberry.enum(_code_enum("UserErrorCode", _DESCRIPTIONS),
                                description="Why a mutation did not do what was asked.")


@strawberry.type(description="An expected failure of a mutation, tied to a path in its input.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path to the input field at fault, if any.")
    # A member of UserErrorCode, a class built at run time: a type checker sees an Enum, the schema that enum.
    code: enum.Enum = strawberry.field(graphql_type=UserErrorCode, description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")

    @classmethod
    def from_exception(cls, error: UserInputError) -> "UserError":
        field = None if error.field is None else [str(part) for part in error.field]
        return cls(field=field, code=UserErrorCode[error.code], message=error.message)


def locate(error: UserInputError, input: Any, names: NameConverter) -> None:
    """Rewrite the error's field (domain names, as resolvers give it) as its GraphQL path in `input`; an error
    that carries several (a rejected file's problems) has each located. An API path (a list) is left as it is."""
    for each in (error, *getattr(error, "problems", ())):
        if isinstance(each.field, tuple):
            each.field = api_path(each.field, type(input), names)


async def run_mutation(
    info: strawberry.Info,
    payload: Callable[..., P],
    action: Callable[..., Awaitable[dict[str, Any]]],
    input: Any,
    on_error: Callable[[UserInputError], dict[str, Any]] | None = None,
    *,
    prepare: Callable[[RequestScope], Awaitable[Any]] | None = None,
    bulk: bool = False,
) -> P:
    """Check the input's text, run `action` in one transaction; an expected failure rolls back and becomes userErrors.

    `prepare`, if given, runs first in a read session, outside the transaction (reads and work, such as
    rendering a PDF, that need no lock), and `action(scope, prepared)` then gets its result. A transaction
    that cannot get the database in time (db/writes.py) writes nothing and answers BUSY_RETRY. `bulk` marks
    long transactions (db/sqlite_driver.py). Domain events the transaction recorded are appended to the
    event log in it; this worker's subscribers hear at once, the others' within their feed's interval.
    `on_error` may add payload fields that explain a failure (e.g. notes-policy findings).
    """
    context = info.context
    client_mutation_id = input.client_mutation_id
    try:
        check_input(input, info.schema.config.name_converter)
        args = [await _prepared(context, prepare)] if prepare else []
        fields, appended = await context.writes.run(
            lambda session: action(context.scope.with_session(session), *args), bulk=bulk)
    except WriteBusy:
        return failed(payload, Busy(), client_mutation_id, on_error)
    except UserInputError as error:
        locate(error, input, info.schema.config.name_converter)
        return failed(payload, error, client_mutation_id, on_error)
    context.loaders.clear()  # what this request loaded before the mutation may be stale now
    if appended:
        context.feed.poke()
    return payload(**fields, user_errors=[], client_mutation_id=client_mutation_id)


async def _prepared(context: Any, prepare: Callable[[RequestScope], Awaitable[Any]]) -> Any:
    async with context.session_scope() as scope:
        return await prepare(scope)


def failed(payload: Callable[..., P], error: UserInputError, client_mutation_id: str | None,
           on_error: Callable[[UserInputError], dict[str, Any]] | None = None) -> P:
    """The payload of a mutation that failed with `error`: its userErrors, and what `on_error` adds."""
    extra = on_error(error) if on_error else {}
    return payload(**extra, user_errors=[UserError.from_exception(error)], client_mutation_id=client_mutation_id)


async def run_job_mutation(
    info: strawberry.Info,
    payload: Callable[..., P],
    action: Callable[[RequestScope, Writes], Awaitable[dict[str, Any]]],
    input: Any,
) -> P:
    """`run_mutation` for a job that opens its own transactions (a customer import commits in batches on
    SQLite): `action` gets the scope and the worker's Writes, and opens each transaction through
    `Writes.transaction` (the same queue, lock and bounded wait as every other write). The input's text is
    checked, a UserInputError becomes userErrors as above, and a unit that could not get the database in
    time answers BUSY_RETRY (what the job committed before it stays; its idempotency key carries it on)."""
    context = info.context
    client_mutation_id = input.client_mutation_id
    try:
        check_input(input, info.schema.config.name_converter)
        fields = await action(context.scope, context.writes)
    except WriteBusy:
        return failed(payload, Busy(), client_mutation_id)
    except UserInputError as error:
        locate(error, input, info.schema.config.name_converter)
        return failed(payload, error, client_mutation_id)
    context.loaders.clear()  # (a job's events, if it had any, reach subscribers at the feed's next read)
    return payload(**fields, user_errors=[], client_mutation_id=client_mutation_id)


INPUT = strawberry.argument(description="The mutation's input (Relay: one input object).")
USER_ERRORS = "Expected failures; empty when the mutation succeeded."
CLIENT_MUTATION_ID = "Echo of the input's clientMutationId (Relay)."


def client_error(error: UserInputError, info: strawberry.Info | None = None, input: Any = None) -> GraphQLError:
    """A query's expected failure as a GraphQL error the client sees (never masked). With `info`, the field is
    the GraphQL path: into `input` for a query that takes a mutation's input (checkNote), else the query's
    arguments' names."""
    if info is not None and input is not None:
        locate(error, input, info.schema.config.name_converter)
    elif info is not None and isinstance(error.field, tuple):
        names = info.schema.config.name_converter
        error.field = [names.apply_naming_config(p) if isinstance(p, str) else str(p) for p in error.field]
    field = None if error.field is None else list(error.field)
    return GraphQLError(error.message, extensions={"code": error.code, "field": field})
