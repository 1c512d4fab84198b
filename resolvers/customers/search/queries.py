"""The search panel: customers by LDC number, name, address, status, market, utility or text."""

import enum
import json
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    column,
    distinct,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import QueryableAttribute

from db.enums import EnrollmentStatus
from db.models import Customer, CustomerNameToken, Market, Utility, UtilityAccount
from db.search_keys import ADDRESS_ROWID_CLIENT, address_key, fold, name_tokens, prefix_upper_bound, word_start
from resolvers.accounts.batches import best_by_customer
from resolvers.context import RequestScope
from resolvers.customers.errors import CustomerErrorCode
from resolvers.errors import UserInputError
from resolvers.pagination import Column, Key, Page, PageRequest, count_rows, keyset_page, to_page
from resolvers.scope import tenant_id_of, tenant_scoped
from resolvers.statements import reused

# Trigram indexes (FTS5 and pg_trgm) cannot serve a substring shorter than a trigram.
MIN_ADDRESS_TERM = 3

# SQLite answers `id IN (candidates) ORDER BY name LIMIT 21` by reading and sorting every
# candidate: 40 ms for the 35,000 customers ACTIVE in TX out of a million (bench/search.py).
# From this many candidates on, walking customers in page order and testing each one is
# cheaper, as it stops after one page; below it, reading the candidates by id and sorting is.
DENSE = 2_000
# The address index spans every client, so its matches cannot tell whether an address is
# common among this client's customers: a sample of them in page order does. An address in
# COMMON of them is walked (about 7,000 customers tested for a page, under a ms). Both read the
# address keys from an index in page order (migration 0015), not each customer's row: 0.3 ms for
# the sample where reading the rows took 2.8.
ADDRESS_SAMPLE = 2_000
COMMON = 0.003
# Several name words are not intersected: the rows of one word's prefix test the others in their customer's words
# (CustomerNameToken.words, migration 0017), one range of one index. Where the lists of "joseph mar" (7,754 and
# 33,511 token rows) were read and intersected in Python in 2.5-5 ms, the rows of "joseph" take 0.5 ms, those of
# "mar" 2.2 (docs/search.md). The word scanned is the longest typed: mostly the one with the fewest rows (a count
# first would cost about what a wrong choice does).

# A house number or ZIP code typed: few addresses hold it, where each trigram of "spring blvd"
# has tens of thousands. The trigram index is asked for the number alone (1.3 ms where the whole
# "4988 spring blvd" took 27 ms) and each address it finds is tested for the whole term.
SELECTIVE_PART = re.compile(r"[0-9]{4,}")

# SQLite's trigram index over customers.address_key (migration 0001), its rowid client_id * ADDRESS_ROWID_CLIENT +
# customer id (migration 0016): a MATCH within the client's rowid range reads that client's entries only.
ADDRESS_FTS = table("customer_address_fts", column("rowid"), column("customer_address_fts"))


class CustomerOrder(enum.StrEnum):
    NAME = "NAME"
    NUMBER = "NUMBER"


@dataclass(frozen=True, slots=True)
class CustomerSearch:
    ldc_account_number: str | None = None
    name: str | None = None
    address: str | None = None
    status: EnrollmentStatus | None = None
    market: str | None = None
    utility: str | None = None
    text: str | None = None


def order_columns(order: CustomerOrder) -> list[Column]:
    if order is CustomerOrder.NUMBER:
        return [Customer.number, Customer.id]
    return [Customer.name_key, Customer.id]


def key_of(order: CustomerOrder) -> Callable[[Customer], Key]:
    if order is CustomerOrder.NUMBER:
        return lambda c: (c.number, c.id)
    return lambda c: (c.name_key, c.id)


