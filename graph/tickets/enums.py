"""GraphQL enums of tickets and contact changes, each value described."""

import enum

import strawberry

from db import enums
from graph.core.enums import mirrors


@mirrors(enums.TicketKind)
@strawberry.enum(description="What a ticket is for.")
class TicketKind(enum.Enum):
    _value_: str
    CONTACT_CHANGE = strawberry.enum_value(
        "CONTACT_CHANGE",
        description="A contact-information update (seed 004); closing it as DONE tells the customer.",
    )
    GENERAL = strawberry.enum_value("GENERAL", description="Any other request.")


@mirrors(enums.TicketStatus)
@strawberry.enum(description="Where a ticket stands in its queue.")
class TicketStatus(enum.Enum):
    _value_: str
    OPEN = strawberry.enum_value("OPEN", description="Not yet picked up.")
    IN_PROGRESS = strawberry.enum_value("IN_PROGRESS", description="Assigned and being worked.")
    CLOSED = strawberry.enum_value("CLOSED", description="Closed with a resolution.")


@mirrors(enums.TicketQueue)
@strawberry.enum(description="The team queue a ticket is worked in.")
class TicketQueue(enum.Enum):
    _value_: str
    ACCOUNT_SERVICING = strawberry.enum_value(
        "ACCOUNT_SERVICING",
        description="Account servicing: contact changes and account management.",
    )
    BILLING = strawberry.enum_value("BILLING", description="Billing.")
    ENROLLMENT = strawberry.enum_value("ENROLLMENT", description="Enrollments and drops.")
    CUSTOMER_CARE = strawberry.enum_value("CUSTOMER_CARE", description="General customer care.")


@mirrors(enums.TicketRequestType)
@strawberry.enum(description="What a ticket asks for (also its resolution type).")
class TicketRequestType(enum.Enum):
    _value_: str
    ACCOUNT_MANAGEMENT = strawberry.enum_value(
        "ACCOUNT_MANAGEMENT",
        description="Account management: contact details, settings.",
    )
    BILLING = strawberry.enum_value("BILLING", description="Billing.")
    ENROLLMENT = strawberry.enum_value("ENROLLMENT", description="Enrollment.")
    COMPLAINT = strawberry.enum_value("COMPLAINT", description="A complaint.")
    OTHER = strawberry.enum_value("OTHER", description="Anything else.")


@mirrors(enums.SupportChannel)
@strawberry.enum(description="How the customer reached us.")
class SupportChannel(enum.Enum):
    _value_: str
    EMAIL = strawberry.enum_value("EMAIL", description="By email.")
    PHONE = strawberry.enum_value("PHONE", description="By phone.")
    CHAT = strawberry.enum_value("CHAT", description="By chat.")


@mirrors(enums.TicketResolution)
@strawberry.enum(description="How a ticket was closed.")
class TicketResolution(enum.Enum):
    _value_: str
    DONE = strawberry.enum_value("DONE", description="The request was carried out.")
    WONT_DO = strawberry.enum_value("WONT_DO", description="The request was declined.")
    DUPLICATE = strawberry.enum_value("DUPLICATE", description="Another ticket covers it.")
    CANNOT_REPRODUCE = strawberry.enum_value("CANNOT_REPRODUCE", description="The problem could not be found.")


@mirrors(enums.PlatformArea)
@strawberry.enum(description="The part of the platform a closed ticket concerned.")
class PlatformArea(enum.Enum):
    _value_: str
    ACCOUNT_MANAGEMENT = strawberry.enum_value("ACCOUNT_MANAGEMENT", description="Account management.")
    BILLING = strawberry.enum_value("BILLING", description="Billing.")
    ENROLLMENT = strawberry.enum_value("ENROLLMENT", description="Enrollment.")
    PORTAL = strawberry.enum_value("PORTAL", description="The customer portal.")
    OTHER = strawberry.enum_value("OTHER", description="Anything else.")


