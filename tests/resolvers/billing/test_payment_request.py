"""A payment request's idempotency hash is what it was before PaymentRequest.scope became payment_scope: keys
stored before the rename (kept 24 hours) still replay their payment instead of being refused as reused."""

from datetime import date

import pytest

from db.enums import AllocationMode, PaymentMethod, PaymentScope
from resolvers.billing import idempotency, payments
from resolvers.rules.allocation import Allocation

SPEC = payments.PaymentRequest(customer_id=42, amount_cents=12_345, method=PaymentMethod.CARD,
                               received_on=date(2025, 3, 1), mode=AllocationMode.SPEC,
                               payment_scope=PaymentScope.HIERARCHY, allocations=(Allocation(7, 12_000),),
                               reference="R-1", card_last4="1111", idempotency_key="k")
FIFO = payments.PaymentRequest(customer_id=42, amount_cents=100, method=PaymentMethod.CHECK,
                               received_on=date(2025, 3, 1))


@pytest.mark.parametrize("request_, digest", [  # digests computed on main before the rename
    (SPEC, "e1690d731608297d7b818d7b27bef89cbaaf5e790f66b33649accc04b0c24bea"),
    (FIFO, "9a86ed98edb59b20d0654d9743ca0f69f19c07e2d80c36c8a4413f4cccf55218"),
])
def test_the_request_hash_did_not_change_with_the_rename(request_, digest):
    assert idempotency.request_hash(payments.OPERATION, payments.hashed_values(request_)) == digest