async def search_customers(
    scope: RequestScope, search: CustomerSearch, order: CustomerOrder, page: PageRequest,
    columns: Sequence[QueryableAttribute[Any]] | None = None, *, counted: bool = False,
) -> Page[Any]:
    """A page of the customers `search` finds: Customer instances, or plain rows of `columns` (a compiled plan's,
    which must hold the order's columns: the cursors are made of them). Its `total` is how many customers the
    search finds when reading the candidates first counted them all, as `count_customers` counts them; `counted`
    (totalCount is wanted): the candidates of one name word are counted in the statement that reads them even
    when there are too many to list (see _token_candidates)."""
    planned, total = await _page_statement(scope, search, counted)
    if isinstance(planned, Reusable) and page.after is None and page.before is None and not page.backwards:
        found = await _first_page(scope, planned, order, page, columns)
    else:
        stmt = planned if isinstance(planned, Select) else reused(scope, planned.shape, planned.build).params(
            planned.params)
        if columns is not None:
            stmt = stmt.with_only_columns(*columns)
        found = await keyset_page(scope.db, stmt, order_columns(order), key_of(order), page, scalars=columns is None)
    return found if total is None else replace(found, total=total)


@dataclass(frozen=True, slots=True)
class Reusable:
    """A page's statement built once per client and `shape` (resolvers/statements.py), its `params` bound per
    request: building it (and its cache key) per request cost SQLAlchemy more than SQLite took to run it (the walk of
    a name prefix: 0.6 ms of the request's 8, bench/search.py)."""

    shape: Hashable
    build: Callable[[RequestScope], Select[tuple[Customer]]]
    params: dict[str, Any]


async def _first_page(scope: RequestScope, planned: Reusable, order: CustomerOrder, page: PageRequest,
                      columns: Sequence[QueryableAttribute[Any]] | None) -> Page[Any]:
    """The first page (no cursor), forwards: keyset_page's statement without a cursor, built once with its columns,
    order and limit (`page_limit`) and reused, as the grid asks for a search's first page nearly every time."""
    selected = None if columns is None else tuple(c.key for c in columns)

    def build(scope: RequestScope) -> Select[Any]:
        stmt = planned.build(scope)
        if columns is not None:
            stmt = stmt.with_only_columns(*columns)
        return stmt.order_by(*(c.asc() for c in order_columns(order))).limit(bindparam("page_limit"))

    stmt = reused(scope, ("customers.search.first_page", planned.shape, order, selected), build)
    result = await scope.db.execute(stmt, {**planned.params, "page_limit": page.size + 1})
    return to_page(list(result.scalars() if columns is None else result), key_of(order), page)


async def count_customers(scope: RequestScope, search: CustomerSearch) -> int:
    """How many customers `search` finds, every one (totalCount). Name words alone, an address alone (SQLite), or
    account filters alone are counted in their own index: its entries carry their customer's client (written with
    it), so they name the same customers without a read of each customer's row, most of the time of counting
    thousands (17 ms for the 16,000 customers of "har" on a million, 3 ms counted from the tokens, 0.4 since
    _first_of_customer; an address: see _address_match; bench/search.py, docs/search.md)."""
    if _filter_count(search) == 1 and search.name:
        return await _count_by_name(scope, _tokens_or_refuse(search.name, ["search", "name"]))
    if _filter_count(search) == 1 and search.address and _dialect(scope) == "sqlite":
        term = _address_term(search.address, ["search", "address"])
        if _selective_part(term) == term:  # the index's matches are the customers: counted in it
            return (await scope.db.execute(select(func.count()).where(_address_match(scope, term)))).scalar_one()
    if _filter_count(search) == 1 and _has_account_filter(search):
        customers = select(func.count(distinct(UtilityAccount.customer_id)))
        counted = _account_filters(tenant_scoped(customers, UtilityAccount, scope), search)
        return (await scope.db.execute(counted)).scalar_one()
    return await count_rows(scope.db, search_statement(scope, search).with_only_columns(Customer.id))


