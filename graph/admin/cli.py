"""`csrgraph client ...` and `csrgraph user ...`: the operator's bootstrapping and scripting of clients and users.

Each runs the same resolvers as the ADMIN mutations (same checks, the last-active-ADMIN rule included), in one
transaction, audited with no actor (request id "cli-SLUG").
"""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from db.enums import Role, RoleSource
from graph.settings import Settings

T = TypeVar("T")
ROLES = [r.value for r in Role]


def add_parsers(commands: Any) -> None:
    """Register `client` and `user` on the `csrgraph` subcommands."""
    client = commands.add_parser("client", help="create a client (tenant); set its identity provider")
    client_commands = client.add_subparsers(required=True, metavar="ACTION")
    create = client_commands.add_parser("create", help="create a client; add its first ADMIN with `user add` next")
    create.add_argument("slug", help="short name: lower-case letters, digits, hyphens")
    create.add_argument("--name", required=True, help="display name")
    create.set_defaults(run=_command(_create_client))
    show = client_commands.add_parser("show", help="print a client and its identity provider settings")
    show.add_argument("slug")
    show.set_defaults(run=_command(_show_client))
    provider = client_commands.add_parser("set-provider", help="sign the client's users in through an OIDC provider")
    provider.add_argument("slug")
    provider.add_argument("--issuer", required=True, help="the provider's issuer URL (https)")
    provider.add_argument("--audience", required=True, help="the aud tokens carry: the application's client ID")
    provider.add_argument("--email-claim", default="email", help="the claim carrying the user's email (email)")
    provider.add_argument("--role-claim", help="take roles from this claim (with --map) instead of the stored role")
    provider.add_argument("--map", action="append", default=[], metavar="VALUE=ROLE",
                          help="a role claim value and the role it gives; repeat for each")
    provider.add_argument("--just-in-time", action="store_true", help="create users on their first sign-in")
    provider.add_argument("--provisioned-role", choices=ROLES, default="AGENT",
                          help="the role such users get when roles are stored (AGENT)")
    provider.add_argument("--no-local-tokens", action="store_true", help="refuse local tokens for this client")
    provider.set_defaults(run=_command(_set_provider))
    remove = client_commands.add_parser("remove-provider", help="stop signing in through the identity provider")
    remove.add_argument("slug")
    remove.set_defaults(run=_command(_remove_provider))

    user = commands.add_parser("user", help="add, list, deactivate and reactivate a client's users")
    user_commands = user.add_subparsers(required=True, metavar="ACTION")
    add = user_commands.add_parser("add", help="add an active user")
    add.add_argument("email")
    add.add_argument("--client", required=True, metavar="SLUG")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", help="display name (default: the email's local part)")
    add.set_defaults(run=_command(_add_user))
    listing = user_commands.add_parser("list", help="print the client's users by name")
    listing.add_argument("--client", required=True, metavar="SLUG")
    listing.add_argument("--role", choices=ROLES)
    state = listing.add_mutually_exclusive_group()
    state.add_argument("--active", dest="active", action="store_const", const=True, help="only active users")
    state.add_argument("--inactive", dest="active", action="store_const", const=False, help="only deactivated users")
    listing.set_defaults(run=_command(_list_users))
    for action, about in (("deactivate", "lock a user out (never the last active ADMIN)"),
                          ("reactivate", "let a deactivated user sign in again")):
        change = user_commands.add_parser(action, help=about)
        change.add_argument("email")
        change.add_argument("--client", required=True, metavar="SLUG")
        change.set_defaults(run=_command(_change_user), action=action)


def _command(work: Callable[[Any, argparse.Namespace], Awaitable[str]]) -> Callable[[argparse.Namespace], int]:
    """A CLI entry: run `work(session, args)` in one write transaction; print its output, or the error."""

    def run(args: argparse.Namespace) -> int:
        from graph.cli_writes import WriteBusy, busy_exit
        from resolvers.errors import UserInputError, ensure_text

        try:
            for name, value in vars(args).items():  # the API's text rule: no control characters, no lone surrogates
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str):
                        ensure_text(text, [f"--{name.replace('_', '-')}"])
            print(asyncio.run(_in_transaction(Settings.from_environ(), args, work)))
        except UserInputError as error:
            print(f"csrgraph: {error.message}", file=sys.stderr)
            return 1
        except WriteBusy as error:
            return busy_exit(error)
        return 0

    return run


async def _in_transaction(settings: Settings, args: argparse.Namespace, work: Callable[..., Awaitable[T]]) -> T:
    from db.engine import make_engine
    from graph.cli_writes import cli_writes

    engine = make_engine(settings.database_url)
    try:
        async with cli_writes(engine).transaction() as session:
            return await work(session, args)
    finally:
        await engine.dispose()


