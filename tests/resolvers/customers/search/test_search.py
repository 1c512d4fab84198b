"""The search panel's resolver: each filter and their combinations find the client's customers only, in the order
asked, the count agrees with the pages, and the row shows the account the search matched."""

import pytest

from db.enums import CustomerKind
from db.enums import EnrollmentStatus as S
from resolvers.customers.search.queries import (
    CustomerOrder,
    CustomerSearch,
    count_customers,
    matched_accounts,
    search_customers,
)
from resolvers.pagination import PageRequest
from tests.factories.accounts import make_account
from tests.factories.customers import make_customer
from tests.resolvers.helpers import code_and_field, read, refused, scope_of

EVERYONE = ["Ann Smith", "Bob Smithers", "Carla Núñez", "Dan Jones", "Eve Adams"]


async def mirror(session, tenant) -> dict:
    """Five customers in different markets, statuses and addresses; returns the LDC numbers by name."""
    ann = await make_customer(session, tenant, "Ann Smith")
    ann_ldc = (await make_account(session, ann, utility="ONCOR", line1="12 Maple Ave")).ldc_account_number
    bob = await make_customer(session, tenant, "Bob Smithers")
    bob_dropped = await make_account(session, bob, utility="PECO", status=S.DROPPED, line1="9 Oak St",
                                     city="Philadelphia", state="PA")
    await make_account(session, bob, utility="ONCOR", status=S.PENDING, line1="77 Elm Rd")
    carla = await make_customer(session, tenant, "Carla Núñez", kind=CustomerKind.COMMERCIAL)
    await make_account(session, carla, utility="CENTERPOINT", line1="500 Maple Blvd")
    dan = await make_customer(session, tenant, "Dan Jones")
    await make_account(session, dan, utility="PPL", city="Allentown", state="PA", line1="3 Hill Ln")
    await make_customer(session, tenant, "Eve Adams", billing=("44 Harbor View", None, "Austin", "TX", "73301"))
    return {"Ann Smith": ann_ldc, "Bob Smithers": bob_dropped.ldc_account_number}


@pytest.fixture
async def panel(session, tenant, other_tenant):
    """The panel's customers, and another client with customers of the same names and addresses."""
    numbers = await mirror(session, tenant)
    await mirror(session, other_tenant)
    await session.commit()
    return numbers


async def found(database, user, search: CustomerSearch, order=CustomerOrder.NAME):
    result = await read(database, user, search_customers, search, order, PageRequest(first=50))
    return [c.name for c in result.rows]


@pytest.mark.parametrize("search, expected", [
    (CustomerSearch(), EVERYONE),
    (CustomerSearch(name="smith"), ["Ann Smith", "Bob Smithers"]),
    (CustomerSearch(name="SMITHERS"), ["Bob Smithers"]),
    (CustomerSearch(name="smi an"), ["Ann Smith"]),
    (CustomerSearch(name="an smi"), ["Ann Smith"]),
    (CustomerSearch(name="smith jo"), []),  # each word of its own customer: no customer has both
    (CustomerSearch(name="nunez"), ["Carla Núñez"]),
    (CustomerSearch(name="j"), ["Dan Jones"]),
    (CustomerSearch(name="zzz"), []),
    (CustomerSearch(address="maple"), ["Ann Smith", "Carla Núñez"]),
    (CustomerSearch(address="harbor view"), ["Eve Adams"]),
    (CustomerSearch(status=S.ACTIVE), ["Ann Smith", "Carla Núñez", "Dan Jones"]),
    (CustomerSearch(market="pa"), ["Bob Smithers", "Dan Jones"]),
    (CustomerSearch(utility="oncor"), ["Ann Smith", "Bob Smithers"]),
    # status and market must hold for one account together: Bob is DROPPED in PA and PENDING in TX
    (CustomerSearch(status=S.DROPPED, market="PA"), ["Bob Smithers"]),
    (CustomerSearch(status=S.DROPPED, market="TX"), []),
    (CustomerSearch(utility="PECO", market="TX"), []),
    (CustomerSearch(name="smith", status=S.PENDING), ["Bob Smithers"]),
    (CustomerSearch(name="smith", address="maple"), ["Ann Smith"]),
    (CustomerSearch(name="smi an", status=S.ACTIVE), ["Ann Smith"]),  # with another filter: the statement's own
    (CustomerSearch(name="smi bo", market="PA"), ["Bob Smithers"]),
    (CustomerSearch(text="jones"), ["Dan Jones"]),
    (CustomerSearch(text="dan jon"), ["Dan Jones"]),
    (CustomerSearch(text="Hill Ln"), ["Dan Jones"]),
])
async def test_filters_find_the_clients_customers_only(database, tenant, panel, search, expected):
    assert await found(database, tenant.agent, search) == expected
    assert await read(database, tenant.agent, count_customers, search) == len(expected)


