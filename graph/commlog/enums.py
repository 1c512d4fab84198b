"""Enums of the communication-log domain as the API shows them."""

import enum

import strawberry

from db import enums
from graph.core.enums import mirrors
from resolvers.rules.note_policy import FINDING_DESCRIPTIONS
from resolvers.rules.note_policy import FindingCode as RuleFindingCode


@mirrors(RuleFindingCode)
@strawberry.enum(description="A notes-policy finding (seed 003).")
class FindingCode(enum.Enum):
    _value_: str
    MISSING_CONTACT_NAME = strawberry.enum_value(
        "MISSING_CONTACT_NAME", description=FINDING_DESCRIPTIONS[RuleFindingCode.MISSING_CONTACT_NAME]
    )
    MISSING_RELATIONSHIP = strawberry.enum_value(
        "MISSING_RELATIONSHIP", description=FINDING_DESCRIPTIONS[RuleFindingCode.MISSING_RELATIONSHIP]
    )
    MISSING_REASON = strawberry.enum_value(
        "MISSING_REASON", description=FINDING_DESCRIPTIONS[RuleFindingCode.MISSING_REASON]
    )
    MISSING_RESOLUTION = strawberry.enum_value(
        "MISSING_RESOLUTION", description=FINDING_DESCRIPTIONS[RuleFindingCode.MISSING_RESOLUTION]
    )
    SLANG = strawberry.enum_value("SLANG", description=FINDING_DESCRIPTIONS[RuleFindingCode.SLANG])
    PROFANITY = strawberry.enum_value("PROFANITY", description=FINDING_DESCRIPTIONS[RuleFindingCode.PROFANITY])
    DIRECT_QUOTE = strawberry.enum_value("DIRECT_QUOTE", description=FINDING_DESCRIPTIONS[RuleFindingCode.DIRECT_QUOTE])
    CARD_NUMBER = strawberry.enum_value("CARD_NUMBER", description=FINDING_DESCRIPTIONS[RuleFindingCode.CARD_NUMBER])


@mirrors(enums.NoteFindingMode)
@strawberry.enum(description="What the client does with notes-policy findings.")
class NoteFindingMode(enum.Enum):
    _value_: str
    WARN = strawberry.enum_value("WARN", description="Findings are shown; the note is saved.")
    BLOCK = strawberry.enum_value(
        "BLOCK",
        description="A note with findings is refused (card numbers are masked, never blocking).",
    )


