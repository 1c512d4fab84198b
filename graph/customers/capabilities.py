"""`Customer.viewerCan`: the common tasks bar (seed 001) from the same role rules the mutations check.

TASKS is the one table: the GraphQL type is built from it and the tests read it, so a task shows only
when its mutation would not refuse the viewer's role.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import strawberry

from db.enums import Role
from resolvers.context import RequestScope
from resolvers.permissions import Action, can
from resolvers.together import Query, SplitBatch, ValuesOf


@dataclass(frozen=True, slots=True)
class Task:
    action: Action
    description: str


TASKS: dict[str, Task] = {
    "add_note": Task(Action.ADD_NOTE, "Add a note or a memo (addNote, addMemo)."),
    "send_letter": Task(Action.SEND_LETTER, "Send or resend a letter (sendLetter)."),
    "update_customer": Task(Action.UPDATE_CUSTOMER, "Edit the customer's information (updateCustomer)."),
    "update_contact_info": Task(Action.UPDATE_CONTACT_INFO,
                                "Change email, phone or billing address at the holder's request (updateContactInfo)."),
    "manage_authorized_contacts": Task(Action.MANAGE_AUTHORIZED_CONTACTS,
                                       "Add or remove authorized contacts (addAuthorizedContact, "
                                       "removeAuthorizedContact)."),
    "create_ticket": Task(Action.CREATE_TICKET, "Open a service ticket about the customer (createTicket)."),
    "edit_premise": Task(Action.EDIT_PREMISE, "Edit a utility account's premise information (editPremise)."),
    "create_market_transaction": Task(Action.CREATE_MARKET_TRANSACTION,
                                      "Send a market transaction for a utility account (createMarketTransaction)."),
    "post_payment": Task(Action.POST_PAYMENT, "Post a payment, FIFO or SPEC (postPayment)."),
    "refund_payment": Task(Action.REFUND_PAYMENT, "Refund a payment's unapplied credit (refundPayment)."),
    "reverse_payment": Task(Action.REVERSE_PAYMENT, "Record a returned (NSF) payment (reversePayment)."),
    "reverse_charges": Task(Action.REVERSE_INVOICE_CHARGES, "Reverse invoice charges (reverseInvoiceCharges)."),
    "create_adjustment": Task(Action.CREATE_ADJUSTMENT,
                              "Post an adjustment up to the client's threshold (createAdjustment)."),
    "approve_large_adjustment": Task(Action.APPROVE_LARGE_ADJUSTMENT,
                                     "Post an adjustment above the client's threshold (createAdjustment; "
                                     "refused with ADJUSTMENT_NEEDS_TEAM_LEAD)."),
    "manage_special_charges": Task(Action.MANAGE_SPECIAL_CHARGES,
                                   "Add or remove pending special charges (createSpecialCharge, removeSpecialCharge)."),
    "email_billing_documents": Task(Action.EMAIL_BILLING_DOCUMENT,
                                    "Email an invoice or the AR history (emailInvoice, emailArHistory)."),
    "update_settings": Task(Action.UPDATE_SETTINGS, "Change autopay and paperless (updateCustomerSettings)."),
    "set_dunning_hold": Task(Action.SET_DUNNING_HOLD,
                             "Place or release a dunning hold (placeDunningHold, releaseDunningHold)."),
    "enroll_utility_account": Task(Action.ENROLL_CUSTOMER,
                                   "Enroll one more utility account for the customer (enrollUtilityAccount)."),
}

# Actions that are no task on one customer, so the bar never shows them; each has its own place.
NOT_ON_ONE_CUSTOMER: frozenset[Action] = frozenset({
    Action.CREATE_MASTER_CUSTOMER,  # creates a customer; no customer yet
    Action.ASSIGN_CUSTOMERS_TO_MASTER,  # hierarchy management across many customers
    Action.UPDATE_OWN_PREFERENCES,  # the viewer's own settings
    Action.BULK_ADD_NOTE,  # many accounts at once
    Action.BULK_DUNNING_HOLD,  # many accounts at once
    Action.RECORD_MARKET_RESPONSE,  # the market integration's path
    Action.IMPORT_USAGE,  # a utility's usage file, many accounts
    Action.RUN_BILLING,  # the client's billing run
    Action.EXPORT_DATA,  # whole-client CSV exports (GET /files/exports/*.csv)
    Action.MANAGE_REFERENCE_DATA,  # the client's rates (rate plans, delivery charges, sales tax)
    Action.ASSIGN_TICKET,  # queue work on a ticket (Ticket, not Customer)
    Action.CLOSE_TICKET,  # queue work on a ticket (Ticket, not Customer)
    Action.VIEW_USERS,  # the client's users, not its customers
    Action.MANAGE_USERS,  # the client's users, not its customers
    Action.CONFIGURE_SIGN_IN,  # the client's identity provider
    Action.IMPORT_CUSTOMERS,  # a file of many customers
})


def _actions_type() -> type:
    """A class with one described Boolean field per task, in table order."""
    namespace: dict[str, object] = {"__annotations__": dict.fromkeys(TASKS, bool)}
    namespace.update({name: strawberry.field(description=task.description) for name, task in TASKS.items()})
    namespace["__doc__"] = "Which common tasks the viewer may perform on a customer."
    return type("CustomerActions", (), namespace)


CustomerActions = strawberry.type(
    _actions_type(),
    description="Which common tasks the viewer may perform on this customer: each is true exactly when the "
    "task's mutation would not refuse the viewer's role (FORBIDDEN; ADJUSTMENT_NEEDS_TEAM_LEAD for a large "
    "adjustment). The mutation's other checks (amounts, status, input) still apply.",
)


@cache
def customer_actions(role: Role) -> object:
    """The viewer's CustomerActions: an instance of the class built above (`object` to a type checker), one per
    role (the role decides every task, and nothing changes the instance)."""
    return CustomerActions(**{name: can(role, task.action) for name, task in TASKS.items()})


@SplitBatch
def viewer_actions(scope: RequestScope, ids: Sequence[int]) -> tuple[list[Query], ValuesOf]:
    """The viewer's CustomerActions for each customer, for a compiled plan (columns.Derived): the same for all, from
    the request's role, no statement."""
    actions = [customer_actions(scope.viewer.role)] * len(ids)
    return [], lambda _: actions


def same_actions(actions: object) -> object:
    return actions
