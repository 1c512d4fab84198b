"""The domain's vocabulary: plain enums with no I/O, shared by every layer (pure rules too)."""

import enum


class Role(enum.StrEnum):
    """Ordered from least to most privileged; see `resolvers.permissions`."""

    AGENT = "AGENT"
    TEAM_LEAD = "TEAM_LEAD"
    ADMIN = "ADMIN"


class RoleSource(enum.StrEnum):
    """Where a provider-signed-in user's role comes from."""

    STORED = "STORED"  # the role stored on the user (inviteUser, changeUserRole)
    CLAIM = "CLAIM"  # a claim of the provider's token, mapped to roles


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


class MarketTransactionType(enum.StrEnum):
    """EDI transactions with the utility: 814 enrollment family, 867 usage, 810 invoice, 820 remittance."""

    ENROLLMENT = "ENROLLMENT"
    DROP = "DROP"
    CHANGE = "CHANGE"
    REINSTATEMENT = "REINSTATEMENT"
    HISTORICAL_USAGE_REQUEST = "HISTORICAL_USAGE_REQUEST"
    MOVE_IN = "MOVE_IN"
    MOVE_OUT = "MOVE_OUT"
    USAGE = "USAGE"
    INVOICE = "INVOICE"
    REMITTANCE = "REMITTANCE"


class MarketDirection(enum.StrEnum):
    OUTBOUND = "OUTBOUND"  # from the supplier to the utility
    INBOUND = "INBOUND"  # from the utility to the supplier


class MarketTransactionStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    RECEIVED = "RECEIVED"


class ReadType(enum.StrEnum):
    ACTUAL = "ACTUAL"
    ESTIMATED = "ESTIMATED"


class InvoiceStatus(enum.StrEnum):
    OPEN = "OPEN"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    REVERSED = "REVERSED"


class InvoiceLineKind(enum.StrEnum):
    ENERGY = "ENERGY"
    DELIVERY = "DELIVERY"
    TAX = "TAX"
    FEE = "FEE"
    SPECIAL_CHARGE = "SPECIAL_CHARGE"
    REVERSAL = "REVERSAL"


class SpecialChargeStatus(enum.StrEnum):
    PENDING = "PENDING"
    BILLED = "BILLED"
    REMOVED = "REMOVED"


class AdjustmentDirection(enum.StrEnum):
    DEBIT = "DEBIT"  # the customer owes more
    CREDIT = "CREDIT"  # the customer owes less


class PaymentMethod(enum.StrEnum):
    CHECK = "CHECK"
    ACH = "ACH"
    CARD = "CARD"
    CASH = "CASH"
    MONEY_ORDER = "MONEY_ORDER"
    WIRE = "WIRE"


class AllocationMode(enum.StrEnum):
    FIFO = "FIFO"
    SPEC = "SPEC"


class PaymentScope(enum.StrEnum):
    CUSTOMER = "CUSTOMER"
    HIERARCHY = "HIERARCHY"


class PaymentStatus(enum.StrEnum):
    POSTED = "POSTED"
    RETURNED = "RETURNED"


class LedgerKind(enum.StrEnum):
    INVOICE = "INVOICE"
    PAYMENT = "PAYMENT"
    ADJUSTMENT = "ADJUSTMENT"
    REVERSAL = "REVERSAL"
    REFUND = "REFUND"
    RETURNED_PAYMENT = "RETURNED_PAYMENT"
    CREDIT_TRANSFER = "CREDIT_TRANSFER"  # a payer's money applied to another customer's invoice (hierarchy)


class TicketKind(enum.StrEnum):
    """A contact change's ticket tells the customer when it closes; a general one does not."""

    CONTACT_CHANGE = "CONTACT_CHANGE"
    GENERAL = "GENERAL"


class TicketStatus(enum.StrEnum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    CLOSED = "CLOSED"


class TicketQueue(enum.StrEnum):
    ACCOUNT_SERVICING = "ACCOUNT_SERVICING"
    BILLING = "BILLING"
    ENROLLMENT = "ENROLLMENT"
    CUSTOMER_CARE = "CUSTOMER_CARE"


class TicketRequestType(enum.StrEnum):
    """What a ticket asks for; also its resolution type when it closes (seed 004)."""

    ACCOUNT_MANAGEMENT = "ACCOUNT_MANAGEMENT"
    BILLING = "BILLING"
    ENROLLMENT = "ENROLLMENT"
    COMPLAINT = "COMPLAINT"
    OTHER = "OTHER"


class SupportChannel(enum.StrEnum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    CHAT = "CHAT"


class TicketResolution(enum.StrEnum):
    DONE = "DONE"
    WONT_DO = "WONT_DO"
    DUPLICATE = "DUPLICATE"
    CANNOT_REPRODUCE = "CANNOT_REPRODUCE"


class PlatformArea(enum.StrEnum):
    ACCOUNT_MANAGEMENT = "ACCOUNT_MANAGEMENT"
    BILLING = "BILLING"
    ENROLLMENT = "ENROLLMENT"
    PORTAL = "PORTAL"
    OTHER = "OTHER"


class CheckDigit(enum.StrEnum):
    """How a utility's LDC numbers carry a check digit (the last digit), if they do."""

    NONE = "NONE"
    LUHN = "LUHN"  # mod 10, doubling every second digit from the right
    MOD11 = "MOD11"  # weights 2..7 from the right; a remainder of 10 has no valid check digit


class ImportJobStatus(enum.StrEnum):
    """Where a customer import stands; on SQLite an interrupted job stays in its phase and resumes."""

    STAGING = "STAGING"  # reading the file into its rows
    APPLYING = "APPLYING"  # writing customers and accounts, a batch of customers at a time
    DONE = "DONE"


class ImportRowOutcome(enum.StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    REFUSED = "REFUSED"


class ImportRefusal(enum.StrEnum):
    """Why a row of a customer import was refused; nothing of it was written."""

    MISSING_CUSTOMER_NUMBER = "MISSING_CUSTOMER_NUMBER"
    MISSING_NAME = "MISSING_NAME"
    UNKNOWN_UTILITY = "UNKNOWN_UTILITY"
    BAD_LDC_NUMBER = "BAD_LDC_NUMBER"
    DATE_ORDER = "DATE_ORDER"
    INVALID_VALUE = "INVALID_VALUE"
    UNKNOWN_RATE_PLAN = "UNKNOWN_RATE_PLAN"
    CONFLICTING_CUSTOMER_DATA = "CONFLICTING_CUSTOMER_DATA"
    DUPLICATE_LDC_NUMBER = "DUPLICATE_LDC_NUMBER"
    LDC_NUMBER_HELD = "LDC_NUMBER_HELD"


class EventKind(enum.StrEnum):
    """What a row of the event log (the transactional outbox) says happened."""

    COMMLOG_ENTRY_ADDED = "COMMLOG_ENTRY_ADDED"
    COMMLOG_MEMO_ADDED = "COMMLOG_MEMO_ADDED"
