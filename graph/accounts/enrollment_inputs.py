"""Inputs of enrollCustomer and enrollUtilityAccount."""

from datetime import date

import strawberry

from db.models import Customer, IdempotencyKey, Market, RatePlan, Utility, UtilityAccount
from graph.commlog.letters.types import NotificationChannel
from graph.core.text import client_mutation_id_field, text_field
from graph.customers.enums import CustomerKind
from graph.customers.inputs import AddressInput

KEY = (
    "A client-made key (e.g. a UUID): a retry with the same key and the same input returns "
    "the first enrollment and writes nothing more; the same key with other input is an error. Kept at least 24 hours."
)
WELCOME_KIT = (
    "Send the WELCOME_KIT letter by this channel (EMAIL needs the customer's email, MAIL a billing address); "
    "omit to send none."
)


@strawberry.input(
    description="A service point to enroll: it starts PENDING, with an 814 enrollment request to its utility."
)
class EnrollmentAccountInput:
    ldc_account_number: str = text_field(
        "The utility's account number (ESI ID in Texas), checked against the utility's rule: length, digits, prefix "
        "and check digit. Spaces and dashes between digit groups are dropped.", UtilityAccount.ldc_account_number)
    utility: str = text_field("Utility code, e.g. ONCOR (see `utilities`).", Utility.code)
    market: str | None = text_field("Market code, e.g. TX; when given it must be the utility's.", Market.code,
                                    default=None)
    service_address: AddressInput = strawberry.field(
        description="The premise: street line, city, state and ZIP required."
    )
    rate_plan: str | None = text_field("Code of the client's rate plan sold in the utility's market (see `ratePlans`).",
                                       RatePlan.code, default=None)
    requested_start_date: date = strawberry.field(
        description="When supply should start: from today (UTC) to ten years ahead."
    )
    meter_number: str | None = text_field("Meter number, if known.", UtilityAccount.meter_number, default=None)


@strawberry.input(description="A new customer and the utility accounts to enroll for it.")
class EnrollCustomerInput:
    name: str = text_field("The account holder's name.", Customer.name)
    kind: CustomerKind = strawberry.field(
        default=CustomerKind.RESIDENTIAL, description="Residential or commercial."
    )
    email: str | None = text_field("Email; validated and normalized.", Customer.email, default=None)
    phone: str | None = text_field("Phone; validated, stored as E.164.", Customer.phone, default=None)
    billing_address: AddressInput | None = strawberry.field(default=None, description="Where bills and letters go.")
    language: str = text_field("Preferred language code, e.g. en or es.", Customer.language, default="en")
    accounts: list[EnrollmentAccountInput] = strawberry.field(description="1-50 utility accounts.")
    welcome_kit: NotificationChannel | None = strawberry.field(default=None, description=WELCOME_KIT)
    idempotency_key: str | None = text_field(KEY, IdempotencyKey.key, default=None)
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="One more utility account to enroll for an existing customer.")
class EnrollUtilityAccountInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer (not a master).")
    account: EnrollmentAccountInput = strawberry.field(description="The account to enroll.")
    welcome_kit: NotificationChannel | None = strawberry.field(default=None, description=WELCOME_KIT)
    idempotency_key: str | None = text_field(KEY, IdempotencyKey.key, default=None)
    client_mutation_id: str | None = client_mutation_id_field()
