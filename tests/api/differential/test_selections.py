"""Random selections under `customers(...)` (the search grid) answer the same bytes through a compiled plan as the
reference executor answers their text (issue 12: "a property test generates random valid selections over the hot
types").

A document is drawn from the schema's type map (graphql-core's, of the executable schema): the fields without
arguments of the types reachable from the grid, depth-bounded, under aliases, duplicated with their selections split
between the copies, wrapped in inline and named fragments, `__typename` at each level; with search variables
(filters, orders, first/last, cursors). Each one is registered and run by documentId on the app with plans on
(conftest.py), and as text on the reference app. The test holds the planner to what it should compile (fields
the types declare, falling back on the resolvers of types with a generated from_row; no directive, one key for edges,
node and matchedAccount) and, when it compiles, holds the plan
to answering the request itself (the request line's plan=compiled) unless the executor words an error; so it cannot
pass by always falling back.
"""

import itertools
import json
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type, is_leaf_type
from hypothesis import assume, event, given
from hypothesis import strategies as st

from db.enums import CustomerKind, EnrollmentStatus
from graph.logs import fields_of
from graph.persisted.known import DocumentChecker
from tests.api.differential.books import examples
from tests.api.differential.paths import COMPILED
from tests.api.persisted.helpers import GQL, auth, checker, register
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer

SCHEMA = checker().schema
# The types a search row reaches; a drawn selection stays among them.
HOT = ("CustomerSearchConnection", "CustomerSearchEdge", "PageInfo", "Customer", "Address", "UtilityAccount",
       "Premise", "Utility", "Market")
# Fields of the hot types that are Strawberry resolvers, not declarations (graph/core/columns.py): a plan falls back on
# them (graph/compiled/fallback.py), the executor resolving each on the object from_row builds, and what they select
# below is the executor's; Utility has a hand-written from_row, so a selection reaching Utility.market has no plan.
RESOLVED = {("Customer", "primaryAccount"), ("Utility", "market")}
NO_FALLBACK = {"Utility"}
# Fields a plan answers under one response key only (graph/compiled/search.py)
ONE_KEY = {("CustomerSearchConnection", "edges"), ("CustomerSearchEdge", "node"),
           ("CustomerSearchEdge", "matchedAccount")}
MAX_DEPTH = 6  # customers > edges > matchedAccount > utility > market: 5 levels of objects, and one more
# The search's arguments: each one a variable (of these types, a default sometimes), a literal or left out.
VARIABLES = {"search": ["CustomerSearch"], "orderBy": ["CustomerOrder! = NAME", "CustomerOrder = NUMBER"],
             "first": ["Int", "Int = 2"], "after": ["String"], "last": ["Int"], "before": ["String"]}
LITERAL_SEARCH = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["smith", "nunez", "Carla Núñez", "zo", "nobody"]),
    "address": st.sampled_from(["maple", "Elm Rd", "zz"]),
    "status": st.sampled_from([s.name for s in EnrollmentStatus]),
    "market": st.sampled_from(["TX", "PA"]),
    "utility": st.sampled_from(["oncor", "PPL"]),
    "text": st.sampled_from(["Smith", "77 Elm"]),
}).map(lambda given: "{" + ", ".join(f"{k}: {v if k == 'status' else json.dumps(v)}" for k, v in given.items()) + "}")
LITERALS = {"search": LITERAL_SEARCH, "orderBy": st.sampled_from(["NAME", "NUMBER"]),
            "first": st.sampled_from(["0", "1", "2", "10", "101"]), "after": st.just('"not-a-cursor"'),
            "last": st.sampled_from(["1", "3"]), "before": st.just('"not-a-cursor"')}
MAX_ALIASES = 15  # Settings.max_aliases
EXAMPLES = examples(150)


def _fields(type_name: str) -> list[tuple[str, str | None]]:
    """(field, its object type or None for a leaf) of a hot type: the fields without arguments, in schema order."""
    type_ = SCHEMA.type_map[type_name]
    assert isinstance(type_, GraphQLObjectType)
    fields = []
    for name, graphql_field in type_.fields.items():
        named = get_named_type(graphql_field.type)
        if graphql_field.args:
            continue
        if is_leaf_type(named):
            fields.append((name, None))
        elif named.name in HOT:
            fields.append((name, named.name))
    return fields


FIELDS = {name: _fields(name) for name in HOT}


