"""Enums of the customers domain as the API shows them."""

from db import enums
from graph.core.enums import described_enum
from resolvers.customers.search.queries import CustomerOrder as _CustomerOrder

CustomerKind = described_enum(
    enums.CustomerKind,
    "Residential or commercial account holder.",
    {"RESIDENTIAL": "A household.", "COMMERCIAL": "A business or organization."},
)

CustomerOrder = described_enum(
    _CustomerOrder,
    "Order of customer search results.",
    {"NAME": "By name, A to Z (case- and accent-insensitive).", "NUMBER": "By customer number."},
)
