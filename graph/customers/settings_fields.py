"""The Customer's `settings` field, as a function `graph/customers/types.py` delegates to.

Everything comes from the customer row already loaded: no query, so no loader either.
"""

from db import models
from graph.customers.settings_types import CustomerSettings, DunningHold
from resolvers.customers.settings import hold_of, today


def customer_settings(row: models.Customer) -> CustomerSettings:
    """Reading decides expiry: a hold past its day shows as none (no job clears it)."""
    hold = hold_of(row, today())
    return CustomerSettings(
        autopay=row.autopay, paperless=row.paperless,
        dunning_hold=DunningHold.of(hold, active=True) if hold else None, dunning_excluded=hold is not None,
    )
