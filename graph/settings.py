"""Settings, read once from the environment when the app or CLI starts (never at import)."""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import TypedDict

from graph.logs import FORMATS
from resolvers.commlog.letters.outbox import DEFAULT_SENDER

DEFAULT_VAR_DIR = Path("var")
DOCUMENT_MODES = ("open", "apq", "trusted")  # CSRGRAPH_DOCUMENTS (graph/persisted/requests.py)


class EngineOptions(TypedDict):
    """The keyword arguments of db.engine.make_engine a server worker passes."""

    pool_size: int
    max_overflow: int
    wait_seconds: float


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    secret: str
    token_ttl_hours: int = 12
    max_body_bytes: int = 64 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024  # a CSV of 200,000 account numbers fits easily
    max_depth: int = 12
    max_aliases: int = 15
    max_tokens: int = 2000
    introspection: bool = True
    allowed_origins: tuple[str, ...] = ()
    seed_demo: bool = True
    smtp_url: str | None = None  # smtp://user:pass@host:port or smtps://...; unset: .eml files
    mail_from: str = DEFAULT_SENDER
    outbox_dir: Path = DEFAULT_VAR_DIR / "outbox"
    outbox_interval_seconds: float = 2.0
    outbox_enabled: bool = True
    log_format: str = "plain"  # or "json": one object a line (graph/logs.py)
    documents: str = "open"  # which documents run: open, apq or trusted (graph/persisted/requests.py)
    workers: int = 1  # worker processes on this host (`serve --workers`): they share db_connections
    db_connections: int = (
        80  # PostgreSQL connections this host's workers may hold in all (the server's default max is 100)
    )
    write_wait_seconds: float = 5.0  # a write waits this long for the lock, then answers BUSY_RETRY
    event_poll_seconds: float | None = None  # how often a worker reads the event log unprompted (graph/event_feed.py)
    concurrent_requests: int = 6  # GraphQL requests over HTTP a worker runs at once, the rest queued (graph/limits.py)
    compiled_plans: bool = True  # known documents' reads run as compiled plans where they can (graph/compiled)
    known_texts: bool = True  # a text document seen before runs as a known one (graph/persisted/seen_texts.py)
    statistics_minutes: float = 60.0  # SQLite: a statistics pass at start, then this often; 0: none (db/maintenance.py)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        """Every default comes from a module constant (a slots dataclass's `cls.field` is a descriptor)."""
        var = Path(environ.get("CSRGRAPH_VAR") or DEFAULT_VAR_DIR)
        return cls(
            database_url=environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{var / 'csrgraph.db'}",
            secret=environ.get("CSRGRAPH_SECRET") or local_secret(var),
            token_ttl_hours=int(environ.get("CSRGRAPH_TOKEN_TTL_HOURS", "12")),
            introspection=environ.get("CSRGRAPH_INTROSPECTION", "1") != "0",
            allowed_origins=tuple(o for o in environ.get("CSRGRAPH_ALLOWED_ORIGINS", "").split(",") if o),
            smtp_url=environ.get("SMTP_URL") or None,
            mail_from=mail_sender(environ.get("CSRGRAPH_MAIL_FROM") or DEFAULT_SENDER),
            outbox_dir=Path(environ.get("CSRGRAPH_OUTBOX_DIR") or var / "outbox"),
            log_format=_one_of("CSRGRAPH_LOG_FORMAT", environ.get("CSRGRAPH_LOG_FORMAT", "plain"), FORMATS),
            documents=_one_of("CSRGRAPH_DOCUMENTS", environ.get("CSRGRAPH_DOCUMENTS", "open"), DOCUMENT_MODES),
            seed_demo=environ.get("CSRGRAPH_SEED_DEMO", "1") != "0",
            workers=max(1, int(environ.get("WEB_CONCURRENCY", "1"))),
            db_connections=int(environ.get("CSRGRAPH_DB_CONNECTIONS", "80")),
            write_wait_seconds=float(environ.get("CSRGRAPH_WRITE_WAIT_SECONDS", "5")),
            concurrent_requests=int(environ.get("CSRGRAPH_CONCURRENT_REQUESTS", "6")),
            compiled_plans=environ.get("CSRGRAPH_COMPILED_PLANS", "1") != "0",
            known_texts=environ.get("CSRGRAPH_KNOWN_TEXTS", "1") != "0",
            statistics_minutes=float(environ.get("CSRGRAPH_STATISTICS_MINUTES") or "60"),
            event_poll_seconds=float(environ["CSRGRAPH_EVENT_POLL_SECONDS"])
            if environ.get("CSRGRAPH_EVENT_POLL_SECONDS")
            else None,
        )

    def engine_options(self) -> EngineOptions:
        """A worker's share of the PostgreSQL connections and its lock wait. Two of the share are kept out of the
        pool: its event listener's (graph/pg_listener.py) and its event feed's reads' (graph/event_feed.py), both
        on the feed's thread."""
        share = max(4, self.db_connections // self.workers)
        return EngineOptions(pool_size=share - 2, max_overflow=0, wait_seconds=self.write_wait_seconds)


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def mail_sender(value: str) -> str:
    """The sender as given, once it holds an address: a bad one would fail every email, so refuse it at start."""
    local, _, domain = parseaddr(value)[1].rpartition("@")
    if not (local and domain):
        raise ValueError(f"CSRGRAPH_MAIL_FROM must be an email address, e.g. 'Lumen <letters@lumen.example>', "
                         f"not {value!r}")
    return value


def local_secret(var: Path) -> str:
    """A signing secret kept in var/ for local use when CSRGRAPH_SECRET is not set."""
    path = var / "secret.key"
    if not path.exists():
        var.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
