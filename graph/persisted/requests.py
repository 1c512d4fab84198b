"""A GraphQL request's parameters, and which document it runs: a registered one (fast path) or its text.

A request names a registered document in any of three ways, on GET and POST alike:
- `documentId: "sha256:<hex>"` (the GraphQL-over-HTTP persisted-documents appendix), or 64 hex digits;
- `doc_id` (Relay's persisted queries; relay-compiler's persistConfig with the SHA256 algorithm);
- `extensions.persistedQuery: {version: 1, sha256Hash}` (Apollo's automatic persisted queries), with or without
  the text. Without it, an unknown hash answers PERSISTED_QUERY_NOT_FOUND ("PersistedQueryNotFound"), and
  Apollo's link sends the text with the hash; in apq mode that registers the document (its hash checked).
CSRGRAPH_DOCUMENTS decides what else runs: open (any text), apq (any text; text sent with its hash is
registered), trusted (an operator's registered documents only; an ADMIN may still send any text: GraphiQL).
"""

from dataclasses import dataclass
from typing import Any

from cross_web import HTTPException
from strawberry.http import GraphQLRequestData

from db.enums import Role
from graph.persisted.errors import (
    DocumentRequestError,
    apq_not_found,
    both_id_and_text,
    hash_mismatch,
    not_found,
    not_trusted,
)
from graph.persisted.known import DocumentRefused, KnownDocument
from graph.persisted.registry import MAX_CACHED, KnownDocuments
from graph.persisted.seen_texts import SeenTexts
from resolvers.rules.persisted_files import document_key, sha256_of


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None
    document_id: str | None  # documentId, or Relay's doc_id, as sent

    def request_data(self) -> GraphQLRequestData:
        """What Strawberry's view runs when the request goes the normal way (text)."""
        return GraphQLRequestData(query=self.query, variables=self.variables, operation_name=self.operation_name,
                                  extensions=self.extensions)


def params_of(data: dict[str, Any]) -> GraphQLParams:
    """Checked parameters of a request object (the JSON body, or the GET query's parameters)."""
    query, variables, extensions = data.get("query"), data.get("variables"), data.get("extensions")
    operation_name = data.get("operationName")
    document_id = data.get("documentId", data.get("doc_id"))
    if not (type(query) in _STR_OR_NONE and type(variables) in _DICT_OR_NONE and type(extensions) in _DICT_OR_NONE
            and type(operation_name) in _STR_OR_NONE and type(document_id) in _STR_OR_NONE):  # all right, mostly
        _must(query, str, "query", "a string")
        _must(variables, dict, "variables", "an object")
        _must(extensions, dict, "extensions", "an object")
        _must(operation_name, str, "operationName", "a string")
        _must(document_id, str, "documentId" if "documentId" in data else "doc_id", "a string")
    return GraphQLParams(query, variables, operation_name, extensions, document_id)


# what JSON decoding gives (no subclasses): each parameter is one of these, or _must says which is not
_STR_OR_NONE = frozenset({str, type(None)})
_DICT_OR_NONE = frozenset({dict, type(None)})


def _must(value: Any, kind: type, name: str, what: str) -> None:
    if value is not None and not isinstance(value, kind):
        raise HTTPException(400, f"The GraphQL operation's `{name}` must be {what} or null, if provided.")


@dataclass(frozen=True, slots=True)
class Route:
    document: KnownDocument
    by_id: bool  # named by its id (documentId, doc_id, APQ hash): GET may not run its mutations (405)
    seen: bool = False  # text seen before, not registered (graph/persisted/seen_texts.py)


def held_by_id(documents: KnownDocuments, mode: str, params: GraphQLParams) -> Route | None:
    """`choose`'s route for a document named by its documentId or doc_id that this worker holds (an SPA's every
    request), without a coroutine; None: ask `choose`, which answers everything else (and every error)."""
    if params.document_id is None or params.query is not None:
        return None
    if params.extensions is not None and params.extensions.get("persistedQuery") is not None:
        return None  # choose checks it first, and refuses a malformed one
    key = _BY_ID_KEYS.get(params.document_id)
    if key is None:
        key = document_key(params.document_id)
        if key is None:
            return None
        if len(_BY_ID_KEYS) >= MAX_CACHED:
            _BY_ID_KEYS.clear()
        _BY_ID_KEYS[params.document_id] = key
    found = documents.held(key, trusted_only=mode == "trusted")
    if found is None:
        return None
    route = _BY_ID_ROUTES.get(key)
    if route is None or route.document is not found:  # a frozen dataclass's __init__: a setattr call per field
        if len(_BY_ID_ROUTES) >= MAX_CACHED:
            _BY_ID_ROUTES.clear()
        route = _BY_ID_ROUTES[key] = Route(found, by_id=True)
    return route


# a client's documentId -> its SHA-256 (document_key's regular expression once per spelling; an SPA has tens), and
# the route of each document named by its id
_BY_ID_KEYS: dict[str, str] = {}
_BY_ID_ROUTES: dict[str, "Route"] = {}


async def choose(documents: KnownDocuments, mode: str, params: GraphQLParams, role: Role,
                 texts: SeenTexts | None = None) -> Route | None:
    """The registered document the request runs, or its text's document when `texts` saw it before, or None to
    run its text the normal way.

    Raises DocumentRequestError (unknown id, hash that does not match the text, text refused in trusted mode).
    """
    trusted_only = mode == "trusted"
    apq = _persisted_query(params.extensions)
    if params.document_id is not None:
        if params.query is not None:
            raise both_id_and_text()
        key = document_key(params.document_id)
        found = await documents.find(key, trusted_only=trusted_only) if key else None
        if found is None:
            raise not_found(params.document_id)
        return Route(found, by_id=True)
    if apq is not None and params.query is None:
        found = await documents.find(apq, trusted_only=trusted_only)
        if found is None:
            raise apq_not_found()
        return Route(found, by_id=True)
    if params.query is None:
        return None  # the normal way answers a request without a document
    sha256 = sha256_of(params.query)
    if apq is not None and apq != sha256:
        raise hash_mismatch(apq, sha256)
    found = await documents.find(sha256, trusted_only=trusted_only) if apq is not None or trusted_only else None
    if found is None and apq is not None and mode == "apq":
        found = await _registered(documents, params.query, sha256)
    if found is None and trusted_only and role is not Role.ADMIN:
        raise not_trusted()
    # Text runs the normal way (Strawberry's), unless it came with its hash: the APQ client named its document;
    # or it was seen before and passes every check (asked only for text the mode lets run as text).
    if found is not None and apq is not None:
        return Route(found, by_id=True)
    seen = texts.known(params.query, sha256) if texts is not None else None
    return Route(seen, by_id=False, seen=True) if seen is not None else None


async def _registered(documents: KnownDocuments, text: str, sha256: str) -> KnownDocument | None:
    """The client's document, registered (apq mode); None when it does not validate (the normal way answers why)."""
    try:
        return await documents.register(text, sha256)
    except DocumentRefused:
        return None


def _persisted_query(extensions: dict[str, Any] | None) -> str | None:
    """The SHA-256 an Apollo `extensions.persistedQuery` names, if the request has one."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise DocumentRequestError(400, "BAD_REQUEST", "Unsupported persisted query version: send version 1.")
    key = document_key(persisted.get("sha256Hash"))
    if key is None or key != persisted.get("sha256Hash"):
        raise DocumentRequestError(400, "BAD_REQUEST", "persistedQuery.sha256Hash must be 64 lower-case hex digits.")
    return key
