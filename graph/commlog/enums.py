"""Enums of the communication-log domain as the API shows them."""

import enum

from db import enums
from graph.core.enums import described_enum
from resolvers.rules.note_policy import FINDING_DESCRIPTIONS
from resolvers.rules.note_policy import FindingCode as RuleFindingCode


class _AlertKind(enum.StrEnum):
    CRITICAL_NOTE = "CRITICAL_NOTE"


class _AlertSeverity(enum.StrEnum):
    INFO = "INFO"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"


AlertKind = described_enum(
    _AlertKind, "What an account alert is about.",
    {"CRITICAL_NOTE": "A critical note: it affects handling for the life of the account."},
)
AlertSeverity = described_enum(
    _AlertSeverity, "How urgent an alert is.",
    {"INFO": "Worth knowing.", "WARNING": "Check before acting.", "CRITICAL": "Read before talking to the customer."},
)
FindingCode = described_enum(
    RuleFindingCode, "A notes-policy finding (seed 003).", {code.name: text for code, text in FINDING_DESCRIPTIONS.items()},
)
NoteFindingMode = described_enum(
    enums.NoteFindingMode, "What the client does with notes-policy findings.",
    {"WARN": "Findings are shown; the note is saved.", "BLOCK": "A note with findings is refused (card numbers are masked, never blocking)."},
)
