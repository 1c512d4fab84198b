"""The schema: every domain's queries and mutations, with limits, caches and masking."""

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from graph.accounts.queries import AccountQueries
from graph.admin.mutations import AdminMutations
from graph.admin.queries import AdminQueries
from graph.customers.mutations import CustomerMutations
from graph.customers.queries import CustomerQueries
from graph.masking import MaskUnexpectedErrors
from graph.nodes import NodeQueries
from graph.settings import Settings

CACHE_SIZE = 1024  # distinct documents kept parsed and validated


@strawberry.type(description="Read operations.")
class Query(NodeQueries, AdminQueries, CustomerQueries, AccountQueries):
    pass


@strawberry.type(description="Write operations. Each takes one `input` and returns a payload with `userErrors`.")
class Mutation(CustomerMutations, AdminMutations):
    pass


def make_schema(settings: Settings | None = None) -> strawberry.Schema:
    limits = settings or Settings(database_url="", secret="")
    extensions = [
        lambda: QueryDepthLimiter(max_depth=limits.max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
    ]
    if not limits.introspection:
        extensions.append(DisableIntrospection)
    # sort_schema is off: its sorted copy loses the enum type that prints enum default values.
    config = StrawberryConfig(disable_field_suggestions=not limits.introspection)
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions, config=config)
