"""Who may do what: the one table of role rules, used by mutations and by the SPA's hints."""

import enum

from db.enums import Role
from resolvers.context import RequestScope
from resolvers.errors import Forbidden
from resolvers.rules.roles import RANK


class Action(enum.StrEnum):
    UPDATE_CUSTOMER = "UPDATE_CUSTOMER"
    CREATE_MASTER_CUSTOMER = "CREATE_MASTER_CUSTOMER"
    ASSIGN_CUSTOMERS_TO_MASTER = "ASSIGN_CUSTOMERS_TO_MASTER"
    UPDATE_OWN_PREFERENCES = "UPDATE_OWN_PREFERENCES"
    ADD_NOTE = "ADD_NOTE"
    BULK_ADD_NOTE = "BULK_ADD_NOTE"
    SEND_LETTER = "SEND_LETTER"
    EDIT_PREMISE = "EDIT_PREMISE"
    CREATE_MARKET_TRANSACTION = "CREATE_MARKET_TRANSACTION"
    RECORD_MARKET_RESPONSE = "RECORD_MARKET_RESPONSE"
    IMPORT_USAGE = "IMPORT_USAGE"
    POST_PAYMENT = "POST_PAYMENT"
    REFUND_PAYMENT = "REFUND_PAYMENT"
    REVERSE_PAYMENT = "REVERSE_PAYMENT"
    REVERSE_INVOICE_CHARGES = "REVERSE_INVOICE_CHARGES"
    CREATE_ADJUSTMENT = "CREATE_ADJUSTMENT"
    APPROVE_LARGE_ADJUSTMENT = "APPROVE_LARGE_ADJUSTMENT"
    MANAGE_SPECIAL_CHARGES = "MANAGE_SPECIAL_CHARGES"
    RUN_BILLING = "RUN_BILLING"
    EMAIL_BILLING_DOCUMENT = "EMAIL_BILLING_DOCUMENT"
    UPDATE_CONTACT_INFO = "UPDATE_CONTACT_INFO"
    MANAGE_AUTHORIZED_CONTACTS = "MANAGE_AUTHORIZED_CONTACTS"
    CREATE_TICKET = "CREATE_TICKET"
    ASSIGN_TICKET = "ASSIGN_TICKET"
    CLOSE_TICKET = "CLOSE_TICKET"
    UPDATE_SETTINGS = "UPDATE_SETTINGS"
    SET_DUNNING_HOLD = "SET_DUNNING_HOLD"
    BULK_DUNNING_HOLD = "BULK_DUNNING_HOLD"
    VIEW_USERS = "VIEW_USERS"
    MANAGE_USERS = "MANAGE_USERS"
    CONFIGURE_SIGN_IN = "CONFIGURE_SIGN_IN"
    ENROLL_CUSTOMER = "ENROLL_CUSTOMER"
    IMPORT_CUSTOMERS = "IMPORT_CUSTOMERS"
    EXPORT_DATA = "EXPORT_DATA"
    MANAGE_REFERENCE_DATA = "MANAGE_REFERENCE_DATA"


MINIMUM_ROLE: dict[Action, Role] = {
    Action.UPDATE_CUSTOMER: Role.AGENT,
    Action.CREATE_MASTER_CUSTOMER: Role.ADMIN,
    Action.ASSIGN_CUSTOMERS_TO_MASTER: Role.ADMIN,
    Action.UPDATE_OWN_PREFERENCES: Role.AGENT,
    Action.ADD_NOTE: Role.AGENT,
    Action.BULK_ADD_NOTE: Role.TEAM_LEAD,
    Action.SEND_LETTER: Role.AGENT,
    Action.EDIT_PREMISE: Role.AGENT,
    Action.CREATE_MARKET_TRANSACTION: Role.AGENT,
    # the market integration's path: it runs with a team lead's (or admin's) token
    Action.RECORD_MARKET_RESPONSE: Role.TEAM_LEAD,
    Action.IMPORT_USAGE: Role.TEAM_LEAD,
    Action.POST_PAYMENT: Role.AGENT,
    Action.REFUND_PAYMENT: Role.TEAM_LEAD,
    Action.REVERSE_PAYMENT: Role.TEAM_LEAD,
    Action.REVERSE_INVOICE_CHARGES: Role.TEAM_LEAD,
    Action.CREATE_ADJUSTMENT: Role.AGENT,
    Action.APPROVE_LARGE_ADJUSTMENT: Role.TEAM_LEAD,
    Action.MANAGE_SPECIAL_CHARGES: Role.AGENT,
    Action.RUN_BILLING: Role.ADMIN,
    Action.EMAIL_BILLING_DOCUMENT: Role.AGENT,
    Action.UPDATE_CONTACT_INFO: Role.AGENT,
    Action.MANAGE_AUTHORIZED_CONTACTS: Role.AGENT,
    Action.CREATE_TICKET: Role.AGENT,
    # a team lead works the queue (seed 004)
    Action.ASSIGN_TICKET: Role.TEAM_LEAD,
    Action.CLOSE_TICKET: Role.TEAM_LEAD,
    Action.UPDATE_SETTINGS: Role.AGENT,
    Action.SET_DUNNING_HOLD: Role.AGENT,
    Action.BULK_DUNNING_HOLD: Role.TEAM_LEAD,
    # a team lead assigns tickets to people, so sees who works for the client (not their audit trail)
    Action.VIEW_USERS: Role.TEAM_LEAD,
    Action.MANAGE_USERS: Role.ADMIN,
    Action.CONFIGURE_SIGN_IN: Role.ADMIN,
    # a sales channel enrolls with a team lead's (or admin's) token; agents serve existing customers
    Action.ENROLL_CUSTOMER: Role.TEAM_LEAD,
    # loading a book of customers replaces what the client knew about them: the client's admin
    Action.IMPORT_CUSTOMERS: Role.ADMIN,
    # whole-client CSV exports (GET /files/exports/*.csv) for reporting tools: every customer's data at once
    Action.EXPORT_DATA: Role.TEAM_LEAD,
    # rate plans and their prices, delivery charges, sales tax: what every invoice of the client is priced with
    Action.MANAGE_REFERENCE_DATA: Role.ADMIN,
}


def can(role: Role, action: Action) -> bool:
    return RANK[role] >= RANK[MINIMUM_ROLE[action]]


def ensure_allowed(scope: RequestScope, action: Action) -> None:
    if not can(scope.viewer.role, action):
        needed = MINIMUM_ROLE[action].value
        raise Forbidden(f"{action.value} needs the {needed} role or higher.")
