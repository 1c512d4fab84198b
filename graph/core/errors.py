"""userErrors: the one UserErrorCode enum, the UserError type, and the one mutation wrapper."""

import enum
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError

from graph.core.text import check_input
from resolvers import errors as common
from resolvers import events
from resolvers.accounts import errors as accounts
from resolvers.admin import errors as admin
from resolvers.billing import errors as billing
from resolvers.billing import rate_errors
from resolvers.commlog import bulk_errors, letter_errors
from resolvers.commlog import errors as commlog
from resolvers.context import RequestScope
from resolvers.customers import errors as customers
from resolvers.customers import settings_errors
from resolvers.errors import UserInputError
from resolvers.tickets import errors as tickets

P = TypeVar("P")

# Every domain's codes are unique, so one enum can carry them all (API.md's single UserError).
_DESCRIPTIONS: dict[str, str] = {
    **common.DESCRIPTIONS,
    **customers.DESCRIPTIONS,
    **settings_errors.DESCRIPTIONS,
    **admin.DESCRIPTIONS,
    **commlog.DESCRIPTIONS,
    **bulk_errors.DESCRIPTIONS,
    **letter_errors.DESCRIPTIONS,
    **accounts.DESCRIPTIONS,
    **billing.DESCRIPTIONS,
    **rate_errors.DESCRIPTIONS,
    **tickets.DESCRIPTIONS,
}

UserErrorCode = strawberry.enum(
    enum.Enum(  # type: ignore[misc]
        "UserErrorCode",
        {code: strawberry.enum_value(code, description=text) for code, text in sorted(_DESCRIPTIONS.items())},
    ),
    description="Why a mutation did not do what was asked.",
)


@strawberry.type(description="An expected failure of a mutation, tied to a path in its input.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path to the input field at fault, if any.")
    code: UserErrorCode = strawberry.field(description="Machine-readable reason.")  # type: ignore[valid-type]
    message: str = strawberry.field(description="Human-readable explanation.")

    @classmethod
    def from_exception(cls, error: UserInputError) -> "UserError":
        return cls(field=error.field, code=UserErrorCode[error.code], message=error.message)


async def run_mutation(
    info: strawberry.Info,
    payload: Callable[..., P],
    action: Callable[[RequestScope], Awaitable[dict[str, Any]]],
    input: Any,
    on_error: Callable[[UserInputError], dict[str, Any]] | None = None,
) -> P:
    """Check the input's text, run `action` in one transaction; an expected failure rolls back and becomes userErrors.

    Domain events the transaction recorded reach subscribers only once it has committed.
    `on_error` may add payload fields that explain a failure (e.g. notes-policy findings).
    """
    context = info.context
    client_mutation_id = input.client_mutation_id
    try:
        check_input(input, ["input"], info.schema.config.name_converter)
        async with context.write_sessionmaker() as session:
            async with session.begin():
                fields = await action(context.scope.with_session(session))
            committed = events.pending(session)
    except UserInputError as error:
        return failed(payload, error, client_mutation_id, on_error)
    context.loaders.clear()  # what this request loaded before the mutation may be stale now
    context.publish(committed)
    return payload(**fields, user_errors=[], client_mutation_id=client_mutation_id)


def failed(payload: Callable[..., P], error: UserInputError, client_mutation_id: str | None,
           on_error: Callable[[UserInputError], dict[str, Any]] | None = None) -> P:
    """The payload of a mutation that failed with `error`: its userErrors, and what `on_error` adds."""
    extra = on_error(error) if on_error else {}
    return payload(**extra, user_errors=[UserError.from_exception(error)], client_mutation_id=client_mutation_id)


async def run_job_mutation(
    info: strawberry.Info,
    payload: Callable[..., P],
    action: Callable[[RequestScope, Any], Awaitable[dict[str, Any]]],
    input: Any,
) -> P:
    """`run_mutation` for a job that opens its own transactions (a customer import commits in batches on
    SQLite): `action` gets the scope and the write sessionmaker; the input's text is checked and a
    UserInputError becomes userErrors as above."""
    context = info.context
    client_mutation_id = input.client_mutation_id
    try:
        check_input(input, ["input"], info.schema.config.name_converter)
        fields = await action(context.scope, context.write_sessionmaker)
    except UserInputError as error:
        return failed(payload, error, client_mutation_id)
    context.loaders.clear()
    return payload(**fields, user_errors=[], client_mutation_id=client_mutation_id)


INPUT = strawberry.argument(description="The mutation's input (Relay: one input object).")
USER_ERRORS = "Expected failures; empty when the mutation succeeded."
CLIENT_MUTATION_ID = "Echo of the input's clientMutationId (Relay)."


def client_error(error: UserInputError) -> GraphQLError:
    """A query's expected failure as a GraphQL error the client sees (never masked)."""
    return GraphQLError(error.message, extensions={"code": error.code, "field": error.field})
