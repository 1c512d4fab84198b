"""Mutation payloads through compiled plans (docs/compiled-plans.md, section 14).

A mutation's effects are its resolver's, run by graphql-core's executor exactly as on the executor's path (the same
transaction, userErrors, errors, events; root fields one after another): the plan never runs a resolver of the
Mutation type itself. What it takes over is the completion of the payload a root field returned, after the effects
committed (graph/core/errors.py: run_mutation commits before it returns the payload):

- an object the payload holds of a type the plan can start from (a Node whose declared columns name one table:
  Payment, CommLogEntry, Ticket, Customer, ...) is read again by its id through the plan's own statements, one per
  level (`SELECT <the selected columns> FROM <its table> WHERE id IN :keys AND client_id = ...`, the statement a
  reference level runs), and the levels below it as in a query's plan (allocations, an invoice, createdBy);
- the payload's plain values (replayed, clientMutationId, userErrors, findings, an object of plain attributes) are
  completed from the payload object as the executor completes them: the GraphQL type's `serialize`, lists, nulls;
- a field of the payload with a resolver is resolved by the executor on the payload object (a second executor of the
  same document, `execute_fields`, as graph/compiled/fallback.py runs a level's resolvers).

Anything unusual gives way for that payload: a null where the schema says non-null, an error in a field the executor
resolves, an object the plan's statement does not find, an unexpected exception. Giving way is not re-running the
operation: the executor that ran the resolver completes the payload value it already holds (`complete_value`, its own
path), so the effects run exactly once whichever way the payload is answered. An error the resolver raised, or a null
payload, never reaches the plan: the executor words it.

The seam is `PayloadExecutor.complete_value` (graphql-core's own step between a field's resolver and its selection):
graphql-core marks it private; tests/api/persisted/test_payloads.py pins its parameters.
"""

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from inspect import getattr_static
from operator import attrgetter
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.pyutils import Path
from strawberry.execution import optimized_is_awaitable

from db.engine import connection_on_loop_thread
from db.sqlite_driver import rows_in_one_hop, rows_on_loop_thread
from graph.compiled.fallback import EXECUTOR, Fallbacks, details
from graph.compiled.objects import (
    BACKREF,
    Found,
    Levels,
    Query,
    Reader,
    ReferenceLevel,
    fill,
    items,
    of_attribute,
    plain_attribute,
)
from graph.compiled.plan import Leased, Planned
from graph.compiled.selections import GiveWay, Selected, Selections, Unplannable
from graph.core.columns import Column, FromRow, declared
from graph.core.relay import Node, from_global_id
from graph.logs import fields

log = logging.getLogger("csrgraph.plans")
Complete = Callable[[Any, Found], Any]  # (the in-memory value, the levels read) -> the completed value


@dataclass(eq=False)
class KeyedLevel(ReferenceLevel):
    """A reference level whose keys come from the payload's objects, not from a parent row."""

    level_type: str = ""

    async def read(self, keys: list[Any], found: Found, reader: Reader) -> None:
        children = await reader.run(self.statement(reader.scope), {"keys": sorted(set(keys))})
        if len(children) != len(set(keys)):  # gone since the effects (or never readable): the executor's objects
            raise GiveWay(f"{self.level_type}: a row the plan does not find")
        await fill(self.level, children, found, reader)
        found[self.index] = {child.id: self.level.build(child, found) for child in children}


@dataclass(eq=False)
class PayloadPlan:
    """Completes the payload one root mutation field returned."""

    key: str  # the root field's response key
    payload_type: GraphQLObjectType
    origin: type  # its Strawberry class
    parts: list[tuple[str, Complete | None]]  # by response key, in selection order; None: the executor resolves it
    keyed: list[tuple[KeyedLevel, Callable[[Any], Iterable[Any]]]]  # each level and the keys a payload holds
    executed: dict[str, list[FieldDetails]]  # the fields the executor resolves on the payload object

    async def complete(self, payload: Any, reader: Reader, found: Found, fallbacks: Fallbacks) -> dict[str, Any]:
        for level, keys in self.keyed:
            await level.read(list(keys(payload)), found, reader)
        if reader.release is not None:
            await reader.release()  # the executor's fields read through the request's loaders (plan.Leased)
        resolved = await self._executed(payload, fallbacks) if self.executed else {}
        return {key: resolved[key] if complete is None else complete(payload, found) for key, complete in self.parts}

    async def _executed(self, payload: Any, fallbacks: Fallbacks) -> dict[str, Any]:
        executor = fallbacks.executor()
        result: Any = executor.execute_fields(self.payload_type, payload, Path(None, self.key, None), self.executed,
                                              None)
        resolved: dict[str, Any] = await result if optimized_is_awaitable(result) else result
        if executor.collected_errors.errors:
            raise GiveWay(f"{self.key}: {executor.collected_errors.errors[0].message}")
        return resolved


