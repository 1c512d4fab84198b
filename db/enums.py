"""The domain's vocabulary: plain enums with no I/O, shared by every layer (pure rules too)."""

import enum


class Role(enum.StrEnum):
    """Ordered from least to most privileged; see `resolvers.permissions`."""

    AGENT = "AGENT"
    TEAM_LEAD = "TEAM_LEAD"
    ADMIN = "ADMIN"


class CustomerKind(enum.StrEnum):
    RESIDENTIAL = "RESIDENTIAL"
    COMMERCIAL = "COMMERCIAL"


class EnrollmentStatus(enum.StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    PENDING_DROP = "PENDING_DROP"
    DROP_ACCEPTED = "DROP_ACCEPTED"
    DROPPED = "DROPPED"
    INACTIVE = "INACTIVE"


class RatePlanKind(enum.StrEnum):
    FIXED = "FIXED"
    VARIABLE = "VARIABLE"
    INDEXED = "INDEXED"


class NavigationArea(enum.StrEnum):
    """Top-level areas of the CSR site a user can land on."""

    CUSTOMER_SEARCH = "CUSTOMER_SEARCH"
    RECENT_CUSTOMERS = "RECENT_CUSTOMERS"
    TICKETS = "TICKETS"
    BULK_NOTES = "BULK_NOTES"
    REPORTS = "REPORTS"
    ADMINISTRATION = "ADMINISTRATION"


class ProfileTab(enum.StrEnum):
    """Tabs of the customer summary screen (seeds 001 and 002)."""

    CUSTOMER_INFORMATION = "CUSTOMER_INFORMATION"
    UTILITY_ACCOUNTS = "UTILITY_ACCOUNTS"
    ENROLLMENTS = "ENROLLMENTS"
    COMMUNICATION_LOG = "COMMUNICATION_LOG"
    AR_BILLING = "AR_BILLING"
    DOCUMENTS = "DOCUMENTS"
    NOTIFICATIONS = "NOTIFICATIONS"
    TICKETS = "TICKETS"
    HIERARCHY = "HIERARCHY"


class CommLogKind(enum.StrEnum):
    NOTE = "NOTE"
    CALL = "CALL"
    EMAIL = "EMAIL"
    LETTER = "LETTER"
    SYSTEM = "SYSTEM"


class SortDirection(enum.StrEnum):
    NEWEST_FIRST = "NEWEST_FIRST"
    OLDEST_FIRST = "OLDEST_FIRST"


class NoteFindingMode(enum.StrEnum):
    """What a client does with notes-policy findings: show them, or refuse the note."""

    WARN = "WARN"
    BLOCK = "BLOCK"


class LetterKind(enum.StrEnum):
    WELCOME_KIT = "WELCOME_KIT"
    CONTRACT = "CONTRACT"
    RENEWAL_LETTER = "RENEWAL_LETTER"
    RATE_CHANGE = "RATE_CHANGE"
    GENERAL = "GENERAL"


class NotificationChannel(enum.StrEnum):
    EMAIL = "EMAIL"
    MAIL = "MAIL"


class NotificationStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"


class AccountNumberType(enum.StrEnum):
    CUSTOMER_NUMBER = "CUSTOMER_NUMBER"
    LDC_ACCOUNT_NUMBER = "LDC_ACCOUNT_NUMBER"


class BulkNoteOutcome(enum.StrEnum):
    ADDED = "ADDED"
    SKIPPED_STATUS = "SKIPPED_STATUS"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    INVALID = "INVALID"