async def _count_by_name(scope: RequestScope, tokens: list[str]) -> int:
    """The customers with a word starting with each token: one token's customers counted once each (a name may
    have two words starting with it: see _first_of_customer); several tokens' customers, those of one token whose
    words hold the others (_with_words), each once. (On SQLite the page counted several words itself: Page.total.)"""
    if len(tokens) == 1:
        token = tokens[0]
        counted = _token_prefix(scope, token).with_only_columns(func.count()).where(_first_of_customer(token))
        return (await scope.db.execute(counted)).scalar_one()
    common = _name_candidates(scope, tokens).with_only_columns(func.count(distinct(CustomerNameToken.customer_id)))
    return (await scope.db.execute(common)).scalar_one()


def search_statement(scope: RequestScope, search: CustomerSearch, *, walk: bool = False) -> Select[tuple[Customer]]:
    """Customers matching `search`; `walk` writes the filter as a test of each customer (see DENSE)."""
    stmt = tenant_scoped(select(Customer), Customer, scope)
    if search.ldc_account_number:
        stmt = stmt.where(Customer.id.in_(_by_ldc(scope, search.ldc_account_number)))
    if search.name:
        stmt = stmt.where(_by_name(scope, search.name, ["search", "name"], walk))
    if search.address:
        stmt = stmt.where(_by_address(scope, search.address, ["search", "address"], walk))
    if _has_account_filter(search):
        accounts = _by_account(scope, search)
        # walking: one probe of the covering account index per customer, no candidate list
        stmt = stmt.where(accounts.where(UtilityAccount.customer_id == Customer.id).exists() if walk
                          else Customer.id.in_(accounts))
    if search.text:
        stmt = stmt.where(_by_text(scope, search.text))
    return stmt


# a page's statement, and its matches when counted already
Counted = tuple[Select[tuple[Customer]] | Reusable, int | None]


async def _page_statement(scope: RequestScope, search: CustomerSearch, counted: bool = False) -> Counted:
    """The search as SQLite pages it fastest: by one filter with many matches, walking customers in
    page order and testing each (see DENSE); with few, reading just those and sorting them. The
    candidates read first, when they are all of them, are also the count (a customer once)."""
    if _dialect(scope) != "sqlite" or _filter_count(search) != 1:
        # PostgreSQL estimates the matches from its statistics and chooses by itself; several
        # filters together usually match few customers.
        return search_statement(scope, search), None
    if search.address:
        return search_statement(scope, search, walk=await _common_address(scope, search.address)), None
    if search.name and len(tokens := name_tokens(search.name)) > 1:
        return await _several_words(scope, search, tokens)
    tokens = name_tokens(search.name) if search.name else []
    every: int | None = None  # the candidates counted past DENSE
    if len(tokens) == 1:  # the usual name search: its statement built once, the token bound
        shape = ("customers.search.token_candidates", counted)
        statement = reused(scope, shape, lambda scope: _token_candidates(scope, counted))
        found = await scope.db.execute(statement, {"low": tokens[0], "high": prefix_upper_bound(tokens[0])})
        count, ids, *every_of = found.one()
        every = every_of[0] if every_of else None
    elif _has_account_filter(search):
        count, ids = (await scope.db.execute(_listed(_by_account(scope, search)))).one()
    else:  # exact LDC number, free text: few matches
        return search_statement(scope, search), None
    if count >= DENSE:
        if len(tokens) == 1 and len(tokens[0]) >= 2:  # the usual walk: built once, its patterns bound
            return Reusable("walk-a-word", _walking_a_word, _word_patterns(tokens[0])), every
        return search_statement(scope, search, walk=True), every
    # two words or two accounts of one customer: listed twice
    return Reusable("listed", _listed_customers, {"ids": ids}), len(set(json.loads(ids)))


def _dialect(scope: RequestScope) -> str:
    """The database's dialect, whether the scope reads through a session or a plan's connection (its `dialect`)."""
    db: Any = scope.db
    return str(db.dialect.name if hasattr(db, "dialect") else db.bind.dialect.name)