class PayloadExecutor(EXECUTOR):  # type: ignore[misc,valid-type]  # the app schema's executor class
    """The executor of a planned mutation: runs the operation as graphql-core does, and completes the payloads its
    plan knows through the plan, falling back on its own completion of the same value."""

    plan: "MutationPlan"
    given: dict[str, Any] | None
    _own: set[str]
    planned: int  # this request's payloads the plan completed
    gave_way: int  # and those it gave way on (the executor completed them)

    def complete_value(self, return_type: GraphQLOutputType, field_details_list: Any, info: Any, path: Path,
                       result: Any, position_context: Any) -> Any:
        payload = self.plan.payloads.get(str(path.key)) if path.prev is None else None
        if payload is None or path.key in self._own or not isinstance(result, payload.origin):
            return super().complete_value(return_type, field_details_list, info, path, result, position_context)
        self._own.add(str(path.key))  # its completion, if it comes to it, is the executor's own from here on
        return self._planned(payload, return_type, field_details_list, info, path, result, position_context)

    async def _planned(self, payload: PayloadPlan, return_type: GraphQLOutputType, field_details_list: Any,
                       info: Any, path: Path, result: Any, position_context: Any) -> Any:
        context = self.context_value
        leased = Leased(context.sessionmaker.kw["bind"])  # the read engine, as a query's plan reads
        fallbacks = Fallbacks(self.schema, self.plan.document, self.plan.name, context, self.given)
        reader = Reader(context.scope, _runner(leased), getattr(context, "reference_cache", None),
                        self.variable_values, fallbacks, leased.release, _many(leased))
        try:
            completed = await payload.complete(result, reader, [{} for _ in range(self.plan.references)], fallbacks)
            self.planned += 1
            return completed
        except GiveWay:
            pass
        except Exception:  # the executor's completion answers, and masks what it meets under the request id
            log.warning("payload plan gave way", exc_info=True, extra=fields(operation=self.plan.name))
        finally:
            await leased.release()
        self.plan.gave_way += 1
        self.gave_way += 1
        completed = super().complete_value(return_type, field_details_list, info, path, result, position_context)
        return await completed if self.is_awaitable(completed) else completed


# The most objects of a payload read by id on the event loop's thread (`_runner`): a bulk mutation's payload (the
# customers assigned to a master) may hold more, and reading those must not pause the worker.
INLINE_KEYS = 100


def _runner(connection: Leased) -> Callable[..., Awaitable[list[Any]]]:
    """The payload's objects by id (KeyedLevel): a few rows by the primary key, read on SQLite on the event loop's
    thread as a query plan's node(id:) is (plan.BY_KEY): the hop to the driver's thread and back cost more than the
    read, and it was all the plan added to a small payload (the executor completes the objects it holds)."""
    async def run(statement: Any, parameters: dict[str, Any]) -> list[Any]:
        held = await connection.connected()
        if len(parameters["keys"]) > INLINE_KEYS:
            return list((await held.execute(statement, parameters)).all())
        async with connection_on_loop_thread(held) as raw:
            if raw is not None:  # prepared once, as a query plan's reads by key are (plan.CompiledPlan._read)
                return await rows_on_loop_thread(held, raw, statement, parameters)
            return list((await held.execute(statement, parameters)).all())
    return run


