"""Persisted-document identifiers and the files documents are registered from, read without a schema.

A document is known by the lower-case hex SHA-256 of its UTF-8 text (the GraphQL-over-HTTP persisted-documents
appendix's `sha256:<hex>`; Apollo's `sha256Hash`; Relay's `doc_id` when relay-compiler's persistConfig uses
SHA256). Three kinds of file hold documents:
- a Relay persisted-queries JSON (relay-compiler's persistConfig output): `{"<id>": "<text>", ...}`;
- an Apollo persisted-query manifest: `{"format": "apollo-persisted-query-manifest", "version": 1,
  "operations": [{"id", "name", "type", "body"}, ...]}`;
- a `.graphql` (or `.gql`) file: its whole text is one document.
An id that is not the SHA-256 of its text is refused: the registry's key is the hash, never a claim.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

APOLLO_FORMAT = "apollo-persisted-query-manifest"
SHA256_PREFIX = "sha256:"
_HEX64 = re.compile(r"[0-9a-f]{64}")
GRAPHQL_SUFFIXES = (".graphql", ".gql")


class DocumentFileError(ValueError):
    """A file that holds no documents we can register, or an id that does not match its text."""


@dataclass(frozen=True, slots=True)
class FileDocument:
    sha256: str
    body: str
    source: str  # "relay", "apollo" or "graphql"


def sha256_of(text: str) -> str:
    """The registry key of a document: lower-case hex SHA-256 of its UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def document_key(identifier: Any) -> str | None:
    """The SHA-256 hex an identifier names (`sha256:<hex>`, or 64 hex digits as Relay's doc_id), else None."""
    if not isinstance(identifier, str):
        return None
    payload = identifier[len(SHA256_PREFIX):] if identifier.startswith(SHA256_PREFIX) else identifier
    return payload if _HEX64.fullmatch(payload) else None


def document_id(sha256: str) -> str:
    """The GraphQL-over-HTTP identifier of a document: `sha256:<hex>`."""
    return SHA256_PREFIX + sha256


def read_document_file(path: str, content: str) -> list[FileDocument]:
    """The documents a file holds, by its name (`.graphql`/`.gql`) or its JSON shape (Relay, Apollo)."""
    if PurePath(path).suffix.lower() in GRAPHQL_SUFFIXES:
        if not content.strip():
            raise DocumentFileError(f"{path}: the file is empty")
        return [FileDocument(sha256_of(content), content, "graphql")]
    try:
        data = json.loads(content)
    except ValueError as error:
        raise DocumentFileError(f"{path}: neither a .graphql file nor JSON ({error})") from None
    if isinstance(data, dict) and "format" in data:
        return _apollo(path, data)
    if isinstance(data, dict) and data and all(isinstance(v, str) for v in data.values()):
        return _relay(path, data)
    raise DocumentFileError(f"{path}: not a Relay persisted-queries file ({{\"<id>\": \"<text>\"}}) "
                            f"or an Apollo persisted-query manifest")


def _relay(path: str, data: dict[str, str]) -> list[FileDocument]:
    found = []
    for identifier, body in data.items():
        found.append(FileDocument(_checked(path, identifier, body, _relay_hint(identifier)), body, "relay"))
    return found


def _relay_hint(identifier: str) -> str:
    if re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}", identifier):  # MD5 (relay-compiler's default) or SHA1
        return " (set relay-compiler's persistConfig \"algorithm\" to \"SHA256\")"
    return ""


def _apollo(path: str, data: dict[str, Any]) -> list[FileDocument]:
    if data.get("format") != APOLLO_FORMAT or data.get("version") != 1:
        raise DocumentFileError(f"{path}: an Apollo manifest needs \"format\": \"{APOLLO_FORMAT}\" and \"version\": 1")
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise DocumentFileError(f"{path}: an Apollo manifest's \"operations\" must be a list")
    found = []
    for position, operation in enumerate(operations):
        if not isinstance(operation, dict) or not isinstance(operation.get("body"), str):
            raise DocumentFileError(f"{path}: operations[{position}] has no \"body\" text")
        identifier = operation.get("id")
        found.append(FileDocument(_checked(path, identifier, operation["body"], ""), operation["body"], "apollo"))
    return found


def _checked(path: str, identifier: Any, body: str, hint: str) -> str:
    """The SHA-256 of `body`, after checking `identifier` names it."""
    actual = sha256_of(body)
    if document_key(identifier) != actual:
        raise DocumentFileError(f"{path}: id {identifier!r} is not the SHA-256 of its text ({actual}){hint}")
    return actual
