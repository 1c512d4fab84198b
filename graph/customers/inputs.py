"""Inputs of the customers domain."""

import strawberry

from db.models import Customer
from graph.accounts.enums import EnrollmentStatus
from graph.core.text import client_mutation_id_field, text_field
from graph.customers.enums import CustomerKind

KEEP_ON_NULL = "Omit it, or send null, to leave it as it is."


@strawberry.input(description="The search panel. Filters combine with AND; omit a filter to ignore it.")
class CustomerSearch:
    ldc_account_number: str | None = strawberry.field(default=None, description="Exact LDC account number (ESI ID).")
    name: str | None = strawberry.field(
        default=None,
        description='Every word must start a word of the name, any case or accent: "smi jo" finds John Smith.',
    )
    address: str | None = strawberry.field(
        default=None, description="Part of a service or billing address, at least 3 characters, any case."
    )
    status: EnrollmentStatus | None = strawberry.field(
        default=None, description="Customers with a utility account in this status."
    )
    market: str | None = strawberry.field(
        default=None, description="Market code, e.g. TX: customers with an account there."
    )
    utility: str | None = strawberry.field(
        default=None, description="Utility code, e.g. ONCOR: customers with an account there."
    )
    text: str | None = strawberry.field(
        default=None, description="One box for anything: customer number, LDC number, name words or address."
    )


@strawberry.input(description="A postal address; all parts optional.")
class AddressInput:
    line1: str | None = text_field("Street address.", Customer.billing_line1, default=None)
    line2: str | None = text_field("Unit, suite or floor.", Customer.billing_line2, default=None)
    city: str | None = text_field("City.", Customer.billing_city, default=None)
    state: str | None = text_field("Two-letter state code.", Customer.billing_state, default=None)
    zip: str | None = text_field("ZIP code.", Customer.billing_zip, default=None)


@strawberry.input(description="Changes to a customer's information. Omitted fields stay as they are; what null does "
                  "is said on each field.")
class UpdateCustomerInput:
    id: strawberry.ID = strawberry.field(description="The customer to change.")
    name: strawberry.Maybe[str | None] = text_field(
        f"New name: not blank, with at least one letter. {KEEP_ON_NULL}", Customer.name)
    kind: strawberry.Maybe[CustomerKind | None] = strawberry.field(
        description=f"Residential or commercial. {KEEP_ON_NULL}")
    email: strawberry.Maybe[str | None] = text_field(
        "New email; validated and normalized. Null clears it.", Customer.email
    )
    phone: strawberry.Maybe[str | None] = text_field(
        "New phone; validated, stored as E.164. Null clears it.", Customer.phone
    )
    language: strawberry.Maybe[str | None] = text_field(
        f"Preferred language code, e.g. en or es. {KEEP_ON_NULL}", Customer.language)
    billing_address: strawberry.Maybe[AddressInput | None] = strawberry.field(
        description="Replaces the whole billing address (omitted parts are cleared); null clears the address.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="A new organizational master customer.")
class CreateMasterCustomerInput:
    name: str = text_field("Organization name, with at least one letter.", Customer.name)
    kind: CustomerKind = strawberry.field(default=CustomerKind.COMMERCIAL, description="Usually commercial.")
    email: str | None = text_field("Contact email.", Customer.email, default=None)
    phone: str | None = text_field("Contact phone.", Customer.phone, default=None)
    billing_address: AddressInput | None = strawberry.field(default=None, description="Billing address.")
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Place customers under a master, or detach them (masterId null).")
class AssignCustomersToMasterInput:
    master_id: strawberry.ID | None = strawberry.field(description="The master customer; null detaches the customers.")
    customer_ids: list[strawberry.ID] = strawberry.field(description="The customers to move (1-250).")
    client_mutation_id: str | None = client_mutation_id_field()