def _many(connection: Leased) -> Callable[[Sequence[Query]], Awaitable[list[list[Any]]]]:
    """One depth's statements in one call, as a query's plan runs them (plan.py: on SQLite one hop)."""
    async def run_many(queries: Sequence[Query]) -> list[list[Any]]:
        held = await connection.connected()
        rows = await rows_in_one_hop(held, queries)
        if rows is not None:
            return rows
        return [list((await held.execute(statement, parameters)).all()) for statement, parameters in queries]
    return run_many


@dataclass(eq=False)
class MutationPlan:
    """Runs one mutation operation of a known document on the executor, its payloads completed by their plans."""

    schema: GraphQLSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    payloads: dict[str, PayloadPlan]  # by root response key
    references: int  # the size of Found
    compiled_fields: tuple[str, ...]
    fallbacks: tuple[str, ...] = ()  # what the executor answers: root fields without a payload plan, resolvers
    gave_way: int = field(default=0, compare=False)  # payloads the executor completed (tests read it)

    @property
    def name(self) -> str | None:
        return self.operation.name.value if self.operation.name else None

    async def __call__(self, context: Any, variables: dict[str, Any] | None) -> ExecutionResult | None:
        executor = PayloadExecutor.build(self.schema, self.document, None, context, variables, self.name,
                                         is_awaitable=optimized_is_awaitable)
        if isinstance(executor, list):  # nothing ran: the executor words the variables' errors
            self.gave_way += 1
            return None
        executor.plan, executor.given, executor._own = self, variables, set()
        executor.planned = executor.gave_way = 0
        result = executor.execute_operation()
        done: ExecutionResult = await result if optimized_is_awaitable(result) else result
        return MutationResult(done.data, done.errors, done.extensions, plan=_answered(executor))


class MutationResult(ExecutionResult):
    """A planned mutation's result, with what its plan answered for the request line (`plan`, graph/request_log.py):
    "compiled" when the plan completed every payload that reached it, "partial" when it gave way on some of them, None
    when it completed none (it gave way, or no payload reached it: the resolver's error, a null payload), so that the
    line says no plan, as for a query whose plan gave way."""

    __slots__ = ("plan",)

    def __init__(self, data: dict[str, Any] | None, errors: Any, extensions: dict[str, Any] | None, *,
                 plan: str | None) -> None:
        super().__init__(data, errors, extensions)
        self.plan = plan


def _answered(executor: PayloadExecutor) -> str | None:
    if not executor.planned:
        return None
    return "partial" if executor.gave_way else "compiled"


