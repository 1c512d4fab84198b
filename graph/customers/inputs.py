"""Inputs of the customers domain."""

import strawberry

from graph.accounts.enums import EnrollmentStatus
from graph.customers.enums import CustomerKind

CMID = "Any string; echoed back in the payload (Relay)."


@strawberry.input(description="The search panel. Filters combine with AND; omit a filter to ignore it.")
class CustomerSearch:
    ldc_account_number: str | None = strawberry.field(default=None, description="Exact LDC account number (ESI ID).")
    name: str | None = strawberry.field(
        default=None, description="Every word must start a word of the name, any case or accent: \"smi jo\" finds John Smith."
    )
    address: str | None = strawberry.field(
        default=None, description="Part of a service or billing address, at least 3 characters, any case."
    )
    status: EnrollmentStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Customers with a utility account in this status."
    )
    market: str | None = strawberry.field(default=None, description="Market code, e.g. TX: customers with an account there.")
    utility: str | None = strawberry.field(default=None, description="Utility code, e.g. ONCOR: customers with an account there.")
    text: str | None = strawberry.field(
        default=None, description="One box for anything: customer number, LDC number, name words or address."
    )


@strawberry.input(description="A postal address; all parts optional.")
class AddressInput:
    line1: str | None = strawberry.field(default=None, description="Street address.")
    line2: str | None = strawberry.field(default=None, description="Unit, suite or floor.")
    city: str | None = strawberry.field(default=None, description="City.")
    state: str | None = strawberry.field(default=None, description="Two-letter state code.")
    zip: str | None = strawberry.field(default=None, description="ZIP code.")


@strawberry.input(description="Changes to a customer's information. Omitted fields stay as they are; null clears.")
class UpdateCustomerInput:
    id: strawberry.ID = strawberry.field(description="The customer to change.")
    name: strawberry.Maybe[str] = strawberry.field(description="New name (cannot be blank).")
    kind: strawberry.Maybe[CustomerKind] = strawberry.field(description="Residential or commercial.")  # type: ignore[valid-type]
    email: strawberry.Maybe[str | None] = strawberry.field(description="New email; validated and normalized.")
    phone: strawberry.Maybe[str | None] = strawberry.field(description="New phone; validated, stored as E.164.")
    language: strawberry.Maybe[str] = strawberry.field(description="Preferred language code, e.g. en or es.")
    billing_address: strawberry.Maybe[AddressInput] = strawberry.field(description="Replaces the whole billing address.")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="A new organizational master customer.")
class CreateMasterCustomerInput:
    name: str = strawberry.field(description="Organization name.")
    kind: CustomerKind = strawberry.field(default=CustomerKind.COMMERCIAL, description="Usually commercial.")  # type: ignore[valid-type]
    email: str | None = strawberry.field(default=None, description="Contact email.")
    phone: str | None = strawberry.field(default=None, description="Contact phone.")
    billing_address: AddressInput | None = strawberry.field(default=None, description="Billing address.")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="Place customers under a master, or detach them (masterId null).")
class AssignCustomersToMasterInput:
    master_id: strawberry.ID | None = strawberry.field(description="The master customer; null detaches the customers.")
    customer_ids: list[strawberry.ID] = strawberry.field(description="The customers to move (1-250).")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)