async def _several_words(scope: RequestScope, search: CustomerSearch, tokens: list[str]) -> Counted:
    """The customers with a word starting with each token: found first (_common_ids), then read by id and sorted, or
    walked in page order when they are many (DENSE)."""
    common = await _common_ids(scope, tokens)
    if len(common) >= DENSE:
        return search_statement(scope, search, walk=True), len(common)
    return Reusable("listed", _listed_customers, {"ids": f"[{','.join(common)}]"}), len(common)


def _listed_customers(scope: RequestScope) -> Select[tuple[Customer]]:
    """The customers whose ids are in a JSON array, bound as `ids` (the candidates read first)."""
    candidates = func.json_each(bindparam("ids")).table_valued("value", name="candidates")
    return tenant_scoped(select(Customer), Customer, scope).where(Customer.id.in_(select(candidates.c.value)))


async def _common_ids(scope: RequestScope, tokens: list[str]) -> set[str]:
    """The ids (as text) of the customers with a word starting with each token (SQLite): the rows of the longest
    token's prefix whose words hold the others (_with_words), in one statement built once per number of words (half a
    ms of SQLAlchemy per request otherwise), the tokens bound."""
    first, *others = _longest_first(tokens)
    shape = ("customers.search.with_words", len(others))
    stmt = reused(scope, shape, lambda scope: _ids_with_words(scope, len(others)))
    bound = {"low": first, "high": prefix_upper_bound(first),
             **{f"word_{n}": word_start(token) for n, token in enumerate(others)}}
    ids = (await scope.db.execute(stmt, bound)).scalar_one()
    return set(ids.split(",")) if ids else set()  # a customer with two words starting with `first` is listed twice


def _ids_with_words(scope: RequestScope, others: int) -> Select[Any]:
    """_with_words as comma-separated ids, its bounds bound as `low` and `high`, the other words as `word_<n>`. Text:
    splitting is cheaper than parsing JSON, and the ids joined again are a JSON array of integers."""
    rows = _with_words(scope, bindparam("low"), bindparam("high"), [bindparam(f"word_{n}") for n in range(others)])
    return select(func.group_concat(rows.subquery().c.customer_id))


def _longest_first(tokens: list[str]) -> list[str]:
    """The tokens, the one _with_words scans first: the longest, mostly the one with the fewest rows."""
    return sorted(tokens, key=len, reverse=True)


def _with_words(scope: RequestScope, low: str | ColumnElement[str], high: str | ColumnElement[str],
                others: Sequence[str | ColumnElement[str]]) -> Select[Any]:
    """The client's token rows from `low` to `high` (a prefix's) whose customer's name also has a word starting with
    each of `others` (word_start of each token): its words hold it. One range of
    ix_customer_name_tokens_client_id_token_customer_id_words (covering), no list per word (see the top of this
    module). A customer with two words in the range is there twice."""
    token, words = CustomerNameToken.token, CustomerNameToken.words
    found = [(func.strpos(words, other) if _is_postgresql(scope) else func.instr(words, other)) > 0 for other in others]
    stmt = select(CustomerNameToken.customer_id).where(token >= low, token < high, *found)
    return tenant_scoped(stmt, CustomerNameToken, scope)


def _is_postgresql(scope: RequestScope) -> bool:
    return _dialect(scope) == "postgresql"


def _listed(candidates: Select[Any]) -> Select[tuple[int, str]]:
    """How many candidate ids there are (up to DENSE) and the ids as one JSON array (SQLite's JSON1), not as
    up to DENSE rows."""
    listed = candidates.limit(DENSE).subquery()
    return select(func.count(), func.json_group_array(*listed.c))


def _token_candidates(scope: RequestScope, counted: bool = False) -> Select[Any]:
    """_listed of the customers with a name word starting with one token; its bounds bound as `low` and `high`.
    `counted`: a third column counts all of them, each once (as count_customers does), for a token with more than
    DENSE: in the same statement, not one more round-trip to the database's thread after the page (0.8 ms of
    SQLite for the 16,000 of "har", where the round-trip cost as much again; bench/search.py)."""
    token = CustomerNameToken.token
    words = tenant_scoped(select(CustomerNameToken.customer_id).where(token >= bindparam("low"),
                                                                       token < bindparam("high")),
                          CustomerNameToken, scope)
    listed = _listed(words)
    if not counted:
        return listed
    every = words.with_only_columns(func.count()).where(_first_of_customer(bindparam("low"))).scalar_subquery()
    return listed.add_columns(every)


