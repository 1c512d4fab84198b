"""The fields an operation selects on one object type, as graphql-core's executor collects them: fragments
inlined where their type condition holds, fields of the same response key merged, in document order.

Nothing here depends on a request: a selection with @skip or @include (whose fields depend on variables) is not
planned, and the operation runs on the executor.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    is_abstract_type,
)


class Unplannable(Exception):
    """What a plan cannot compile; the message names where (a plan's `fallbacks`)."""


class GiveWay(Exception):
    """A request the plan leaves to the executor: an error only the executor words (a null in a non-null field,
    a refused argument, an error in a field it falls back on), so the answer stays the reference's."""


@dataclass(frozen=True)
class Selected:
    """One response key of a level: its field's name and every node that asks for it (merged)."""

    key: str
    name: str
    nodes: tuple[FieldNode, ...]

    @property
    def selection_sets(self) -> list[SelectionSetNode]:
        return [node.selection_set for node in self.nodes if node.selection_set is not None]


@dataclass(frozen=True)
class Selections:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]

    def of(self, type_: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode], where: str) -> list[Selected]:
        """The fields selected on `type_` by these selection sets (`where`: the path, for messages)."""
        found: dict[str, list[FieldNode]] = {}

        def applies(condition: NamedTypeNode | None) -> bool:  # graphql-core's does_fragment_condition_match
            if condition is None:
                return True
            conditional = self.schema.get_type(condition.name.value)
            if conditional is type_:
                return True
            return is_abstract_type(conditional) and self.schema.is_sub_type(conditional, type_)

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if selection.directives:
                    raise Unplannable(f"{where}: a directive")
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    found.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if applies(selection.type_condition):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments[selection.name.value]
                    if applies(fragment.type_condition):
                        visit(fragment.selection_set)

        for selection_set in selection_sets:
            visit(selection_set)
        return [Selected(key, nodes[0].name.value, tuple(nodes)) for key, nodes in found.items()]
