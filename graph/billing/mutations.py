"""Billing mutations: input to plain Python (amounts parsed, IDs decoded), through the one wrapper."""

from decimal import Decimal
from typing import Annotated, Any

import strawberry

from db import enums
from db.base import utcnow
from graph.billing import inputs as i
from graph.billing import payloads as p
from graph.billing.payment_types import Adjustment, Payment, Refund, SpecialCharge
from graph.billing.types import Invoice, InvoiceLine
from graph.commlog.letters.mutations import delivered
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id, to_global_id
from resolvers.billing import (
    adjustments,
    billing_run,
    documents,
    payments,
    refunds,
    reversals,
    special_charges,
)
from resolvers.billing.errors import BillingErrorCode
from resolvers.commlog.letters.commands import Delivery
from resolvers.context import RequestScope
from resolvers.errors import Field, UserInputError
from resolvers.rules.allocation import Allocation
from resolvers.rules.billing_periods import MAX_PERIOD_DAYS
from resolvers.rules.money import MoneyFormatError, parse_amount


def cents(value: Decimal, field: Field) -> int:
    """A Decimal input as cents; a bad amount is a userError naming the field."""
    try:
        return parse_amount(value)
    except MoneyFormatError as error:
        raise UserInputError(BillingErrorCode.INVALID_AMOUNT, str(error), field) from None


def emailed(delivery: Delivery) -> dict[str, Any]:
    return {**delivered(delivery), "document_id": to_global_id("Document", delivery.document.id)}


def payment_request(input: i.PostPaymentInput) -> payments.PaymentRequest:
    allocations = tuple(
        Allocation(decode_id(a.invoice_id, "Invoice", ("allocations", n, "invoice_id")),
                   cents(a.amount, ("allocations", n, "amount")))
        for n, a in enumerate(input.allocations or []))
    return payments.PaymentRequest(
        customer_id=decode_id(input.customer_id, "Customer", "customer_id"),
        amount_cents=cents(input.amount, "amount"),
        method=enums.PaymentMethod(input.method.value),
        received_on=input.received_on,
        mode=enums.AllocationMode(input.mode.value),
        payment_scope=enums.PaymentScope(input.scope.value),
        allocations=allocations,
        reference=(input.reference or "").strip() or None,
        card_last4=input.card_last4,
        idempotency_key=input.idempotency_key,
    )


async def email_document(scope: RequestScope, prepared: documents.PreparedDocument) -> dict[str, Any]:
    return emailed(await documents.email_document(scope, prepared))