def _first_of_customer(low: str | ColumnElement[str]) -> ColumnElement[bool]:
    """Of the token rows starting with the prefix `low`, one per customer: a customer's tokens starting with it are
    consecutive in its sorted tokens, and only the first of them has its previous token (migration 0016) below the
    prefix. count(*) of these rows is the customers' count, an index range (0.8 ms for the 32,760 customers of "mar"
    on a million), where count(DISTINCT customer_id) sorted them first (8 ms; bench/search.py)."""
    return CustomerNameToken.previous_token < low


def _filter_count(search: CustomerSearch) -> int:
    filters = [search.ldc_account_number, search.name, search.address, _has_account_filter(search), search.text]
    return sum(bool(f) for f in filters)


async def _common_address(scope: RequestScope, address: str) -> bool:
    """Whether at least COMMON of a sample of the client's customers have `address` (see COMMON)."""
    term = fold(address)
    if len(term) < MIN_ADDRESS_TERM:
        return False  # the search statement reports it
    keys = tenant_scoped(select(Customer.address_key), Customer, scope)
    sample = keys.order_by(*order_columns(CustomerOrder.NAME)).limit(ADDRESS_SAMPLE).subquery()
    hits = select(func.count()).where(_contains(sample.c.address_key, term))
    return (await scope.db.execute(hits)).scalar_one() >= COMMON * ADDRESS_SAMPLE


def _has_account_filter(search: CustomerSearch) -> bool:
    return bool(search.status or search.market or search.utility)


def _by_ldc(scope: RequestScope, number: str) -> Select[Any]:
    stmt = select(UtilityAccount.customer_id).where(UtilityAccount.ldc_account_number == number.strip())
    return tenant_scoped(stmt, UtilityAccount, scope)


def _by_name(scope: RequestScope, name: str, field: list[str], walk: bool = False) -> ColumnElement[bool]:
    """Every word typed must start a word of the name: "smi jo" finds "John Smith"."""
    tokens = _tokens_or_refuse(name, field)
    if walk:
        return and_(*(_starts_a_word(scope, token) for token in tokens))
    return Customer.id.in_(_name_candidates(scope, tokens))


def _tokens_or_refuse(name: str, field: list[str]) -> list[str]:
    tokens = name_tokens(name)
    if not tokens:
        raise UserInputError(CustomerErrorCode.SEARCH_TERM_TOO_SHORT, "Type a letter or digit.", field)
    return tokens


def _starts_a_word(scope: RequestScope, token: str) -> ColumnElement[bool]:
    """A test of each customer SQLite walks in page order (SQLite only): whether a word of its name
    starts with `token`, read from the name key in the walked index entry. A word after a space (or
    first) is a match as it is (tokens are word characters, no LIKE wildcards); a word after other
    punctuation passes the GLOB (and a few names with non-ASCII letters do), and only those are looked
    up in their own tokens. Testing against the token's whole customer list instead built that list
    first: 6 ms for "har" (16,500); still done for one letter, whose substring GLOB nearly every name
    would pass (per name, a GLOB costs about what the list costs)."""
    if len(token) < 2:
        # `id + 0` is not indexable: SQLite keeps walking the page's index and tests each
        # customer against the token's candidate list, built once.
        return (Customer.id + literal_column("0")).in_(_token_prefix(scope, token))
    return _word_test(scope, {name: literal(value) for name, value in _word_patterns(token).items()})


def _word_patterns(token: str) -> dict[str, str]:
    """The values _word_test compares a name key with, for `token` (two characters or more)."""
    return {"word_first": f"{token}%", "word_after_space": f"% {token}%", "word_inside": f"%{token}%",
            "word_after_other": f"*[^0-9a-z]{token}*", "word_low": token, "word_high": prefix_upper_bound(token)}