@dataclass
class Entry:
    """One response key of a level: its field and, for an object, the entries below it."""

    key: str
    name: str
    below: list["Entry"] | None
    opaque: bool = False  # below a field the plan falls back on: the executor's, not the planner's


@dataclass
class Drawn:
    """A document as drawn: its text, and what the planner should make of it."""

    text: str = ""
    name: str | None = None  # the operation's
    resolvers: bool = False  # a selected field is a resolver the plan cannot fall back on
    fallen: list[str] = field(default_factory=list)  # the response paths of the fields a plan falls back on
    may_direct: bool = False  # some selections may carry @include/@skip
    directives: bool = False
    twice: bool = False  # edges, node or matchedAccount under two keys
    paths: list[str] = field(default_factory=list)  # the response paths of fields (not __typename) a plan compiles
    fragments: list[str] = field(default_factory=list)
    aliases: int = 0  # as the document limits count them (graph/schema.py: at most 15)

    @property
    def compiles(self) -> bool:
        return not (self.resolvers or self.directives or self.twice)


def _level(draw: Any, type_name: str, depth: int, path: str, drawn: Drawn, resolvers: bool,
           opaque: bool = False) -> list[Entry]:
    choices = [(name, below) for name, below in FIELDS[type_name]
               if (below is None or depth < MAX_DEPTH) and (resolvers or (type_name, name) not in RESOLVED)]
    picked = draw(st.lists(st.sampled_from([*choices, ("__typename", None)]), min_size=1, max_size=5,
                           unique=True))
    entries = []
    for name, below in picked:
        keys = draw(st.sampled_from([(name,)] * 4 + [(f"{name}_a",), (name, f"{name}_b")]))
        if len(keys) > 1 and (type_name, name) in ONE_KEY:
            drawn.twice = True
        resolved = (type_name, name) in RESOLVED and not opaque
        drawn.resolvers |= resolved and type_name in NO_FALLBACK
        for key in keys:
            where = f"{path}.{key}"
            if resolved:
                drawn.fallen.append(where)
            elif name != "__typename" and not opaque:
                drawn.paths.append(where)
            entries.append(Entry(key, name, None if below is None else
                                 _level(draw, below, depth + 1, where, drawn, resolvers, opaque or resolved), opaque))
    return entries


def _render(draw: Any, entries: list[Entry], type_name: str, drawn: Drawn) -> str:
    """The entries as selections: some duplicated with their selections split, some in fragments or directives."""
    out = []
    implements_node = any(i.name == "Node" for i in getattr(SCHEMA.type_map[type_name], "interfaces", ()))
    for entry in entries:
        head = entry.name if entry.key == entry.name else f"{entry.key}: {entry.name}"
        parts: list[list[Entry] | None] = [entry.below]
        if entry.below is not None and len(entry.below) > 1 and draw(st.integers(0, 3)) == 0:
            cut = draw(st.integers(1, len(entry.below) - 1))  # the same key twice, each copy with part of it
            parts = [entry.below[:cut], entry.below[cut:]]
        for part in parts:
            drawn.aliases += entry.key != entry.name
            below_type = None if part is None else get_named_type(
                SCHEMA.type_map[type_name].fields[entry.name].type).name  # type: ignore[union-attr]
            directive = ""
            if drawn.may_direct and draw(st.integers(0, 3)) == 0:
                drawn.directives |= not entry.opaque  # the executor's, below a field the plan falls back on
                directive = draw(st.sampled_from([" @include(if: true)", " @skip(if: false)"]))
            text = head + directive if part is None else \
                f"{head}{directive} {{ {_render(draw, part, below_type, drawn)} }}"  # type: ignore[arg-type]
            wrap = draw(st.sampled_from(["plain", "plain", "plain", "inline", "untyped", "named", "node"]))
            if wrap == "inline":
                text = f"... on {type_name} {{ {text} }}"
            elif wrap == "untyped":
                text = f"... {{ {text} }}"
            elif wrap == "named":
                name = f"F{len(drawn.fragments)}"  # the fragments inside `text` are numbered already
                drawn.fragments.append(f"fragment {name} on {type_name} {{ {text} }}")
                text = f"...{name}"
            elif wrap == "node" and implements_node and entry.name in ("id", "__typename"):
                text = f"... on Node {{ {text} }}"
            out.append(text)
    return " ".join(out)


