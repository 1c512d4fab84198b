"""The customer settings' field on Customer.

Everything comes from the customer row already loaded: no query, so no loader either.
"""

import strawberry

from db import models
from graph.customers.settings.types import CustomerSettings, DunningHold
from resolvers.customers.settings.commands import hold_of, today


@strawberry.type
class CustomerSettingsFields:
    row: strawberry.Private[models.Customer]

    @strawberry.field(description="Billing settings (autopay, paperless) and the dunning hold in force (seed 000).")
    def settings(self) -> CustomerSettings:
        # Reading decides expiry: a hold past its day shows as none (no job clears it).
        hold = hold_of(self.row, today())
        return CustomerSettings(
            autopay=self.row.autopay, paperless=self.row.paperless,
            dunning_hold=DunningHold.of(hold, active=True) if hold else None, dunning_excluded=hold is not None,
        )
