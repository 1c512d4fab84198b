"""GraphQL enums of tickets and contact changes, each value described."""

from db import enums
from graph.core.enums import described_enum

TicketKind = described_enum(enums.TicketKind, "What a ticket is for.", {
    "CONTACT_CHANGE": "A contact-information update (seed 004); closing it as DONE tells the customer.",
    "GENERAL": "Any other request."})
TicketStatus = described_enum(enums.TicketStatus, "Where a ticket stands in its queue.", {
    "OPEN": "Not yet picked up.", "IN_PROGRESS": "Assigned and being worked.", "CLOSED": "Closed with a resolution."})
TicketQueue = described_enum(enums.TicketQueue, "The team queue a ticket is worked in.", {
    "ACCOUNT_SERVICING": "Account servicing: contact changes and account management.", "BILLING": "Billing.",
    "ENROLLMENT": "Enrollments and drops.", "CUSTOMER_CARE": "General customer care."})
TicketRequestType = described_enum(enums.TicketRequestType, "What a ticket asks for (also its resolution type).", {
    "ACCOUNT_MANAGEMENT": "Account management: contact details, settings.", "BILLING": "Billing.",
    "ENROLLMENT": "Enrollment.", "COMPLAINT": "A complaint.", "OTHER": "Anything else."})
SupportChannel = described_enum(enums.SupportChannel, "How the customer reached us.", {
    "EMAIL": "By email.", "PHONE": "By phone.", "CHAT": "By chat."})
TicketResolution = described_enum(enums.TicketResolution, "How a ticket was closed.", {
    "DONE": "The request was carried out.", "WONT_DO": "The request was declined.",
    "DUPLICATE": "Another ticket covers it.", "CANNOT_REPRODUCE": "The problem could not be found."})
PlatformArea = described_enum(enums.PlatformArea, "The part of the platform a closed ticket concerned.", {
    "ACCOUNT_MANAGEMENT": "Account management.", "BILLING": "Billing.", "ENROLLMENT": "Enrollment.",
    "PORTAL": "The customer portal.", "OTHER": "Anything else."})