def _word_test(scope: RequestScope, patterns: Mapping[str, ColumnElement[str]]) -> ColumnElement[bool]:
    """_starts_a_word's test, its values (_word_patterns) given as literals or bound parameters."""
    p = patterns
    token = CustomerNameToken.token
    own = tenant_scoped(select(CustomerNameToken.customer_id).where(token >= p["word_low"], token < p["word_high"]),
                        CustomerNameToken, scope)
    own_token = own.where(CustomerNameToken.customer_id == Customer.id).exists()
    key = Customer.name_key
    after_space = or_(key.like(p["word_first"]), key.like(p["word_after_space"]))
    after_other = and_(key.like(p["word_inside"]), (" " + key).op("GLOB")(p["word_after_other"]), own_token)
    return or_(after_space, after_other)


def _walking_a_word(scope: RequestScope) -> Select[tuple[Customer]]:
    """search_statement(walk=True) of one name word of two characters or more, its _word_patterns bound."""
    patterns: dict[str, ColumnElement[str]] = {name: bindparam(name) for name in _word_patterns("xx")}
    return tenant_scoped(select(Customer), Customer, scope).where(_word_test(scope, patterns))


def _name_candidates(scope: RequestScope, tokens: list[str]) -> Select[Any]:
    """Customers with a word starting with each token: one token's rows whose words hold the others (_with_words), so
    the page reads only their common customers ("mary joh": 400, not 10,000)."""
    first, *others = _longest_first(tokens)
    return _with_words(scope, first, prefix_upper_bound(first), [word_start(token) for token in others])


def _token_prefix(scope: RequestScope, token: str) -> Select[Any]:
    stmt = select(CustomerNameToken.customer_id).where(
        CustomerNameToken.token >= token, CustomerNameToken.token < prefix_upper_bound(token)
    )
    return tenant_scoped(stmt, CustomerNameToken, scope)


def _by_address(scope: RequestScope, address: str, field: list[str], walk: bool = False) -> ColumnElement[bool]:
    term = _address_term(address, field)
    if _dialect(scope) == "sqlite" and not walk:
        # The trigram index finds the addresses holding the term's most selective part (see
        # SELECTIVE_PART), a substring of it: every address holding the term, and each is then
        # tested for the whole term, as the walk and PostgreSQL test it.
        part = _selective_part(term)
        entries = _address_match(scope, part)
        client_base = literal(tenant_id_of(scope) * ADDRESS_ROWID_CLIENT)
        found = Customer.id.in_(select(ADDRESS_FTS.c.rowid - client_base).where(entries))
        return found if part == term else and_(found, _contains(Customer.address_key, term))
    # PostgreSQL: pg_trgm's GIN index serves the LIKE. SQLite walking: the LIKE tests each
    # customer of the walk, the same substring match as the trigram index.
    return _contains(Customer.address_key, term)


def _address_term(address: str, field: list[str]) -> str:
    """The folded address typed; refused shorter than a trigram."""
    term = fold(address)
    if len(term) < MIN_ADDRESS_TERM:
        message = f"Type at least {MIN_ADDRESS_TERM} characters of the address."
        raise UserInputError(CustomerErrorCode.SEARCH_TERM_TOO_SHORT, message, field)
    return term


def _selective_part(term: str) -> str:
    """What SQLite's trigram index is asked for: the term's longest number (SELECTIVE_PART), or the whole term."""
    return max(SELECTIVE_PART.findall(term), key=len, default=term)


def _address_match(scope: RequestScope, part: str) -> ColumnElement[bool]:
    """SQLite's trigram index entries of the scope's client holding `part`: its rowid range (migration 0016), not
    every client's entries each looked up in `customers` for its client (the count of "maple way": 2.5 ms where
    that took 20-29 on a million customers of three clients; bench/search.py)."""
    base = tenant_id_of(scope) * ADDRESS_ROWID_CLIENT
    phrase = '"' + part.replace('"', '""') + '"'
    return and_(ADDRESS_FTS.c.customer_address_fts.match(phrase),
                ADDRESS_FTS.c.rowid >= literal(base), ADDRESS_FTS.c.rowid < literal(base + ADDRESS_ROWID_CLIENT))


