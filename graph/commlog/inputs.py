"""Inputs of the communication log."""

from datetime import date

import strawberry

from db.models import CommLogEntry
from graph.admin.enums import CommLogKind
from graph.core.text import client_mutation_id_field, text_field
from resolvers.commlog.entries import MAX_NOTE_TEXT


@strawberry.input(
    description="A note in the notes-policy shape (seed 003). Use the structured fields, or a free-form body."
)
class NoteInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer whose log gets the note.")
    utility_account_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer's utility account the note is about."
    )
    kind: CommLogKind = strawberry.field(
        default=CommLogKind.NOTE, description="NOTE by default; CALL for a logged call."
    )
    category: str | None = text_field("The client's category.", CommLogEntry.category, default=None)
    disposition: str | None = text_field("A code from `dispositions`.", CommLogEntry.disposition, default=None)
    subject: str | None = text_field("Short subject.", CommLogEntry.subject, default=None)
    body: str | None = text_field("Free-form note text.", MAX_NOTE_TEXT, default=None)
    contact_name: str | None = text_field("Who the CSR spoke with.", CommLogEntry.contact_name, default=None)
    relationship: str | None = text_field("Relationship to the account holder, when not the holder.",
                                          CommLogEntry.relationship, default=None)
    is_account_holder: bool | None = strawberry.field(default=None, description="The contact is the account holder.")
    reason: str | None = text_field("The customer's issue, or why they were contacted.", MAX_NOTE_TEXT, default=None)
    resolution: str | None = text_field("Actions, promises, amounts, timeframes, changes from-to.", MAX_NOTE_TEXT,
                                        default=None)
    additional_info: str | None = text_field("Anything else relevant to future contacts.", MAX_NOTE_TEXT, default=None)
    follow_up: str | None = text_field("Callbacks, escalations, commitments.", MAX_NOTE_TEXT, default=None)
    follow_up_due: date | None = strawberry.field(default=None, description="When the follow-up is due.")
    critical: bool = strawberry.field(
        default=False, description='Affects handling for the life of the account ("Customer only speaks Spanish").'
    )


@strawberry.input(description="Add a note to a customer's communication log.")
class AddNoteInput(NoteInput):
    client_mutation_id: str | None = client_mutation_id_field()


@strawberry.input(description="Append a memo to an existing entry.")
class AddMemoInput:
    entry_id: strawberry.ID = strawberry.field(description="The communication-log entry.")
    text: str = text_field("The memo.", MAX_NOTE_TEXT)
    client_mutation_id: str | None = client_mutation_id_field()
