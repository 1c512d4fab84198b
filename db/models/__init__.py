"""Every model, imported so Alembic and `Base.metadata` see all tables."""

from db.models.accounts import (
    Enrollment,
    EnrollmentStatusChange,
    Market,
    MarketTransaction,
    RatePlan,
    UsagePeriod,
    Utility,
    UtilityAccount,
)
from db.models.admin import AuditEvent, Client, IdentityProvider, User
from db.models.billing import (
    Adjustment,
    DeliveryRate,
    IdempotencyKey,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    PaymentAllocation,
    Refund,
    SpecialCharge,
    TaxRate,
)
from db.models.commlog import (
    BulkNoteJob,
    BulkNoteResult,
    CommLogEntry,
    CommLogMemo,
    Disposition,
    Document,
    LetterTemplate,
    Notification,
)
from db.models.customers import Customer, CustomerNameToken
from db.models.events import DomainEvent
from db.models.tickets import AuthorizedContact, Ticket

__all__ = [
    "AuthorizedContact",
    "Ticket",
    "Adjustment",
    "DeliveryRate",
    "IdempotencyKey",
    "Invoice",
    "InvoiceLine",
    "LedgerEntry",
    "Payment",
    "PaymentAllocation",
    "Refund",
    "SpecialCharge",
    "TaxRate",
    "AuditEvent",
    "BulkNoteJob",
    "BulkNoteResult",
    "CommLogEntry",
    "CommLogMemo",
    "Disposition",
    "Document",
    "LetterTemplate",
    "Notification",
    "Client",
    "IdentityProvider",
    "Customer",
    "CustomerNameToken",
    "DomainEvent",
    "Enrollment",
    "EnrollmentStatusChange",
    "Market",
    "MarketTransaction",
    "RatePlan",
    "UsagePeriod",
    "User",
    "Utility",
    "UtilityAccount",
]