@st.composite
def documents(draw: Any) -> Drawn:
    """A query (named, anonymous or shorthand) of one or two searches, drawn as the module's docstring says."""
    drawn = Drawn(may_direct=draw(st.integers(0, 5)) == 0)
    resolvers = draw(st.integers(0, 2)) == 0  # most documents keep to declared fields
    roots = [Entry("__typename", "__typename", None)] if draw(st.booleans()) else []
    for key in draw(st.sampled_from([("customers",), ("found",), ("customers", "again")])):
        drawn.paths.append(key)
        roots.append(Entry(key, "customers", _level(draw, "CustomerSearchConnection", 2, key, drawn, resolvers)))
    selections, used = [], {}
    for root in draw(st.permutations(roots)):
        if root.below is None:
            selections.append("__typename")
            continue
        head = "customers" if root.key == "customers" else f"{root.key}: customers"
        drawn.aliases += root.key != "customers"
        arguments = []
        for name, types in VARIABLES.items():
            literal = 1 if name in ("after", "before") else 3  # a literal cursor is a refusal
            how = draw(st.sampled_from(["variable"] * 9 + ["none"] * 3 + ["literal"] * literal))
            if how == "variable":
                used.setdefault(name, draw(st.sampled_from(types)))
                arguments.append(f"{name}: ${name}")
            elif how == "literal":
                arguments.append(f"{name}: {draw(LITERALS[name])}")
        listed = f"({', '.join(arguments)})" if arguments else ""
        selections.append(f"{head}{listed} {{ {_render(draw, root.below, 'CustomerSearchConnection', drawn)} }}")
    assume(drawn.aliases <= MAX_ALIASES)  # a document the limits refuse is not the plan's business
    declared = f"({', '.join(f'${name}: {type_}' for name, type_ in used.items())})" if used else ""
    drawn.name = draw(st.sampled_from(["Drawn", "Drawn", None]))  # an anonymous operation's plan is under None
    head = f"query {drawn.name or ''}{declared} " if drawn.name or used or draw(st.booleans()) else ""
    drawn.text = "\n".join([f"{head}{{ {' '.join(selections)} }}", *drawn.fragments])
    return drawn


@dataclass(frozen=True)
class Roster:
    """The tenant's customers: what searches draw on."""

    ldcs: tuple[str, ...]
    numbers: tuple[str, ...]
    cursors: tuple[str, ...]  # every row's cursor in both orders


NULL_COLUMNS = ("service_line2", "meter_number", "rate_class", "load_profile", "premise_type", "meter_type",
                "read_cycle", "contract_term_months", "start_date", "end_date")
NO_BILLING = (None, None, None, None, None)


@pytest.fixture
async def roster(api, session, tenant, other_tenant) -> Roster:
    """Customers with no account, one, many (every status, utility and market), nulls in every nullable column,
    accents, a master and its children, more than a default page, and another client's namesake: built once for all
    the examples of a test."""
    theirs = await make_customer(session, other_tenant, "Ann Smithson")
    await make_account(session, theirs, utility="ONCOR", line1="12 Maple Ave")
    accounts = []
    ann = await make_customer(session, tenant, "Ann Smith")
    accounts.append(await make_account(session, ann, utility="ONCOR", line1="12 Maple Ave"))
    bob = await make_customer(session, tenant, "Bob Smithers", kind=CustomerKind.COMMERCIAL, is_master=True)
    for n, (status, utility) in enumerate(zip(EnrollmentStatus, itertools.cycle(["PECO", "ONCOR", "PPL",
                                                                                  "CENTERPOINT"]), strict=False)):
        state, city = ("PA", "Philadelphia") if utility in ("PECO", "PPL") else ("TX", "Houston")
        accounts.append(await make_account(session, bob, utility=utility, status=status, line1=f"{n + 1} Elm Rd",
                                           city=city, state=state, start=date(2024, 1, n + 1)))
    carla = await make_customer(session, tenant, "Carla Núñez", email=None, billing=NO_BILLING, master=bob)
    carla.phone = None
    bare = await make_account(session, carla, utility="PPL", status=EnrollmentStatus.PENDING, line1="500 Maple Blvd",
                              city="Allentown", state="PA", end=None)
    for column in NULL_COLUMNS:
        setattr(bare, column, None)
    accounts.append(bare)
    dan = await make_customer(session, tenant, "Dan Jones", billing=("3 Hill Ln", "Unit 4", "Austin", "TX", "73301"),
                              master=bob)
    zoe = await make_customer(session, tenant, "Zoë Ng", email=None, billing=NO_BILLING)
    zoe.phone = None
    for n in range(21):  # past the default page (20) of a search for "smith", half of them with an account
        filler = await make_customer(session, tenant, f"Smith Filler {n:02d}")
        if n % 2:
            accounts.append(await make_account(session, filler, utility="PECO", line1=f"{n} Maple Ct",
                                               city="Philadelphia", state="PA"))
    await session.commit()
    # every row's cursor in both orders, as the reference gives them
    query = "query C($o: CustomerOrder!) { customers(orderBy: $o, first: 100) { edges { cursor } } }"
    cursors = []
    for order in ("NAME", "NUMBER"):
        data = await api.run(query, {"o": order}, user=tenant.agent)
        cursors += [edge["cursor"] for edge in data["customers"]["edges"]]
    return Roster(tuple(a.ldc_account_number for a in accounts),
                  tuple(c.number for c in (ann, bob, carla, dan, zoe)), tuple(cursors))


