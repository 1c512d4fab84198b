"""Enums of the accounts domain as the API shows them."""

from db import enums
from graph.core.enums import described_enum

EnrollmentStatus = described_enum(
    enums.EnrollmentStatus,
    "Where a utility account stands with the supplier.",
    {
        "PENDING": "Enrollment requested; the utility has not confirmed it yet.",
        "ACTIVE": "Enrolled and served by this supplier.",
        "PENDING_DROP": "A drop was requested; the utility has not confirmed it yet.",
        "DROP_ACCEPTED": "The utility accepted the drop; service ends at the end date.",
        "DROPPED": "No longer served by this supplier.",
        "INACTIVE": "Closed or never completed; kept for history.",
    },
)

RatePlanKind = described_enum(
    enums.RatePlanKind,
    "How a rate plan prices energy.",
    {
        "FIXED": "One price per kWh for the whole term.",
        "VARIABLE": "The supplier may change the price monthly.",
        "INDEXED": "The price follows a market index.",
    },
)
