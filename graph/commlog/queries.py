"""Root query fields of the communication log."""

from typing import Annotated

import strawberry

from graph.commlog.inputs import NoteInput
from graph.commlog.mutations import new_note
from graph.commlog.types import NoteFinding
from graph.core.errors import client_error
from graph.core.text import check_input
from resolvers.commlog import batches, entries
from resolvers.errors import UserInputError


@strawberry.type(description="A disposition: what a contact was about, from the client's list.")
class Disposition:
    code: str = strawberry.field(description="Code to pass as `disposition`.")
    label: str = strawberry.field(description="Display label.")


@strawberry.type
class CommlogQueries:
    @strawberry.field(description="The notes-policy findings for a draft note, saving nothing.")
    async def check_note(
        self, info: strawberry.Info, input: Annotated[NoteInput, strawberry.argument(description="The draft note.")]
    ) -> list[NoteFinding]:
        try:
            check_input(input, info.schema.config.name_converter)  # the limits addNote holds it to
            note = new_note(input)
        except UserInputError as error:
            raise client_error(error, info, input) from None
        async with info.context.session_scope() as scope:
            return [NoteFinding.from_rule(f) for f in await entries.check(scope, note)]

    @strawberry.field(description="The client's dispositions, for the note form.")
    async def dispositions(self, info: strawberry.Info) -> list[Disposition]:
        async with info.context.session_scope() as scope:
            return [Disposition(code=d.code, label=d.label) for d in await batches.list_dispositions(scope)]
