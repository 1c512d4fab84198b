"""The Apollo persisted-query manifest of a folder of .graphql files: what an SPA's build registers.

One operation per file (with the fragments it spreads), named, valid against the schema and the request limits;
the body is the file's text as it is, so its id is the SHA-256 a client computes over the text it sends.
"""

from pathlib import Path
from typing import Any

from graph.persisted.known import DocumentRefused, checker_for
from graph.schema import make_schema
from graph.settings import Settings
from resolvers.rules.persisted_files import APOLLO_FORMAT, GRAPHQL_SUFFIXES


class ManifestError(ValueError):
    pass


def graphql_files(folder: Path) -> list[Path]:
    """The folder's .graphql (.gql) files, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in GRAPHQL_SUFFIXES and p.is_file())


def manifest_of(folder: Path, settings: Settings | None = None) -> dict[str, Any]:
    """The manifest of the folder's documents; raises ManifestError naming each file that cannot be in it."""
    settings = settings or Settings(database_url="", secret="")
    checker = checker_for(make_schema(settings), settings)
    files = graphql_files(folder)
    if not files:
        raise ManifestError(f"{folder}: no .graphql files")
    operations, problems = [], []
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            known = checker.prepare(text, trusted=True)
        except DocumentRefused as error:
            problems.append(f"{path}: {error}")
            continue
        operation = known.operations[0] if len(known.operations) == 1 else None
        if operation is None or operation.name is None:
            problems.append(f"{path}: holds {len(known.operations)} operations; the manifest holds one named "
                            f"operation per document")
            continue
        operations.append({"id": known.sha256, "name": operation.name.value, "type": operation.operation.value,
                           "body": text})
    names = [o["name"] for o in operations]
    problems += [f"operation {name!r} is named in more than one file" for name in sorted(set(names))
                 if names.count(name) > 1]
    if problems:
        raise ManifestError("\n".join(problems))
    return {"format": APOLLO_FORMAT, "version": 1, "operations": operations}
