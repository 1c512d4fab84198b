"""Payloads of billing mutations."""

import strawberry

from graph.billing.payment_types import Adjustment, Payment, Refund, SpecialCharge
from graph.billing.types import Invoice, InvoiceLine
from graph.commlog.letters.types import Document, Notification
from graph.commlog.types import CommLogEntry
from graph.core.errors import CLIENT_MUTATION_ID, USER_ERRORS, UserError


@strawberry.type(description="Result of postPayment.")
class PostPaymentPayload:
    payment: Payment | None = strawberry.field(default=None, description="The payment with its allocations.")
    replayed: bool = strawberry.field(default=False, description="True when an earlier request with this key made it.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of refundPayment.")
class RefundPaymentPayload:
    refund: Refund | None = strawberry.field(default=None, description="The refund.")
    payment: Payment | None = strawberry.field(default=None, description="The payment, its credit reduced.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of reversePayment.")
class ReversePaymentPayload:
    payment: Payment | None = strawberry.field(default=None, description="The payment, now RETURNED.")
    nsf_fee: SpecialCharge | None = strawberry.field(default=None, description="The fee added, if any.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of createSpecialCharge or removeSpecialCharge.")
class SpecialChargePayload:
    special_charge: SpecialCharge | None = strawberry.field(default=None, description="The charge.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of reverseInvoiceCharges.")
class ReverseInvoiceChargesPayload:
    invoice: Invoice | None = strawberry.field(
        default=None, description="The invoice, its open amount and status updated."
    )
    reversal_lines: list[InvoiceLine] | None = strawberry.field(default=None, description="The new credit lines.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of createAdjustment.")
class CreateAdjustmentPayload:
    adjustment: Adjustment | None = strawberry.field(default=None, description="The adjustment.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of runBilling.")
class RunBillingPayload:
    invoices: list[Invoice] | None = strawberry.field(default=None, description="The invoices issued.")
    skipped: int = strawberry.field(default=0, description="Accounts not billed: nothing to bill, no service in the "
                                    "period, or already billed for part of it (see alreadyBilled).")
    already_billed: int = strawberry.field(default=0, description="Of `skipped`, the accounts an earlier invoice (not "
                                           "reversed) already bills part of the period for: usage is billed once.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)


@strawberry.type(description="Result of emailInvoice or emailArHistory.")
class EmailBillingDocumentPayload:
    document: Document | None = strawberry.field(default=None, description="The PDF document, stored as generated.")
    notification: Notification | None = strawberry.field(
        default=None, description="Its email: QUEUED now; read its status (SENT, or FAILED with lastError) later.")
    entry: CommLogEntry | None = strawberry.field(default=None, description="The LETTER entry in the customer's log.")
    document_id: strawberry.ID | None = strawberry.field(
        default=None, description="The PDF document's ID.", deprecation_reason="Use `document { id }`.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID)
