"""The customer settings' field on Customer.

Everything comes from the customer row already loaded: no query, so no loader either. A compiled plan builds the
same object from the same columns (columns.Derived over the rows: no statement).
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

import strawberry

from db import models
from graph.core.columns import Derived, declare
from graph.customers.settings.types import CustomerSettings, DunningHold
from resolvers.context import RequestScope
from resolvers.customers.settings.commands import hold_of, today
from resolvers.together import Query, SplitBatch, ValuesOf

# The customer's columns its settings show (besides its id)
SETTINGS_COLUMNS = (models.Customer.autopay, models.Customer.paperless, models.Customer.dunning_hold_until,
                    models.Customer.dunning_hold_reason)


def settings_of(customer: Any, day: date) -> CustomerSettings:
    """The customer's settings on `day` (a row or a model with SETTINGS_COLUMNS). Reading decides expiry: a hold
    past its day shows as none (no job clears it)."""
    hold = hold_of(customer, day)
    return CustomerSettings(
        autopay=customer.autopay, paperless=customer.paperless,
        dunning_hold=DunningHold.of(hold, active=True) if hold else None, dunning_excluded=hold is not None,
    )


@SplitBatch
def settings_today(scope: RequestScope, customers: Sequence[Any]) -> tuple[list[Query], ValuesOf]:
    """The customers' settings today, for a compiled plan (no statement: the rows hold them)."""
    day = today()
    settings = [settings_of(customer, day) for customer in customers]
    return [], lambda _: settings


def _same(settings: CustomerSettings) -> CustomerSettings:
    return settings


@strawberry.type
class CustomerSettingsFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(description="Billing settings (autopay, paperless) and the dunning hold in force (seed 000).",
                      metadata=declare(Derived(settings_today, _same, SETTINGS_COLUMNS)))
    def settings(self) -> CustomerSettings:
        return settings_of(self.row, today())
