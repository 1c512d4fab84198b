"""Enums of the communication-log domain as the API shows them."""

from db import enums
from graph.core.enums import described_enum
from resolvers.rules.note_policy import FINDING_DESCRIPTIONS
from resolvers.rules.note_policy import FindingCode as RuleFindingCode

FindingCode = described_enum(
    RuleFindingCode, "A notes-policy finding (seed 003).", {code.name: text for code, text in FINDING_DESCRIPTIONS.items()},
)
NoteFindingMode = described_enum(
    enums.NoteFindingMode, "What the client does with notes-policy findings.",
    {"WARN": "Findings are shown; the note is saved.", "BLOCK": "A note with findings is refused (card numbers are masked, never blocking)."},
)
