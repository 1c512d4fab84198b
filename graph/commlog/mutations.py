"""Mutations of the communication log: notes and memos."""

from typing import Annotated, Any

import strawberry

from db.enums import CommLogKind as DbKind
from graph.commlog.inputs import AddMemoInput, AddNoteInput, NoteInput
from graph.commlog.payloads import AddMemoPayload, AddNotePayload
from graph.commlog.types import CommLogEntry, CommLogMemo, NoteFinding
from graph.core.errors import INPUT, run_mutation
from graph.core.relay import decode_id
from resolvers.commlog import entries
from resolvers.context import RequestScope
from resolvers.errors import UserInputError


def new_note(input: NoteInput) -> entries.NewNote:
    """The input as plain Python; IDs decoded (a wrong type or another client's is not found)."""
    account = input.utility_account_id
    return entries.NewNote(
        customer_id=decode_id(input.customer_id, "Customer", "customer_id"),
        utility_account_id=decode_id(account, "UtilityAccount", "utility_account_id") if account else None,
        kind=DbKind(input.kind.value), category=input.category, disposition=input.disposition, subject=input.subject,
        body=input.body, contact_name=input.contact_name, relationship=input.relationship,
        is_account_holder=input.is_account_holder, reason=input.reason, resolution=input.resolution,
        additional_info=input.additional_info, follow_up=input.follow_up, follow_up_due=input.follow_up_due,
        critical=input.critical,
    )


def findings_of(error: UserInputError) -> dict[str, Any]:
    return {"findings": [NoteFinding.from_rule(f) for f in getattr(error, "findings", [])]}


@strawberry.type
class CommlogMutations:
    @strawberry.mutation(
        description="Add a note after a call; returns the notes-policy findings (they block it if the client says so)."
    )
    async def add_note(self, info: strawberry.Info, input: Annotated[AddNoteInput, INPUT]) -> AddNotePayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            entry, findings = await entries.add_note(scope, new_note(input))
            return {"entry": CommLogEntry.from_row(entry), "findings": [NoteFinding.from_rule(f) for f in findings]}

        return await run_mutation(info, AddNotePayload, action, input, on_error=findings_of)

    @strawberry.mutation(description="Append a memo to an existing communication-log entry.")
    async def add_memo(self, info: strawberry.Info, input: Annotated[AddMemoInput, INPUT]) -> AddMemoPayload:
        async def action(scope: RequestScope) -> dict[str, Any]:
            entry_id = decode_id(input.entry_id, "CommLogEntry", "entry_id")
            entry, memo = await entries.add_memo(scope, entry_id, input.text)
            return {"entry": CommLogEntry.from_row(entry), "memo": CommLogMemo.from_row(memo)}

        return await run_mutation(info, AddMemoPayload, action, input)
