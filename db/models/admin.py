"""Tenants (supplier brands), their users, their identity providers, and the audit trail."""

from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigIntId, CreatedAt, IntPk, TenantScoped, Timestamped
from db.enums import Role, RoleSource


class Client(Timestamped, Base):
    """A supplier brand with its own CSR site: the tenant."""

    __tablename__ = "clients"

    id: Mapped[IntPk]
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(TenantScoped, Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[IntPk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    active: Mapped[bool] = mapped_column(default=True)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IdentityProvider(TenantScoped, Timestamped, Base):
    """A client's OpenID Connect provider: whose tokens sign its users in, and how they map to users and roles.

    (issuer, audience) is unique, so a provider's token names exactly one client; one provider per client.
    """

    __tablename__ = "identity_providers"
    __table_args__ = (UniqueConstraint("client_id"), UniqueConstraint("issuer", "audience"))

    id: Mapped[IntPk]
    issuer: Mapped[str] = mapped_column(String(500))
    audience: Mapped[str] = mapped_column(String(500))
    email_claim: Mapped[str] = mapped_column(String(100))
    role_source: Mapped[RoleSource] = mapped_column(Enum(RoleSource, native_enum=False, length=20))
    role_claim: Mapped[str | None] = mapped_column(String(100))
    role_mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # claim value -> Role
    just_in_time: Mapped[bool] = mapped_column(default=False)
    provisioned_role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    local_tokens: Mapped[bool] = mapped_column(default=True)


class AuditEvent(TenantScoped, Base):
    """One row per mutation effect: who, what, which object, the from-to changes."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index(None, "client_id", "object_type", "object_id", "id"),
        Index(None, "client_id", "object_type", "object_id", "created_at", "id"),  # the customer timeline
    )

    id: Mapped[IntPk]
    actor_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(BigIntId)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[CreatedAt]
