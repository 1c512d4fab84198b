"""Billing's root queries: client-wide aging, payment allocation preview, next-invoice preview."""

from datetime import date
from typing import Annotated

import strawberry

from db.base import utcnow
from graph.billing.enums import InvoiceLineKind
from graph.billing.inputs import PostPaymentInput
from graph.billing.mutations import payment_request
from graph.billing.types import AgingBuckets, Invoice, Money
from graph.core.errors import client_error
from graph.core.relay import decode_id
from graph.core.text import check_input
from resolvers.billing import batches, billing_run, payments
from resolvers.errors import UserInputError


@strawberry.type(description="One allocation a payment would make.")
class PlannedAllocation:
    invoice: Invoice = strawberry.field(description="The invoice it would pay.")
    amount: Money = strawberry.field(description="How much.")


@strawberry.type(description="What posting a payment would do; nothing is saved.")
class AllocationPreview:
    allocations: list[PlannedAllocation] = strawberry.field(description="The allocations, in order.")
    unapplied_amount: Money = strawberry.field(description="What would stay as unapplied credit.")


@strawberry.type(description="A line the next invoice would have.")
class PreviewLine:
    kind: InvoiceLineKind = strawberry.field(description="What it charges for.")
    description: str = strawberry.field(description="As it would be printed.")
    amount: Money = strawberry.field(description="Rounded half-up to the cent.")


@strawberry.type(description="What the next billing run would bill an account for a period; nothing is saved.")
class InvoicePreview:
    lines: list[PreviewLine] = strawberry.field(description="The lines.")
    total: Money = strawberry.field(description="Their total.")


@strawberry.type
class BillingQueries:
    @strawberry.field(description="Open invoice amounts across the client by days past due (reporting).")
    async def ar_aging(
        self,
        info: strawberry.Info,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="Count ages to this day; default today. Only invoices issued by then."),
        ] = None,
    ) -> AgingBuckets:
        day = as_of or utcnow().date()
        async with info.context.session_scope() as scope:
            return AgingBuckets.of(await batches.client_aging(scope, day), day)

    @strawberry.field(description="The allocation FIFO or SPEC would make for a payment, saving nothing.")
    async def payment_allocation_preview(
        self,
        info: strawberry.Info,
        input: Annotated[PostPaymentInput, strawberry.argument(description="The payment as it would be posted.")],
    ) -> AllocationPreview:
        try:
            check_input(input, info.schema.config.name_converter)  # the limits postPayment holds it to
            async with info.context.session_scope() as scope:
                result = await payments.preview_allocation(scope, payment_request(input))
                rows = await batches.invoices_by_ids(scope, [a.invoice_id for a in result.allocations])
        except UserInputError as error:
            raise client_error(error, info, input) from None
        planned = [
            PlannedAllocation(invoice=Invoice.from_row(r), amount=Money.of(a.cents))
            for r, a in zip(rows, result.allocations, strict=False)
            if r is not None  # always found: the preview allocated to these invoices in the same session
        ]
        return AllocationPreview(allocations=planned, unapplied_amount=Money.of(result.unapplied_cents))

    @strawberry.field(
        description="What the next billing run would bill a utility account for a period, saving nothing; "
        "null when there is nothing to bill."
    )
    async def preview_next_invoice(
        self, info: strawberry.Info,
        utility_account_id: Annotated[strawberry.ID, strawberry.argument(description="The utility account.")],
        period_start: Annotated[date, strawberry.argument(description="First day of the period.")],
        period_end: Annotated[date, strawberry.argument(description="Last day of the period.")],
    ) -> InvoicePreview | None:
        try:
            account_id = decode_id(utility_account_id, "UtilityAccount", "utility_account_id")
            async with info.context.session_scope() as scope:
                draft = await billing_run.preview_invoice(scope, account_id, period_start, period_end)
        except UserInputError as error:
            raise client_error(error, info) from None
        if draft is None:
            return None
        lines = [
            PreviewLine(
                kind=InvoiceLineKind(line.kind.value), description=line.description, amount=Money.of(line.cents)
            )
            for line in draft.lines
        ]
        return InvoicePreview(lines=lines, total=Money.of(draft.total_cents))
