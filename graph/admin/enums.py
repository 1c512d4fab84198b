"""Enums of the admin domain as the API shows them."""

import enum

import strawberry

from db import enums
from graph.core.enums import mirrors


@mirrors(enums.Role)
@strawberry.enum(description="What a user may do; each role includes the ones before it.")
class Role(enum.Enum):
    _value_: str
    AGENT = strawberry.enum_value(
        "AGENT",
        description="Customer-service representative: search, view, notes, payments, contact changes.",
    )
    TEAM_LEAD = strawberry.enum_value(
        "TEAM_LEAD",
        description="Also approves refunds and reversals and runs bulk work.",
    )
    ADMIN = strawberry.enum_value(
        "ADMIN",
        description="Also manages hierarchies, billing runs and the client's settings.",
    )


@mirrors(enums.RoleSource)
@strawberry.enum(description="Where the role of a user who signs in through the client's identity provider comes from.")
class RoleSource(enum.Enum):
    _value_: str
    STORED = strawberry.enum_value("STORED", description="The role stored on the user (inviteUser, changeUserRole).")
    CLAIM = strawberry.enum_value(
        "CLAIM",
        description="A claim of the provider's token (e.g. groups), its values mapped to roles; the highest mapped "
                    "role wins and is stored on the user at each sign-in (audited when it changes).",
    )


@mirrors(enums.NavigationArea)
@strawberry.enum(description="Top-level area of the CSR site.")
class NavigationArea(enum.Enum):
    _value_: str
    CUSTOMER_SEARCH = strawberry.enum_value("CUSTOMER_SEARCH", description="The search panel and results grid.")
    RECENT_CUSTOMERS = strawberry.enum_value("RECENT_CUSTOMERS", description="Customers the user opened recently.")
    TICKETS = strawberry.enum_value("TICKETS", description="The service ticket queues.")
    BULK_NOTES = strawberry.enum_value("BULK_NOTES", description="Bulk note insert.")
    REPORTS = strawberry.enum_value("REPORTS", description="Aging, AR history and exports.")
    ADMINISTRATION = strawberry.enum_value("ADMINISTRATION", description="Client settings and users.")


@mirrors(enums.ProfileTab)
@strawberry.enum(description="A tab of the customer summary screen.")
class ProfileTab(enum.Enum):
    _value_: str
    CUSTOMER_INFORMATION = strawberry.enum_value("CUSTOMER_INFORMATION", description="Contact details and settings.")
    UTILITY_ACCOUNTS = strawberry.enum_value(
        "UTILITY_ACCOUNTS",
        description="Utility accounts (ESI / LDC) with premise and transactions.",
    )
    ENROLLMENTS = strawberry.enum_value("ENROLLMENTS", description="Enrollment information and historical enrollments.")
    COMMUNICATION_LOG = strawberry.enum_value(
        "COMMUNICATION_LOG",
        description="Notes, calls, emails, letters and system events.",
    )
    AR_BILLING = strawberry.enum_value("AR_BILLING", description="Invoices, payments, adjustments and AR history.")
    DOCUMENTS = strawberry.enum_value("DOCUMENTS", description="Contracts, welcome kits, renewal letters.")
    NOTIFICATIONS = strawberry.enum_value("NOTIFICATIONS", description="Emails and letters sent to the customer.")
    TICKETS = strawberry.enum_value("TICKETS", description="Service tickets.")
    HIERARCHY = strawberry.enum_value("HIERARCHY", description="Organizational master and children.")


@mirrors(enums.CommLogKind)
@strawberry.enum(description="Kind of communication-log entry.")
class CommLogKind(enum.Enum):
    _value_: str
    NOTE = strawberry.enum_value("NOTE", description="A note written by an agent.")
    CALL = strawberry.enum_value("CALL", description="A phone call.")
    EMAIL = strawberry.enum_value("EMAIL", description="An email to or from the customer.")
    LETTER = strawberry.enum_value("LETTER", description="A letter sent to the customer.")
    SYSTEM = strawberry.enum_value("SYSTEM", description="An event recorded by the system.")


@mirrors(enums.SortDirection)
@strawberry.enum(description="Chronological order of a list.")
class SortDirection(enum.Enum):
    _value_: str
    NEWEST_FIRST = strawberry.enum_value("NEWEST_FIRST", description="Most recent first.")
    OLDEST_FIRST = strawberry.enum_value("OLDEST_FIRST", description="Oldest first.")


