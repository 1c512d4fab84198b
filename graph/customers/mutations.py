"""Mutations of the customers domain: input to plain Python, through the one wrapper."""

from typing import Annotated, Any

import strawberry

from db.enums import CustomerKind as DbKind
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id
from graph.customers.inputs import (
    AddressInput,
    AssignCustomersToMasterInput,
    CreateMasterCustomerInput,
    UpdateCustomerInput,
)
from graph.customers.payloads import (
    AssignCustomersToMasterPayload,
    CreateMasterCustomerPayload,
    UpdateCustomerPayload,
)
from graph.customers.types import Customer
from resolvers.context import RequestScope
from resolvers.customers import commands
from resolvers.errors import Invalid

MAX_ASSIGN = 250  # input arrays are capped, as Shopify caps them


def billing_fields(address: AddressInput | None) -> dict[str, Any]:
    a = address or AddressInput()
    return {
        "billing_line1": a.line1, "billing_line2": a.line2, "billing_city": a.city,
        "billing_state": a.state, "billing_zip": a.zip,
    }


def customer_changes(input: UpdateCustomerInput) -> dict[str, Any]:
    """The fields to change: omitted ones stay; null keeps name, kind and language, and clears the others."""
    changes: dict[str, Any] = {}
    for name in ("name", "kind", "language"):
        given = getattr(input, name)
        if given is not None and given.value is not None:
            changes[name] = given.value
    for name in ("email", "phone"):
        given = getattr(input, name)
        if given is not None:
            changes[name] = given.value
    if "kind" in changes:
        changes["kind"] = DbKind(changes["kind"].value)
    if input.billing_address is not None:
        changes.update(billing_fields(input.billing_address.value))
    return changes


@strawberry.type
class CustomerMutations:
    @strawberry.mutation(description="Edit a customer's information; every change is audited from-to.")
    async def update_customer(
        self, info: strawberry.Info, input: Annotated[UpdateCustomerInput, INPUT]
    ) -> UpdateCustomerPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            customer_id = decode_id(input.id, "Customer", "id")
            row = await commands.update_customer(scope, customer_id, customer_changes(input))
            return {"customer": Customer.from_row(row)}

        return await run_mutation(info, UpdateCustomerPayload, action, input)

    @strawberry.mutation(description="Create an organizational master customer (ADMIN).")
    async def create_master_customer(
        self, info: strawberry.Info, input: Annotated[CreateMasterCustomerInput, INPUT]
    ) -> CreateMasterCustomerPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            new = commands.NewMaster(
                name=input.name, kind=DbKind(input.kind.value), email=input.email, phone=input.phone,
                **billing_fields(input.billing_address),
            )
            return {"customer": Customer.from_row(await commands.create_master_customer(scope, new))}

        return await run_mutation(info, CreateMasterCustomerPayload, action, input)

    @strawberry.mutation(
        description="Place customers under a master customer of the same client, or detach them (ADMIN). "
        "Refuses cycles. Only the hierarchy link moves; invoices, payments and history stay put."
    )
    async def assign_customers_to_master(
        self, info: strawberry.Info, input: Annotated[AssignCustomersToMasterInput, INPUT]
    ) -> AssignCustomersToMasterPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            if not 1 <= len(input.customer_ids) <= MAX_ASSIGN:
                raise Invalid(f"Give between 1 and {MAX_ASSIGN} customers.", "customer_ids")
            ids = [decode_id(g, "Customer", ("customer_ids", i)) for i, g in enumerate(input.customer_ids)]
            master_id = decode_id(input.master_id, "Customer", "master_id") if input.master_id else None
            master, moved = await commands.assign_customers_to_master(scope, master_id, list(dict.fromkeys(ids)))
            return {
                "master": Customer.from_row(master) if master else None,
                "customers": [Customer.from_row(c) for c in moved],
            }

        return await run_mutation(info, AssignCustomersToMasterPayload, action, input, bulk=True)
