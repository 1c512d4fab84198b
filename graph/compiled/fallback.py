"""Per-field fallback (docs/compiled-plans.md, step 3): the fields of an object level that declare nothing (Strawberry
resolvers: balance, alerts, viewerCan, settings, hierarchyTrail, ...) are resolved by graphql-core's own executor on
the object the type's generated `from_row` builds from the level's row, with the request's context (its loaders, its
scope), and their completed values are spliced into the plan's answer in selection order.

All of one level's fallback fields, for all of its rows, run on one executor per request at once (so the loaders
batch across rows, as on the executor's path). An error in any of them, or a null that propagates, makes the plan
give way: the executor answers the whole request, so the error entries stay its bytes.

graphql-core 3.3 documents `Executor.build` and `collected_errors`; `execute_fields` (the executor's own "execute a
selection set on this object") is marked private there: tests/api/persisted/test_compiled.py pins what is used.
"""

from asyncio import gather
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from inspect import getattr_static
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLObjectType, GraphQLSchema
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path
from strawberry.execution import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.compiled.selections import GiveWay, Unplannable
from graph.core.columns import FromRow

# The app schema's execution_context_class (Strawberry's default; make_schema sets no other: a test pins it)
EXECUTOR: type[Executor] = StrawberryGraphQLCoreExecutionContext


@dataclass(frozen=True)
class Fallback:
    """The fields of one object level that the executor resolves, on the objects its rows build."""

    index: int  # in the plan's Found: row id -> {response key: completed value}
    parent: GraphQLObjectType
    make: Callable[[Any], Any]  # the type's generated from_row
    fields: dict[str, list[FieldDetails]]  # by response key, in selection order (graphql-core's GroupedFieldSet)
    path: tuple[str, ...]  # the response keys down to the level (list indexes are not known here)


def details(nodes: Sequence[FieldNode]) -> list[FieldDetails]:
    """A response key's field nodes as graphql-core collects them (no @defer, no fragment variables: a plan has
    neither)."""
    return [FieldDetails(node, None) for node in nodes]


def generated_from_row(origin: type, where: str) -> Callable[[Any], Any]:
    """The type's from_row generated from its declarations (graph/core/columns.py), which reads the row's columns
    only; a hand-written one may want an ORM object, so a type without the generated one has no fallback."""
    if not isinstance(getattr_static(origin, "from_row", None), FromRow):
        raise Unplannable(f"{where}: a resolver on {origin.__name__}, which has no generated from_row")
    made: Callable[[Any], Any] = origin.from_row  # type: ignore[attr-defined]  # FromRow.__get__
    return made


def whole_row(model: Any) -> dict[str, Any]:
    """Every column of `model`, keyed by its attribute: what a resolver may read of `self.row`."""
    return {prop.key: getattr(model, prop.key) for prop in model.__mapper__.column_attrs}


class Fallbacks:
    """One request's executor for its plan's fallback fields, built on first use as `execute` builds it."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, context: Any,
                 variables: dict[str, Any] | None):
        self.schema, self.document, self.operation_name = schema, document, operation_name
        self.context, self.variables = context, variables
        self._executor: Executor | None = None

    def executor(self) -> Executor:
        if self._executor is None:
            built = EXECUTOR.build(self.schema, self.document, None, self.context, self.variables, self.operation_name,
                                   is_awaitable=optimized_is_awaitable)  # type: ignore[arg-type]  # as fast_path
            if isinstance(built, list):
                raise GiveWay("the executor refused the variables")
            self._executor = built
        return self._executor

    async def run(self, fallback: Fallback, rows: Sequence[Any]) -> dict[Any, dict[str, Any]]:
        """The fallback fields' completed values of each row's object, by row id."""
        executor = self.executor()
        path: Path | None = None
        for key in fallback.path:
            path = Path(path, key, None)
        results: dict[Any, Any] = {}
        try:
            for row in rows:
                if row.id not in results:
                    results[row.id] = executor.execute_fields(fallback.parent, fallback.make(row), path,
                                                              fallback.fields, None)
        except Exception as error:  # a null that propagated, located: the executor words it
            raise GiveWay(f"{'.'.join(fallback.path)}: {error}") from None
        waiting = [key for key, value in results.items() if optimized_is_awaitable(value)]
        if waiting:
            done = await gather(*(results[key] for key in waiting), return_exceptions=True)
            for key, value in zip(waiting, done, strict=True):
                if isinstance(value, BaseException):
                    raise GiveWay(f"{'.'.join(fallback.path)}: {value}")
                results[key] = value
        if executor.collected_errors.errors:
            raise GiveWay(f"{'.'.join(fallback.path)}: {executor.collected_errors.errors[0].message}")
        return results
