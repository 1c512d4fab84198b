"""The schema: every domain's queries and mutations, with limits, caches and masking."""

from dataclasses import dataclass

import strawberry
from graphql import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig

from graph.accounts.enrollment_mutations import EnrollmentMutations
from graph.accounts.mutations import AccountMutations
from graph.accounts.queries import AccountQueries
from graph.admin.mutations import AdminMutations
from graph.admin.queries import AdminQueries
from graph.admin.user_mutations import UserMutations
from graph.billing.mutations import BillingMutations
from graph.billing.queries import BillingQueries
from graph.billing.rate_mutations import RateMutations
from graph.billing.rate_queries import RateQueries
from graph.commlog.bulk_notes.mutations import BulkNoteMutations
from graph.commlog.bulk_notes.queries import BulkNoteQueries
from graph.commlog.letters.mutations import LetterMutations
from graph.commlog.letters.queries import LetterQueries
from graph.commlog.mutations import CommlogMutations
from graph.commlog.queries import CommlogQueries
from graph.commlog.subscriptions import CommlogSubscriptions
from graph.core.scalars import SCALARS
from graph.core.text_arguments import RefuseInvalidTextArguments
from graph.customers.imports.mutations import CustomerImportMutations
from graph.customers.imports.queries import CustomerImportQueries
from graph.customers.mutations import CustomerMutations
from graph.customers.queries import CustomerQueries
from graph.customers.settings.mutations import CustomerSettingsMutations
from graph.masking import MaskUnexpectedErrors, QuietSchema
from graph.nodes import NodeQueries
from graph.operations import NoSubscriptionOverHttp, OneOperation
from graph.settings import Settings
from graph.tickets.mutations import TicketMutations
from graph.tickets.queries import TicketQueries

CACHE_SIZE = 1024  # distinct documents kept parsed and validated


@strawberry.type(description="Read operations.")
class Query(NodeQueries, AdminQueries, CustomerQueries, AccountQueries, CommlogQueries, BulkNoteQueries, LetterQueries,
            BillingQueries, RateQueries, TicketQueries, CustomerImportQueries):
    pass


@strawberry.type(description="Write operations. Each takes one `input` and returns a payload with `userErrors`.")
class Mutation(CustomerMutations, AdminMutations, UserMutations, CommlogMutations, BulkNoteMutations, LetterMutations,
               AccountMutations, BillingMutations, RateMutations, TicketMutations, CustomerSettingsMutations,
               EnrollmentMutations, CustomerImportMutations):
    pass


@strawberry.type(description="Live updates over graphql-transport-ws on /graphql (token in connection_init).")
class Subscription(CommlogSubscriptions):
    pass


@dataclass(frozen=True)
class DocumentLimits:
    """What a document is checked against besides the schema: the limiters' rules and the token limit.

    The same for a document sent as text (the extensions below) and one registered (graph/persisted/known.py).
    """

    rules: tuple[type[ASTValidationRule], ...]  # added to graphql-core's specified rules
    max_tokens: int


def document_limits(settings: Settings) -> DocumentLimits:
    # The limiters' rule classes are made once: ValidationCache is keyed by the rules, so rules
    # made per request (as QueryDepthLimiter and MaxAliasesLimiter do) would never hit it.
    rules = [depth_rule(settings.max_depth, None, None), alias_rule(settings.max_aliases)]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)  # as strawberry's DisableIntrospection adds it
    return DocumentLimits(tuple(rules), settings.max_tokens)


def make_schema(settings: Settings | None = None) -> QuietSchema:
    limits = settings or Settings(database_url="", secret="")
    checked = document_limits(limits)
    extensions = [
        lambda: AddValidationRules(list(checked.rules)),
        lambda: MaxTokensLimiter(max_token_count=checked.max_tokens),
        MaskUnexpectedErrors,
        RefuseInvalidTextArguments,
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        OneOperation,  # after ValidationCache (see its docstring)
        NoSubscriptionOverHttp,  # after ValidationCache too
    ]
    # sort_schema is off: its sorted copy loses the enum type that prints enum default values.
    config = StrawberryConfig(disable_field_suggestions=not limits.introspection, scalar_map=SCALARS)
    return QuietSchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions, config=config
    )
