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
from db.models.admin import AuditEvent, Client, User
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

__all__ = [
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
    "Customer",
    "CustomerNameToken",
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