def plan_mutation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                  shape: tuple[Any, ...]) -> Planned:
    """The plan of a mutation: a payload plan for each root field whose payload it can complete; none when it
    can complete no payload (the reasons)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    levels = Levels(Selections(schema, fragments), shape)
    mutation = schema.mutation_type
    assert mutation is not None  # a mutation validated against the schema
    payloads: dict[str, PayloadPlan] = {}
    reasons: list[str] = []
    try:
        selected_roots = levels.selections.of(mutation, [operation.selection_set], "mutation")
    except Unplannable as reason:
        return Planned(None, (str(reason),))
    for selected in selected_roots:
        if selected.name == "__typename":
            continue  # the executor answers it (a constant)
        marks = len(levels.compiled), len(levels.fallbacks)
        try:
            payloads[selected.key] = _payload(levels, mutation.fields[selected.name].type, selected)
        except Unplannable as reason:
            del levels.compiled[marks[0]:], levels.fallbacks[marks[1]:]
            reasons.append(str(reason))
    if not payloads:
        return Planned(None, tuple(reasons) or ("a mutation without a payload",))
    plan = MutationPlan(schema, document, operation, payloads, levels.references, tuple(levels.compiled),
                        (*levels.fallbacks, *reasons))
    return Planned(plan, ())


def _payload(levels: Levels, type_: GraphQLOutputType, selected: Selected) -> PayloadPlan:
    where = selected.key
    payload_type = get_nullable_type(type_)
    origin = _origin(payload_type)
    if not isinstance(payload_type, GraphQLObjectType) or origin is None:
        raise Unplannable(f"{where}: a payload that is not one Strawberry object")
    parts: list[tuple[str, Complete | None]] = []
    keyed: list[tuple[KeyedLevel, Callable[[Any], Iterable[Any]]]] = []
    executed: dict[str, list[FieldDetails]] = {}
    for part in levels.selections.of(payload_type, selected.selection_sets, where):
        path = f"{where}.{part.key}"
        if part.name == "__typename":
            parts.append((part.key, _constant(payload_type.name)))
            levels.compiled.append(path)
            continue
        graphql_field = payload_type.fields[part.name]
        attribute = plain_attribute(graphql_field, part)
        marks = len(levels.compiled), len(levels.fallbacks)
        try:
            if attribute is None:
                raise Unplannable(f"{path}: a resolver")
            complete = _keyed(levels, graphql_field.type, part, path, attribute, keyed) or \
                levels.plain(graphql_field.type, part.selection_sets, path)
        except Unplannable:  # the executor resolves it on the payload object
            del levels.compiled[marks[0]:], levels.fallbacks[marks[1]:]
            executed[part.key] = details(part.nodes)
            parts.append((part.key, None))
            levels.fallbacks.append(path)
            continue
        parts.append((part.key, of_attribute(attribute, complete)))
        levels.compiled.append(path)
    return PayloadPlan(selected.key, payload_type, origin, parts, keyed, executed)


def _keyed(levels: Levels, type_: GraphQLOutputType, selected: Selected, path: str, attribute: str,
           keyed: list[tuple[KeyedLevel, Callable[[Any], Iterable[Any]]]]) -> Complete | None:
    """The completion of a payload field holding a Node (or a list of them) the plan reads by id; None when the
    field's type is no such Node."""
    named = get_named_type(type_)
    model = _model(named)
    if model is None or not isinstance(named, GraphQLObjectType):
        return None
    nullable = get_nullable_type(type_)
    listed = isinstance(nullable, GraphQLList)
    if isinstance(nullable, GraphQLList) and (not is_non_null_type(nullable.of_type) or
                                              is_list_type(get_nullable_type(nullable.of_type))):
        raise Unplannable(f"{path}: a list that may hold nulls")
    level = levels.object(named, selected.selection_sets, path, model)
    index = levels.number()
    reference = KeyedLevel(index, "id", model, level, (*levels.shape, "payload", index), False, named.name)
    read, index, type_name, non_null = attrgetter(attribute), reference.index, named.name, is_non_null_type(type_)

    origin = _origin(named)

    def key(value: Any) -> Any:  # an object of another class: the executor's is_type_of words it
        ours = origin is not None and isinstance(value, origin)
        decoded = from_global_id(value.id) if ours else None
        if decoded is None or decoded[0] != type_name:
            raise GiveWay(f"{path}: not an id the plan reads")
        return decoded[1]

    def keys(payload: Any) -> list[Any]:
        value = read(payload)
        if value is None:
            return []
        return [key(item) for item in value] if listed else [key(value)]

    keyed.append((reference, keys))

    def one(value: Any, found: Found) -> Any:
        if value is None:
            if non_null:
                raise GiveWay(f"a null in non-null {path}")
            return None
        return found[index][key(value)]

    if not listed:
        return one
    return lambda value, found: None if value is None and not non_null else [one(item, found) for item in
                                                                              items(value, path)]


def _origin(type_: Any) -> type | None:
    definition = getattr(type_, "extensions", {}).get(BACKREF)
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) else None


def _model(type_: Any) -> Any:
    """The table a Node type's objects are rows of: the one class its declared columns belong to, with a generated
    from_row (so the plan's rows build what the executor's objects hold); None for any other type."""
    origin = _origin(type_)
    if origin is None or not issubclass(origin, Node) or not isinstance(getattr_static(origin, "from_row", None),
                                                                        FromRow):
        return None
    definition = type_.extensions[BACKREF]
    tables = {getattr(declaration.expr, "class_", None) for strawberry_field in definition.fields
              if isinstance(declaration := declared(strawberry_field), Column)}
    if len(tables) != 1 or None in tables:
        return None
    model = tables.pop()
    return model if hasattr(model, "id") else None


def _constant(value: Any) -> Complete:
    return lambda _value, _found: value

