"""The root field `node(id:)` in a plan (CustomerProfile, ArTab, AccountsTab, ... start there): the global ID decoded
as graph/nodes.py decodes it, then one statement for the object's level, tenant-scoped as its loader reads it.

Answered as the executor answers: an ID that is not one of ours (garbage, another spelling, a key out of range) or
names a type that is no Node is null; a Customer of another client, or none, is null (the loader's tenant filter).
An ID of another Node type (an invoice, a ticket) gives way: the executor loads it through that type's loader.
"""

from typing import Any

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema, VariableNode, is_object_type
from graphql.execution.values import VariableValues, get_argument_values
from sqlalchemy import Select, bindparam, select

from db import models
from graph.compiled.objects import Found, GiveWay, Levels, ObjectLevel, Reader, fill
from graph.compiled.search import Answer
from graph.compiled.selections import Selected
from graph.core.relay import from_global_id
from resolvers.context import RequestScope
from resolvers.scope import tenant_scoped
from resolvers.statements import reused

# Node types a plan loads itself, with the table their `load_nodes` reads through `tenant_rows_by_ids` (a test holds
# each type's loader to it); an ID of any other Node type gives way.
NODE_MODELS: dict[str, Any] = {"Customer": models.Customer}


def compile_node(levels: Levels, field: GraphQLField, selected: Selected, where: str) -> Answer:
    """The function answering `node(id:)` for one request; raises Unplannable for what it cannot answer."""
    schema = levels.selections.schema
    compiled: dict[str, tuple[Any, ObjectLevel, tuple[Any, ...]]] = {}
    for name, model in NODE_MODELS.items():
        type_ = schema.get_type(name)
        assert isinstance(type_, GraphQLObjectType)  # a Node type of the schema
        level = levels.object(type_, selected.selection_sets, where, model)
        compiled[name] = (model, level, (*levels.shape, where, name))
    node = selected.nodes[0]
    # `id: $var`: the variable's coerced value is the argument's (as get_argument_values reads it), unless null or
    # missing: then get_argument_values words the error (the plan gives way)
    given = next((argument.value for argument in node.arguments or () if argument.name.value == "id"), None)
    variable = given.name.value if isinstance(given, VariableNode) else None

    async def answer(reader: Reader, variables: VariableValues, found: Found) -> Any:
        value = variables.coerced.get(variable) if variable is not None else None
        if value is None:
            value = get_argument_values(field, node, variables)["id"]
        decoded = from_global_id(value)
        if decoded is None:
            return None
        type_name, key = decoded
        target = compiled.get(type_name)
        if target is None:
            if is_node_type(schema, type_name):
                raise GiveWay(f"{where}: a {type_name}")
            return None
        model, level, shape = target
        rows = await reader.run(_statement(reader.scope, model, level, shape), {"id": key})
        if not rows:
            return None
        await fill(level, rows, found, reader)
        return level.build(rows[0], found)

    return answer


def is_node_type(schema: GraphQLSchema, name: str) -> bool:
    """Whether `name` is an object type implementing Node (graph/nodes.py: node_type, by the executable schema)."""
    type_ = schema.get_type(name)
    return is_object_type(type_) and any(interface.name == "Node" for interface in type_.interfaces)


def _statement(scope: RequestScope, model: Any, level: ObjectLevel, shape: tuple[Any, ...]) -> Select[Any]:
    def build(scope: RequestScope) -> Select[Any]:
        columns = {**level.columns, "id": model.id}
        return tenant_scoped(select(*columns.values()).where(model.id == bindparam("id")), model, scope)
    return reused(scope, shape, build)