def searches(roster: Roster) -> st.SearchStrategy[dict[str, Any]]:
    """Search variables: each filter (matching, not matching, refused), both orders, pages from either end and
    cursors (real ones, and garbage)."""
    texts = ["smith", "smi an", "nunez", "Núñ", "zoe", "nobody", "!", "maple", "77 Elm", *roster.numbers[:2],
             roster.ldcs[0], None]
    filters = st.fixed_dictionaries({}, optional={
        "ldcAccountNumber": st.sampled_from([*roster.ldcs, "nothing", None]),
        "name": st.sampled_from(["smith", "smi an", "nunez", "Carla Núñez", "zo", "nobody", "!", "bell\u0007", None]),
        "address": st.sampled_from(["maple", "Elm Rd", "allentown", "zz"]),
        "status": st.sampled_from([s.name for s in EnrollmentStatus]),
        "market": st.sampled_from(["TX", "PA", "XX"]),
        "utility": st.sampled_from(["oncor", "PPL", "nope"]),
        "text": st.sampled_from(texts),
        "bogus": st.just(1),  # not a field of the input: invalid variables
    })
    cursor = st.sampled_from([*roster.cursors, "not-a-cursor"])
    return st.fixed_dictionaries({}, optional={
        "search": st.one_of(st.none(), filters),
        "orderBy": st.sampled_from(["NAME", "NUMBER", None]),
        "first": st.sampled_from([0, 1, 2, 3, 10, 101, -1, None, "2"]),
        "last": st.sampled_from([1, 2, 4]),
        "after": cursor,
        "before": cursor,
    })


class TestRandomSelections:
    @EXAMPLES
    @given(drawn=documents(), data=st.data())
    async def test_a_plan_answers_the_executors_bytes_and_answers_itself_when_it_compiles(
            self, api, database, tenant, roster, caplog, drawn: Drawn, data: Any) -> None:
        variables = data.draw(searches(roster), label="variables")
        named = {"operationName": drawn.name} if drawn.name and data.draw(st.booleans(), label="named") else {}
        known = DocumentChecker(SCHEMA, checker().limits, compiled=True).prepare(drawn.text, trusted=True)
        plan = known.plans.get(drawn.name)
        assert (plan is not None) == drawn.compiles, (drawn.text, known.fallbacks)
        if plan is not None:
            assert set(drawn.paths) <= set(plan.compiled_fields), set(drawn.paths) - set(plan.compiled_fields)
            assert set(drawn.fallen) == set(plan.fallbacks), (drawn.text, plan.fallbacks)

        [document_id] = await register(database, drawn.text)
        headers = auth(tenant.agent, accept=GQL, **{"x-request-id": "drawn"})
        reference = await api.client.post("/graphql", json={"query": drawn.text, "variables": variables, **named},
                                          headers=headers)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="csrgraph.access"):
            body = {"documentId": document_id, "variables": variables, **named}
            planned = await COMPILED[api.client].post("/graphql", json=body, headers=headers)
        assert (planned.status_code, planned.headers["content-type"], planned.content) == \
            (reference.status_code, reference.headers["content-type"], reference.content), drawn.text

        [line] = [fields_of(r) for r in caplog.records if r.name == "csrgraph.access"]
        errors = "errors" in json.loads(reference.content)  # what only the executor words: the plan gives way
        event("not planned" if plan is None else "planned, gave way" if errors else "planned, answered")  # statistics
        if plan is not None and plan.fallbacks:
            event("planned, with fields the executor resolves")
        assert line.get("plan") == ("compiled" if plan is not None and not errors else None), \
            (drawn.text, variables, reference.content)
