"""Root query fields of letters."""

from typing import Annotated

import strawberry

from db.enums import LetterKind as DbKind
from graph.commlog.letters.types import LetterKind, LetterTemplate
from resolvers.commlog.letters import commands as letters


@strawberry.type
class LetterQueries:
    @strawberry.field(description="The client's active letter templates, by kind then name, for the send-letter form.")
    async def letter_templates(
        self, info: strawberry.Info,
        kind: Annotated[LetterKind | None, strawberry.argument(description="Only templates of this kind.")] = None,
    ) -> list[LetterTemplate]:
        async with info.context.session_scope() as scope:
            rows = await letters.list_templates(scope, DbKind(kind.value) if kind else None)
        return [LetterTemplate.from_row(r) for r in rows]
