"""Inputs of the communication log."""

from datetime import date

import strawberry

from graph.admin.enums import CommLogKind
from graph.customers.inputs import CMID


@strawberry.input(description="A note in the notes-policy shape (seed 003). Use the structured fields, or a free-form body.")
class NoteInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer whose log gets the note.")
    utility_account_id: strawberry.ID | None = strawberry.field(default=None, description="The customer's utility account the note is about.")
    kind: CommLogKind = strawberry.field(default=CommLogKind.NOTE, description="NOTE by default; CALL for a logged call.")  # type: ignore[valid-type]
    category: str | None = strawberry.field(default=None, description="The client's category.")
    disposition: str | None = strawberry.field(default=None, description="A code from `dispositions`.")
    subject: str | None = strawberry.field(default=None, description="Short subject.")
    body: str | None = strawberry.field(default=None, description="Free-form note text.")
    contact_name: str | None = strawberry.field(default=None, description="Who the CSR spoke with.")
    relationship: str | None = strawberry.field(default=None, description="Relationship to the account holder, when not the holder.")
    is_account_holder: bool | None = strawberry.field(default=None, description="The contact is the account holder.")
    reason: str | None = strawberry.field(default=None, description="The customer's issue, or why they were contacted.")
    resolution: str | None = strawberry.field(default=None, description="Actions, promises, amounts, timeframes, changes from-to.")
    additional_info: str | None = strawberry.field(default=None, description="Anything else relevant to future contacts.")
    follow_up: str | None = strawberry.field(default=None, description="Callbacks, escalations, commitments.")
    follow_up_due: date | None = strawberry.field(default=None, description="When the follow-up is due.")
    critical: bool = strawberry.field(default=False, description="Affects handling for the life of the account (\"Customer only speaks Spanish\").")


@strawberry.input(description="Add a note to a customer's communication log.")
class AddNoteInput(NoteInput):
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)


@strawberry.input(description="Append a memo to an existing entry.")
class AddMemoInput:
    entry_id: strawberry.ID = strawberry.field(description="The communication-log entry.")
    text: str = strawberry.field(description="The memo.")
    client_mutation_id: str | None = strawberry.field(default=None, description=CMID)