async def twice(session, tenant) -> None:
    """Customers matching a search more than once: two name words of one prefix, two accounts in one status and
    market; and addresses holding a house number typed, with and without the rest of the term."""
    both = await make_customer(session, tenant, "Smith Smithson")
    await make_account(session, both, line1="4988 Spring Blvd")
    await make_account(session, both, line1="4988 Oak St")
    await make_account(session, await make_customer(session, tenant, "Lee Spring"), line1="14988 Spring Blvd")
    await make_account(session, await make_customer(session, tenant, "Kim Oak"), line1="4988 Oak St")
    await make_account(session, await make_customer(session, tenant, "Ray Pine"), line1="4988 Pine Blvd",
                       status=S.DROPPED)


@pytest.mark.parametrize("search, expected", [
    (CustomerSearch(name="smi"), ["Smith Smithson"]),
    (CustomerSearch(name="smith smiths"), ["Smith Smithson"]),
    (CustomerSearch(name="smiths smith"), ["Smith Smithson"]),
    (CustomerSearch(name="smi s"), ["Smith Smithson"]),  # two of its token rows in the range read, one customer
    (CustomerSearch(name="smith smi", status=S.ACTIVE), ["Smith Smithson"]),
    (CustomerSearch(status=S.ACTIVE, market="TX"), ["Kim Oak", "Lee Spring", "Smith Smithson"]),
    (CustomerSearch(status=S.DROPPED), ["Ray Pine"]),
    (CustomerSearch(address="4988 spring blvd"), ["Lee Spring", "Smith Smithson"]),
    (CustomerSearch(address="4988 Oak"), ["Kim Oak", "Smith Smithson"]),
    (CustomerSearch(address="4988"), ["Kim Oak", "Lee Spring", "Ray Pine", "Smith Smithson"]),
    (CustomerSearch(address="14988 spring"), ["Lee Spring"]),
    (CustomerSearch(address="4988 elm"), []),
    (CustomerSearch(text="4988 pine"), ["Ray Pine"]),
])
async def test_a_customer_matching_twice_is_found_and_counted_once(database, session, tenant, other_tenant, search,
                                                                   expected):
    await twice(session, tenant)
    await twice(session, other_tenant)
    await session.commit()
    assert await found(database, tenant.agent, search) == expected
    assert await read(database, tenant.agent, count_customers, search) == len(expected)
    one = await read(database, tenant.agent, search_customers, search, CustomerOrder.NAME, PageRequest(first=1))
    assert one.total in (None, len(expected))  # counted with the candidates, or left to count_customers


async def test_several_words_read_one_words_token_rows_from_one_index(database, tenant, panel, count_sql):
    """SQLite: "smi an" reads the token rows of one word, its customers' words (migration 0017) testing the other,
    in one statement whose plan is a range of one covering index: no word's customers read whole and intersected."""
    if database.backend != "sqlite":
        pytest.skip("PostgreSQL plans the search statement by itself")
    with count_sql() as counter:
        assert await found(database, tenant.agent, CustomerSearch(name="smi an")) == ["Ann Smith"]
    [tokens] = [s for s in counter.statements if "customer_name_tokens" in s]
    async with database.engine.connect() as connection:
        plan = [row[3] for row in await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {tokens}",
                                                                    (None,) * tokens.count("?"))]
    index = "ix_customer_name_tokens_client_id_token_customer_id_words"
    assert [line for line in plan if "customer_name_tokens" in line] == [
        f"SEARCH customer_name_tokens USING COVERING INDEX {index} (client_id=? AND token>? AND token<?)"], plan