def _contains(address_key: ColumnElement[str] | QueryableAttribute[str], term: str) -> ColumnElement[bool]:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return address_key.like(f"%{escaped}%", escape="\\")


def _by_account(scope: RequestScope, search: CustomerSearch) -> Select[Any]:
    """One account must match status, market and utility together (ACTIVE *in* TX)."""
    return _account_filters(tenant_scoped(select(UtilityAccount.customer_id), UtilityAccount, scope), search)


def _account_filters(stmt: Select[Any], search: CustomerSearch) -> Select[Any]:
    """`stmt` over utility accounts, restricted to those meeting status, market and utility together."""
    if search.status:
        stmt = stmt.where(UtilityAccount.status == search.status)
    market_id = select(Market.id).where(Market.code == search.market.strip().upper()) if search.market else None
    if search.utility:
        # An account's market is its utility's, copied: the market narrows the utility lookup
        # (a utility of another market matches nothing) instead of testing every account.
        utility_id = select(Utility.id).where(Utility.code == search.utility.strip().upper())
        if market_id is not None:
            utility_id = utility_id.where(Utility.market_id == market_id.scalar_subquery())
        stmt = stmt.where(UtilityAccount.utility_id == utility_id.scalar_subquery())
    elif market_id is not None:
        stmt = stmt.where(UtilityAccount.market_id == market_id.scalar_subquery())
    return stmt


def _by_text(scope: RequestScope, typed: str) -> ColumnElement[bool]:
    """Free text: a customer number, an LDC number, a name or an address."""
    term = typed.strip()
    alternatives = [Customer.number == term, Customer.id.in_(_by_ldc(scope, term))]
    if name_tokens(term):
        alternatives.append(_by_name(scope, term, ["search", "text"]))
    if len(fold(term)) >= MIN_ADDRESS_TERM:
        alternatives.append(_by_address(scope, term, ["search", "text"]))
    return or_(*alternatives)



async def matched_accounts(
    scope: RequestScope, search: CustomerSearch, customer_ids: Sequence[int]
) -> list[Any | None]:
    """For each customer found by `search`, the account its result row shows (plain rows, in key order).

    Among the customer's accounts that meet the account filters together (status, market, utility; every
    account when none is given): the one with the LDC number typed (ldcAccountNumber or text), then one
    whose service address holds the address typed (address or text), then the first in the primary
    account's order. So a DROPPED search shows a DROPPED account, and a plain name search the primary one.
    """
    if _has_account_filter(search):
        stmt = _accounts_of_customers(scope)
        stmt = _account_filters(stmt, search)
    else:  # a name, address or number search: the statement built once per client (resolvers/statements.py)
        stmt = reused(scope, "customers.search.matched_accounts", _accounts_of_customers)
    rows = (await scope.db.execute(stmt, {"customer_ids": list(customer_ids)})).all()
    numbers = {typed.strip() for typed in (search.ldc_account_number, search.text) if typed}
    places = {term for typed in (search.address, search.text) if typed and len(term := fold(typed)) >= MIN_ADDRESS_TERM}
    return best_by_customer(rows, customer_ids, lambda account: (
        account.ldc_account_number not in numbers,
        not any(place in _service_address(account) for place in places),
    ))


def _accounts_of_customers(scope: RequestScope) -> Select[Any]:
    """The client's accounts of the customers bound as `customer_ids` (a list), every column."""
    stmt = tenant_scoped(select(*UtilityAccount.__table__.columns), UtilityAccount, scope)
    return stmt.where(UtilityAccount.customer_id.in_(bindparam("customer_ids", expanding=True)))


def _service_address(account: Any) -> str:
    return address_key([(account.service_line1, account.service_line2, account.service_city, account.service_state,
                         account.service_zip)])
