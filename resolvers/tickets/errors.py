"""Error codes of tickets, authorized contacts and contact changes (unique across domains)."""

import enum


class TicketErrorCode(enum.StrEnum):
    REQUESTER_NOT_AUTHORIZED = "REQUESTER_NOT_AUTHORIZED"
    TICKET_ALREADY_CLOSED = "TICKET_ALREADY_CLOSED"
    ASSIGNEE_INACTIVE = "ASSIGNEE_INACTIVE"
    AUTHORIZED_CONTACT_EXISTS = "AUTHORIZED_CONTACT_EXISTS"
    AUTHORIZED_CONTACT_REMOVED = "AUTHORIZED_CONTACT_REMOVED"


DESCRIPTIONS = {
    TicketErrorCode.REQUESTER_NOT_AUTHORIZED: "Only the account holder or an active authorized contact (named, with "
                                              "their relationship) may request this change.",
    TicketErrorCode.TICKET_ALREADY_CLOSED: "The ticket is closed; it cannot be closed or reassigned again.",
    TicketErrorCode.ASSIGNEE_INACTIVE: "Tickets can be assigned only to active users.",
    TicketErrorCode.AUTHORIZED_CONTACT_EXISTS: "An active authorized contact with this name is already on the account.",
    TicketErrorCode.AUTHORIZED_CONTACT_REMOVED: "The authorized contact was already removed.",
}