async def test_ldc_numbers_and_customer_numbers_are_exact(database, session, tenant, panel):
    ldc = panel["Ann Smith"]
    assert await found(database, tenant.agent, CustomerSearch(ldc_account_number=f" {ldc} ")) == ["Ann Smith"]
    assert await found(database, tenant.agent, CustomerSearch(ldc_account_number=ldc[:-1])) == []
    assert await found(database, tenant.agent, CustomerSearch(text=ldc)) == ["Ann Smith"]
    eve = await make_customer(session, tenant, "Eve Second")
    await session.commit()
    assert await found(database, tenant.agent, CustomerSearch(text=eve.number)) == ["Eve Second"]


async def test_another_clients_numbers_find_nothing(database, session, tenant, other_tenant, panel):
    theirs = await make_customer(session, other_tenant, "Hidden Person")
    await make_account(session, theirs, ldc="HIDDEN0000001")
    await session.commit()
    for search in (CustomerSearch(ldc_account_number="HIDDEN0000001"), CustomerSearch(text=theirs.number),
                   CustomerSearch(name="hidden")):
        assert await found(database, tenant.agent, search) == []
        assert await found(database, other_tenant.agent, search) == ["Hidden Person"]


async def test_orders_and_pages_agree_with_the_count(database, tenant, panel):
    by_number = await found(database, tenant.agent, CustomerSearch(), CustomerOrder.NUMBER)
    assert by_number == ["Ann Smith", "Bob Smithers", "Carla Núñez", "Dan Jones", "Eve Adams"]  # made in this order
    first = await read(database, tenant.agent, search_customers, CustomerSearch(), CustomerOrder.NAME,
                       PageRequest(first=2))
    rest = await read(database, tenant.agent, search_customers, CustomerSearch(), CustomerOrder.NAME,
                      PageRequest(first=10, after=first.keys[-1]))
    assert [c.name for c in first.rows] + [c.name for c in rest.rows] == EVERYONE
    assert (first.has_next, rest.has_next, rest.has_previous) == (True, False, True)


@pytest.mark.parametrize("search, field", [
    (CustomerSearch(name="!!"), ["search", "name"]),
    (CustomerSearch(name="   "), ["search", "name"]),
    (CustomerSearch(address="ma"), ["search", "address"]),
    (CustomerSearch(address=" - "), ["search", "address"]),
])
async def test_terms_too_short_to_search_are_refused_with_their_field(database, tenant, panel, search, field):
    error = await refused(database, tenant.agent, search_customers, search, CustomerOrder.NAME, PageRequest())
    assert code_and_field(error) == ("SEARCH_TERM_TOO_SHORT", field)


async def test_the_row_shows_the_account_the_search_matched(database, tenant, panel):
    async def shown(search: CustomerSearch) -> list[tuple[str, S]]:
        async with database.sessionmaker() as session:
            scope = scope_of(tenant.agent, session)
            page = await search_customers(scope, search, CustomerOrder.NAME, PageRequest(first=50))
            accounts = await matched_accounts(scope, search, [c.id for c in page.rows])
        return [(c.name, a.status if a else None) for c, a in zip(page.rows, accounts, strict=True)]

    # a DROPPED search shows Bob's DROPPED account; a plain name search his primary (PENDING) one
    assert await shown(CustomerSearch(status=S.DROPPED)) == [("Bob Smithers", S.DROPPED)]
    assert await shown(CustomerSearch(name="smithers")) == [("Bob Smithers", S.PENDING)]
    assert await shown(CustomerSearch(ldc_account_number=panel["Bob Smithers"])) == [("Bob Smithers", S.DROPPED)]
    assert await shown(CustomerSearch(name="adams")) == [("Eve Adams", None)]
