"""GraphQL types of payments, refunds, adjustments and special charges."""

from datetime import date, datetime
from typing import Any, Self

import strawberry
from sqlalchemy import Row

from db import models
from graph.billing import loaders
from graph.billing.enums import (
    AdjustmentDirection,
    AllocationMode,
    PaymentMethod,
    PaymentScope,
    PaymentStatus,
    SpecialChargeStatus,
)
from graph.billing.types import Invoice, Money, PaymentAllocation
from graph.core.columns import FromRow, Listed, by_value, column, declare
from graph.core.eager import NowOrLater
from graph.core.relay import Node, load_converted, to_global_id
from resolvers.billing.lists import WithChildren


@strawberry.type(description="Money received from a customer, and where it went.")
class Payment(Node):
    amount: Money = column(models.Payment.amount_cents, convert=Money.of, description="The amount received.")
    method: PaymentMethod = column(models.Payment.method, convert=by_value(PaymentMethod),
                                   description="How it was paid.")
    reference: str | None = column(models.Payment.reference, description="Check number or other reference.")
    card_last4: str | None = column(models.Payment.card_last4,
                                    description="A card's last four digits (nothing more is kept).")
    received_on: date = column(models.Payment.received_on, description="The day it was received.")
    mode: AllocationMode = column(models.Payment.mode, convert=by_value(AllocationMode), description="FIFO or SPEC.")
    scope: PaymentScope = column(models.Payment.scope, convert=by_value(PaymentScope),
                                 description="CUSTOMER or HIERARCHY.")
    status: PaymentStatus = column(models.Payment.status, convert=by_value(PaymentStatus),
                                   description="POSTED or RETURNED.")
    unapplied_amount: Money = column(models.Payment.unapplied_cents, convert=Money.of,
                                     description="Credit not applied to any invoice (nor refunded).")
    returned_reason: str | None = column(models.Payment.returned_reason, description="Why it was returned, if it was.")
    row: strawberry.Private[models.Payment | Row[Any]]  # a posting's payload: the row its INSERT returned
    # Set when the page prefetched them (see customer_fields.PREFETCHABLE); None: load on demand.
    loaded_allocations: strawberry.Private[list[PaymentAllocation] | None] = None

    # A sync resolver on purpose, as Invoice.lines: prefetched allocations complete without an await.
    @strawberry.field(graphql_type=list[PaymentAllocation],
                      description="Its allocations to invoices, in order; negative ones take earlier ones back.",
                      metadata=declare(Listed(loaders.allocations_by_payment_id, models.Payment.id,
                                              lambda rows: [PaymentAllocation.from_row(r) for r in rows])))
    def allocations(self, info: strawberry.Info) -> NowOrLater[list[PaymentAllocation]]:
        if self.loaded_allocations is not None:
            return self.loaded_allocations
        return self._load_allocations(info)

    async def _load_allocations(self, info: strawberry.Info) -> list[PaymentAllocation]:
        rows = await info.context.loaders.of(loaders.allocations_by_payment_id).load(self.row.id)
        return [PaymentAllocation.from_row(r) for r in rows]

    from_row = FromRow()

    @classmethod
    def from_loaded(cls, item: WithChildren) -> Self:
        """A payment of a page, with the allocations the page prefetched."""
        payment = cls.from_row(item.row)
        if item.allocations is not None:
            payment.loaded_allocations = [PaymentAllocation.from_row(r) for r in item.allocations]
        return payment

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.payments_by_id, ids, cls.from_row)


@strawberry.type(description="Unapplied credit paid back to the customer.")
class Refund:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the refund.")
    amount: Money = strawberry.field(description="The amount paid back.")
    reason: str = strawberry.field(description="Why.")
    created_at: datetime = strawberry.field(description="When it was approved.")

    @classmethod
    def from_row(cls, row: models.Refund) -> Self:
        return cls(id=to_global_id("Refund", row.id), amount=Money.of(row.amount_cents), reason=row.reason,
                   created_at=row.created_at)


@strawberry.type(description="A debit or credit to a customer's account, optionally against one invoice.")
class Adjustment(Node):
    direction: AdjustmentDirection = strawberry.field(description="DEBIT or CREDIT.")
    amount: Money = strawberry.field(description="The amount (always positive; see direction).")
    reason_code: str = strawberry.field(description="The reason code.")
    note: str | None = strawberry.field(description="Free text.")
    effective_on: date = strawberry.field(description="The day it takes effect.")
    row: strawberry.Private[models.Adjustment]

    @strawberry.field(description="The invoice it was posted against, if any.")
    async def invoice(self, info: strawberry.Info) -> Invoice | None:
        if self.row.invoice_id is None:
            return None
        return Invoice.from_row(await info.context.loaders.of(loaders.invoices_by_id).load(self.row.invoice_id))

    @classmethod
    def from_row(cls, row: models.Adjustment) -> Self:
        return cls(id=to_global_id("Adjustment", row.id), direction=AdjustmentDirection(row.direction.value),
                   amount=Money.of(row.amount_cents), reason_code=row.reason_code, note=row.note,
                   effective_on=row.effective_on, row=row)

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.adjustments_by_id, ids, cls.from_row)


@strawberry.type(description="A one-off charge billed on the next invoice.")
class SpecialCharge(Node):
    description: str = strawberry.field(description="The charge as it will be printed.")
    reason: str = strawberry.field(description="Why it was added.")
    amount: Money = strawberry.field(description="The amount.")
    status: SpecialChargeStatus = strawberry.field(description="PENDING, BILLED or REMOVED.")
    created_at: datetime = strawberry.field(description="When it was added.")
    removed_at: datetime | None = strawberry.field(description="When it was removed, if it was.")
    removed_reason: str | None = strawberry.field(description="Why it was removed.")

    @classmethod
    def from_row(cls, row: models.SpecialCharge) -> Self:
        return cls(
            id=to_global_id("SpecialCharge", row.id),
            description=row.description,
            reason=row.reason,
            amount=Money.of(row.amount_cents),
            status=SpecialChargeStatus(row.status.value),
            created_at=row.created_at,
            removed_at=row.removed_at,
            removed_reason=row.removed_reason,
        )

    @classmethod
    async def load_nodes(cls, info: strawberry.Info, ids: list[int]) -> list[Self | None]:
        return await load_converted(info, loaders.special_charges_by_id, ids, cls.from_row)
