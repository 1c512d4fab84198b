"""Mutation payloads of the customers domain."""

import strawberry

from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError
from graph.customers.types import Customer


@strawberry.type(description="Result of updateCustomer.")
class UpdateCustomerPayload:
    customer: Customer | None = strawberry.field(default=None, description="The customer as changed.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of createMasterCustomer.")
class CreateMasterCustomerPayload:
    customer: Customer | None = strawberry.field(default=None, description="The new master customer.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of assignCustomersToMaster.")
class AssignCustomersToMasterPayload:
    master: Customer | None = strawberry.field(default=None, description="The master; null when detaching.")
    customers: list[Customer] | None = strawberry.field(default=None, description="The customers moved.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
