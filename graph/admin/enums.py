"""Enums of the admin domain as the API shows them."""

from db import enums
from graph.core.enums import described_enum

Role = described_enum(
    enums.Role,
    "What a user may do; each role includes the ones before it.",
    {
        "AGENT": "Customer-service representative: search, view, notes, payments, contact changes.",
        "TEAM_LEAD": "Also approves refunds and reversals and runs bulk work.",
        "ADMIN": "Also manages hierarchies, billing runs and the client's settings.",
    },
)

RoleSource = described_enum(
    enums.RoleSource,
    "Where the role of a user who signs in through the client's identity provider comes from.",
    {
        "STORED": "The role stored on the user (inviteUser, changeUserRole).",
        "CLAIM": "A claim of the provider's token (e.g. groups), its values mapped to roles; the highest mapped "
                 "role wins and is stored on the user at each sign-in (audited when it changes).",
    },
)

NavigationArea = described_enum(
    enums.NavigationArea,
    "Top-level area of the CSR site.",
    {
        "CUSTOMER_SEARCH": "The search panel and results grid.",
        "RECENT_CUSTOMERS": "Customers the user opened recently.",
        "TICKETS": "The service ticket queues.",
        "BULK_NOTES": "Bulk note insert.",
        "REPORTS": "Aging, AR history and exports.",
        "ADMINISTRATION": "Client settings and users.",
    },
)

ProfileTab = described_enum(
    enums.ProfileTab,
    "A tab of the customer summary screen.",
    {
        "CUSTOMER_INFORMATION": "Contact details and settings.",
        "UTILITY_ACCOUNTS": "Utility accounts (ESI / LDC) with premise and transactions.",
        "ENROLLMENTS": "Enrollment information and historical enrollments.",
        "COMMUNICATION_LOG": "Notes, calls, emails, letters and system events.",
        "AR_BILLING": "Invoices, payments, adjustments and AR history.",
        "DOCUMENTS": "Contracts, welcome kits, renewal letters.",
        "NOTIFICATIONS": "Emails and letters sent to the customer.",
        "TICKETS": "Service tickets.",
        "HIERARCHY": "Organizational master and children.",
    },
)

CommLogKind = described_enum(
    enums.CommLogKind,
    "Kind of communication-log entry.",
    {
        "NOTE": "A note written by an agent.",
        "CALL": "A phone call.",
        "EMAIL": "An email to or from the customer.",
        "LETTER": "A letter sent to the customer.",
        "SYSTEM": "An event recorded by the system.",
    },
)

SortDirection = described_enum(
    enums.SortDirection,
    "Chronological order of a list.",
    {"NEWEST_FIRST": "Most recent first.", "OLDEST_FIRST": "Oldest first."},
)