@strawberry.type
class BillingMutations:
    @strawberry.mutation(
        description="Post a payment: FIFO pays the oldest open invoices first (after applying earlier "
        "unapplied credit), SPEC pays the named invoices. What is not applied stays as credit. Any role."
    )
    async def post_payment(
        self, info: strawberry.Info, input: Annotated[i.PostPaymentInput, INPUT]
    ) -> p.PostPaymentPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            done = await payments.post_payment(scope, payment_request(input))
            return {"payment": Payment.from_row(done.payment), "replayed": done.replayed}

        return await run_mutation(info, p.PostPaymentPayload, action, input)

    @strawberry.mutation(description="Refund a payment's unapplied credit, never more than the credit. TEAM_LEAD.")
    async def refund_payment(
        self, info: strawberry.Info, input: Annotated[i.RefundPaymentInput, INPUT]
    ) -> p.RefundPaymentPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            payment_id = decode_id(input.payment_id, "Payment", "payment_id")
            refund = await refunds.refund_payment(scope, payment_id, cents(input.amount, "amount"), input.reason,
                                                  input.idempotency_key)
            payment = await payments.get_payment_or_fail(scope, payment_id)
            return {"refund": Refund.from_row(refund), "payment": Payment.from_row(payment)}

        return await run_mutation(info, p.RefundPaymentPayload, action, input)

    @strawberry.mutation(description="Record a returned (NSF) payment: its allocations are taken back, the invoices "
                         "reopen, and an optional NSF fee is added as a special charge. TEAM_LEAD.")
    async def reverse_payment(
        self, info: strawberry.Info, input: Annotated[i.ReversePaymentInput, INPUT]
    ) -> p.ReversePaymentPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            fee = cents(input.nsf_fee, "nsf_fee") if input.nsf_fee is not None else None
            done = await refunds.reverse_payment(scope, decode_id(input.payment_id, "Payment", "payment_id"),
                                                 input.reason, fee)
            return {
                "payment": Payment.from_row(done.payment),
                "nsf_fee": SpecialCharge.from_row(done.fee) if done.fee else None,
            }

        return await run_mutation(info, p.ReversePaymentPayload, action, input)

    @strawberry.mutation(description="Add a special charge, PENDING until the next billing run bills it. Any role.")
    async def create_special_charge(self, info: strawberry.Info,
                                    input: Annotated[i.CreateSpecialChargeInput, INPUT]) -> p.SpecialChargePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            charge = await special_charges.create_special_charge(
                scope, decode_id(input.customer_id, "Customer", "customer_id"), input.description,
                cents(input.amount, "amount"), input.reason)
            return {"special_charge": SpecialCharge.from_row(charge)}

        return await run_mutation(info, p.SpecialChargePayload, action, input)

    @strawberry.mutation(
        description="Remove a PENDING special charge; the removal is recorded (who, when, why). Any role."
    )
    async def remove_special_charge(
        self, info: strawberry.Info, input: Annotated[i.RemoveSpecialChargeInput, INPUT]
    ) -> p.SpecialChargePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            charge_id = decode_id(input.special_charge_id, "SpecialCharge", "special_charge_id")
            return {
                "special_charge": SpecialCharge.from_row(
                    await special_charges.remove_special_charge(scope, charge_id, input.reason)
                )
            }

        return await run_mutation(info, p.SpecialChargePayload, action, input)

    @strawberry.mutation(description="Reverse chosen lines of an invoice with credit lines and a ledger row; payments "
                         "beyond what remains open become unapplied credit again. TEAM_LEAD.")
    async def reverse_invoice_charges(
        self, info: strawberry.Info, input: Annotated[i.ReverseInvoiceChargesInput, INPUT]
    ) -> p.ReverseInvoiceChargesPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            invoice_id = decode_id(input.invoice_id, "Invoice", "invoice_id")
            line_ids = [decode_id(line_id, "InvoiceLine", ("line_ids", n)) for n, line_id in enumerate(input.line_ids)]
            invoice, lines = await reversals.reverse_invoice_charges(scope, invoice_id, line_ids, input.reason)
            return {
                "invoice": Invoice.from_row(invoice),
                "reversal_lines": [InvoiceLine.from_row(line) for line in lines],
            }

        return await run_mutation(info, p.ReverseInvoiceChargesPayload, action, input)

    @strawberry.mutation(description="Post a debit or credit adjustment; above the client's threshold "
                         "(default 100.00) only a TEAM_LEAD may.")
    async def create_adjustment(self, info: strawberry.Info,
                                input: Annotated[i.CreateAdjustmentInput, INPUT]) -> p.CreateAdjustmentPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            invoice = decode_id(input.invoice_id, "Invoice", "invoice_id") if input.invoice_id else None
            request = adjustments.AdjustmentRequest(
                customer_id=decode_id(input.customer_id, "Customer", "customer_id"),
                direction=enums.AdjustmentDirection(input.direction.value), amount_cents=cents(input.amount, "amount"),
                reason_code=input.reason_code, note=(input.note or "").strip() or None, invoice_id=invoice,
                idempotency_key=input.idempotency_key)
            return {"adjustment": Adjustment.from_row(await adjustments.create_adjustment(scope, request))}

        return await run_mutation(info, p.CreateAdjustmentPayload, action, input)

    @strawberry.mutation(description="Run billing for a period: one invoice per account with usage or pending charges. "
                         f"A period has at most {MAX_PERIOD_DAYS} days, has ended before the issue day, and is "
                         "billed once: for one account, a period that shares a day with an earlier invoice's "
                         "(unless that invoice was REVERSED) or none with the account's service is a userError "
                         "naming why; a run over every account skips such accounts and counts them. ADMIN.")
    async def run_billing(
        self, info: strawberry.Info, input: Annotated[i.RunBillingInput, INPUT]
    ) -> p.RunBillingPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            account = decode_id(input.utility_account_id, "UtilityAccount", "utility_account_id") \
                if input.utility_account_id else None
            request = billing_run.RunRequest(
                input.period_start, input.period_end, input.issued_on or utcnow().date(), account
            )
            result = await billing_run.run_billing(scope, request)
            return {"invoices": [Invoice.from_row(r) for r in result.invoices], "skipped": result.skipped,
                    "already_billed": result.already_billed}

        return await run_mutation(info, p.RunBillingPayload, action, input, bulk=True)

    @strawberry.mutation(description=(
        "Email an invoice as a PDF: stored as a document, queued for the outbox, logged as a LETTER entry. Returns "
        "all three; the notification's status tells whether it was delivered. Any role."))
    async def email_invoice(
        self, info: strawberry.Info, input: Annotated[i.EmailInvoiceInput, INPUT]
    ) -> p.EmailBillingDocumentPayload:
        async def prepare(scope: RequestScope) -> documents.PreparedDocument:
            return await documents.prepare_invoice_email(scope, decode_id(input.invoice_id, "Invoice", "invoice_id"))

        return await run_mutation(info, p.EmailBillingDocumentPayload, email_document, input,
                                  prepare=prepare)

    @strawberry.mutation(description=(
        "Email the customer's AR history as a PDF: stored as a document, queued for the outbox, logged as a LETTER "
        "entry. Returns all three; the notification's status tells whether it was delivered. Any role."))
    async def email_ar_history(self, info: strawberry.Info,
                               input: Annotated[i.EmailArHistoryInput, INPUT]) -> p.EmailBillingDocumentPayload:
        async def prepare(scope: RequestScope) -> documents.PreparedDocument:
            customer_id = decode_id(input.customer_id, "Customer", "customer_id")
            return await documents.prepare_ar_history_email(scope, customer_id, input.start, input.end)

        return await run_mutation(info, p.EmailBillingDocumentPayload, email_document, input,
                                  prepare=prepare)
