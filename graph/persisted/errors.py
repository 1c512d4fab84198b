"""How a request for a registered document is refused: one GraphQL error with a code, and an HTTP status.

Codes (README "Registered documents"):
- PERSISTED_QUERY_NOT_FOUND: no registered document has that id or hash (Apollo's code; for APQ the message
  is Apollo's "PersistedQueryNotFound", which makes its link send the text). 404 for
  application/graphql-response+json, 200 for application/json, never cached.
- PERSISTED_QUERY_HASH_MISMATCH: `extensions.persistedQuery.sha256Hash` is not the SHA-256 of the text sent. 400.
- DOCUMENT_NOT_TRUSTED: CSRGRAPH_DOCUMENTS=trusted and the text is not a registered document. 403 for
  application/graphql-response+json, 200 for application/json.
- BAD_REQUEST: both a documentId and a text, or an unsupported persistedQuery. 400.
"""

from starlette.responses import Response

from graph.http_errors import error_response

NO_CACHE = {"cache-control": "private, no-cache, must-revalidate"}  # as Apollo Server: a CDN must not keep it


class DocumentRequestError(Exception):
    """A refused request; `legacy_status` is the status for application/json clients (GraphQL-over-HTTP: 2xx
    for any GraphQL response), None for the same as `status`."""

    def __init__(self, status: int, code: str, message: str, *, legacy_status: int | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.legacy_status, self.headers = legacy_status, headers

    def response(self, wants_gql_response: bool) -> Response:
        status = self.status if wants_gql_response or self.legacy_status is None else self.legacy_status
        return error_response(status, self.code, self.message, wants_gql_response, self.headers)


def apq_not_found() -> DocumentRequestError:
    return DocumentRequestError(404, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound", legacy_status=200,
                                headers=NO_CACHE)


def both_id_and_text() -> DocumentRequestError:
    return DocumentRequestError(400, "BAD_REQUEST", "Send either `documentId` (or `doc_id`) or `query`, not both.")


def not_found(identifier: str) -> DocumentRequestError:
    return DocumentRequestError(404, "PERSISTED_QUERY_NOT_FOUND", f"No document is registered as {identifier!r}.",
                                legacy_status=200, headers=NO_CACHE)


def hash_mismatch(given: str, actual: str) -> DocumentRequestError:
    return DocumentRequestError(400, "PERSISTED_QUERY_HASH_MISMATCH",
                                f"persistedQuery.sha256Hash {given} is not the SHA-256 of the query sent ({actual}).")


def not_trusted() -> DocumentRequestError:
    return DocumentRequestError(403, "DOCUMENT_NOT_TRUSTED",
                                "This server runs registered documents only (CSRGRAPH_DOCUMENTS=trusted): send the "
                                "documentId of a registered document, or have an operator register this one.",
                                legacy_status=200)
