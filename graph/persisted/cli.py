"""`csrgraph documents add|list|remove|check|manifest`: the operator's registry of trusted documents.

`add` reads Relay persisted-queries JSON, Apollo persisted-query manifests and .graphql files, checks every
document against this schema and the request limits, and registers all of them or none (each refused one is
printed with its errors). `manifest DIR` writes the Apollo manifest of a folder of .graphql files (one operation
each), as the SPA's build would.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from graph.settings import Settings
from resolvers.rules.persisted_files import DocumentFileError, document_id, document_key, read_document_file


def add_parser(commands: Any) -> None:
    """Register `documents` on the `csrgraph` subcommands."""
    documents = commands.add_parser("documents", help="registered GraphQL documents (trusted documents)")
    actions = documents.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="register documents: Relay persisted-queries JSON, Apollo manifests, "
                                         ".graphql files (all or none)")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.set_defaults(run=_database_command(_add))
    listing = actions.add_parser("list", help="print the registered documents: id, name, source")
    listing.add_argument("--all", action="store_true", help="also the documents clients registered by APQ")
    listing.set_defaults(run=_database_command(_list))
    remove = actions.add_parser("remove", help="unregister documents (every worker stops running them within a minute)")
    remove.add_argument("ids", nargs="+", metavar="ID", help="sha256:<hex> (or the 64 hex digits)")
    remove.set_defaults(run=_database_command(_remove))
    check = actions.add_parser("check", help="check every registered document against this version's schema")
    check.set_defaults(run=_database_command(_check))
    manifest = actions.add_parser("manifest", help="write the Apollo persisted-query manifest of a folder's "
                                                   ".graphql files (one operation each)")
    manifest.add_argument("folder", type=Path)
    manifest.add_argument("--output", type=Path, default=None, help="file to write (default: print to stdout)")
    manifest.set_defaults(run=manifest_command)


def _database_command(work: Callable[[Any, argparse.Namespace], Awaitable[int]]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return asyncio.run(_with_engine(Settings.from_environ(), args, work))

    return run


async def _with_engine(settings: Settings, args: argparse.Namespace, work: Callable[..., Awaitable[int]]) -> int:
    from db.engine import make_engine

    engine = make_engine(settings.database_url)
    try:
        return await work(_Registry(engine, settings), args)
    finally:
        await engine.dispose()


class _Registry:
    """The database and the schema a command works with."""

    def __init__(self, engine: Any, settings: Settings):
        from db.engine import make_sessionmaker
        from db.writes import Writes

        self.sessionmaker, self.writes = make_sessionmaker(engine), Writes(engine)
        self.settings = settings

    def checker(self) -> Any:
        from graph.persisted.known import checker_for
        from graph.schema import make_schema

        return checker_for(make_schema(self.settings), self.settings)


async def _add(registry: _Registry, args: argparse.Namespace) -> int:
    from graph.persisted.known import DocumentRefused
    from resolvers.persisted.registry import NewDocument, add_trusted

    checker, documents, refused = registry.checker(), [], []
    for path in args.files:
        try:
            found = read_document_file(str(path), path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, DocumentFileError) as error:
            print(f"csrgraph: {error}", file=sys.stderr)
            return 1
        for entry in found:
            try:
                known = checker.prepare(entry.body, trusted=True, sha256=entry.sha256)
            except DocumentRefused as error:
                refused.append(f"{path}: {document_id(entry.sha256)}: {error}")
                continue
            documents.append(NewDocument(entry.sha256, entry.body, known.name, entry.source))
    if refused:
        print("csrgraph: nothing registered; these documents do not validate against this schema:", file=sys.stderr)
        print("\n".join(f"  {line}" for line in refused), file=sys.stderr)
        return 1
    added, _events = await registry.writes.run(lambda session: add_trusted(session, documents))
    states = {**dict.fromkeys(added.already, "already registered"), **dict.fromkeys(added.trusted_now, "now trusted"),
              **dict.fromkeys(added.added, "registered")}
    for document in {d.sha256: d for d in documents}.values():
        print(f"{document_id(document.sha256)}\t{document.name or '-'}\t{states[document.sha256]}")
    print(f"csrgraph: {len(added.added)} registered, {len(added.trusted_now)} now trusted, "
          f"{len(added.already)} already registered", file=sys.stderr)
    return 0


async def _list(registry: _Registry, args: argparse.Namespace) -> int:
    from resolvers.persisted.registry import listed

    async with registry.sessionmaker() as session:
        rows = await listed(session, include_apq=args.all)
    for row in rows:
        print(f"{document_id(row.sha256)}\t{row.name or '-'}\t{row.source}\t{'trusted' if row.trusted else 'apq'}\t"
              f"{row.created_at.isoformat(timespec='seconds')}")
    if not rows:
        print("csrgraph: no registered documents", file=sys.stderr)
    return 0


async def _remove(registry: _Registry, args: argparse.Namespace) -> int:
    from resolvers.persisted.registry import remove

    keys = {identifier: document_key(identifier) for identifier in args.ids}
    malformed = [identifier for identifier, key in keys.items() if key is None]
    if malformed:
        print(f"csrgraph: not a document id (sha256:<64 hex digits>): {', '.join(malformed)}", file=sys.stderr)
        return 2
    removed, _events = await registry.writes.run(lambda session: remove(session, [k for k in keys.values() if k]))
    for sha256 in removed:
        print(f"{document_id(sha256)}\tremoved")
    missing = [identifier for identifier, key in keys.items() if key not in removed]
    if missing:
        print(f"csrgraph: not registered: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


async def _check(registry: _Registry, args: argparse.Namespace) -> int:
    from graph.persisted.registry import KnownDocuments, RegistryRefused

    documents = KnownDocuments(registry.checker(), registry.sessionmaker, registry.writes)
    try:
        count = await documents.check_registered()
    except RegistryRefused as refused:
        print(f"csrgraph: {refused}", file=sys.stderr)
        return 1
    print(f"csrgraph: {count} registered documents validate against this schema", file=sys.stderr)
    return 0


def manifest_command(args: argparse.Namespace) -> int:
    from graph.persisted.manifest import ManifestError, manifest_of

    try:
        manifest = manifest_of(args.folder)
    except ManifestError as error:
        print(f"csrgraph: {error}", file=sys.stderr)
        return 1
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"csrgraph: wrote {args.output} ({len(manifest['operations'])} operations)", file=sys.stderr)
    return 0