async def _scope(session: Any, slug: str) -> Any:
    """The command line's scope in the client `slug` (acting as an ADMIN, audited as nobody)."""
    from resolvers.admin.clients import client_by_slug
    from resolvers.context import RequestScope
    from resolvers.errors import NotFound

    client = await client_by_slug(session, slug)
    if client is None:
        raise NotFound(f"Client {slug!r}")
    return RequestScope.of_system(client.id, f"cli-{slug}", session)


async def _create_client(session: Any, args: argparse.Namespace) -> str:
    from resolvers.admin.clients import create_client

    client = await create_client(session, args.slug, args.name, f"cli-{args.slug}")
    return f"client {client.slug} ({client.name}) created; add its first ADMIN: csrgraph user add EMAIL --client " \
           f"{client.slug} --role ADMIN"


async def _show_client(session: Any, args: argparse.Namespace) -> str:
    from resolvers.admin.identity_providers import own_provider

    scope = await _scope(session, args.slug)
    provider = await own_provider(scope)
    if provider is None:
        return f"{args.slug}: no identity provider (local tokens only)"
    mapping = ", ".join(f"{v}={r}" for v, r in sorted(provider.role_mapping.items())) or "-"
    return "\n".join(
        [
            f"{args.slug}: issuer {provider.issuer}",
            f"audience {provider.audience}",
            f"email claim {provider.email_claim}",
            f"roles {provider.role_source} {provider.role_claim or ''} {mapping}".rstrip(),
            f"just-in-time {'on, role ' + provider.provisioned_role if provider.just_in_time else 'off'}",
            f"local tokens {'on' if provider.local_tokens else 'off'}",
        ]
    )


async def _set_provider(session: Any, args: argparse.Namespace) -> str:
    from resolvers.admin.identity_providers import ProviderSettings, configure_identity_provider
    from resolvers.errors import Invalid

    mapping = {}
    for pair in args.map:
        value, _, role = pair.rpartition("=")
        if not value or role not in ROLES:
            raise Invalid(f"--map {pair!r}: write VALUE=ROLE with ROLE one of {', '.join(ROLES)}.")
        mapping[value] = Role(role)
    settings = ProviderSettings(
        issuer=args.issuer, audience=args.audience, email_claim=args.email_claim,
        role_source=RoleSource.CLAIM if args.role_claim else RoleSource.STORED, role_claim=args.role_claim,
        role_mapping=mapping, just_in_time=args.just_in_time, provisioned_role=Role(args.provisioned_role),
        local_tokens=not args.no_local_tokens,
    )
    provider = await configure_identity_provider(await _scope(session, args.slug), settings)
    return f"{args.slug}: users sign in through {provider.issuer} (audience {provider.audience})"


async def _remove_provider(session: Any, args: argparse.Namespace) -> str:
    from resolvers.admin.identity_providers import remove_identity_provider

    removed = await remove_identity_provider(await _scope(session, args.slug))
    return f"{args.slug}: " + (
        "identity provider removed; local tokens only" if removed else "had no identity provider"
    )


async def _add_user(session: Any, args: argparse.Namespace) -> str:
    from resolvers.admin.users import Invitation, invite_user

    name = args.name or args.email.partition("@")[0]
    user = await invite_user(await _scope(session, args.client), Invitation(args.email, name, Role(args.role)))
    return f"{user.email} added to {args.client} as {user.role}"


async def _list_users(session: Any, args: argparse.Namespace) -> str:
    from resolvers.admin.user_lists import UserFilter, user_page
    from resolvers.pagination import MAX_PAGE_SIZE, PageRequest

    scope, criteria = (
        await _scope(session, args.client),
        UserFilter(Role(args.role) if args.role else None, args.active),
    )
    lines, after = [], None
    while True:
        page = await user_page(scope, criteria, PageRequest(first=MAX_PAGE_SIZE, after=after))
        lines += [f"{u.email}\t{u.role}\t{'active' if u.active else 'deactivated'}\t{u.name}" for u in page.rows]
        if not page.has_next:
            return "\n".join(lines) if lines else f"{args.client}: no users"
        after = page.keys[-1]


async def _change_user(session: Any, args: argparse.Namespace) -> str:
    from resolvers.admin import users
    from resolvers.admin.clients import user_in_client
    from resolvers.errors import NotFound

    scope = await _scope(session, args.client)
    user = await user_in_client(scope, args.email)
    if user is None:
        raise NotFound(f"User {args.email!r} of {args.client!r}")
    change = users.deactivate_user if args.action == "deactivate" else users.reactivate_user
    user = await change(scope, user.id)
    return f"{user.email} {'active' if user.active else 'deactivated'}"
