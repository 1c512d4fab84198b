"""Sign-in through a client's identity provider: its settings, and who a verified token's claims name.

A provider token has already been verified (signature, iss, aud, exp, nbf) when these rules run; they only
read its claims: the email that names the user and, when roles come from the provider, the role.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from db.enums import Role, RoleSource
from resolvers.rules.roles import RANK

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
MAX_URL = 500
MAX_CLAIM_NAME = 100
MAX_MAPPED_VALUES = 50
MAX_MAPPED_VALUE = 200
EMAIL_CLAIMS = ("email", "preferred_username", "upn", "sub")  # usual names; any claim name is accepted


class Refusal(enum.StrEnum):
    """Why verified claims sign nobody in."""

    NO_EMAIL = "NO_EMAIL"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    NO_ROLE = "NO_ROLE"


@dataclass(frozen=True, slots=True)
class ProviderRules:
    """The part of a client's provider settings that reads claims."""

    email_claim: str = "email"
    role_source: RoleSource = RoleSource.STORED
    role_claim: str | None = None
    role_mapping: Mapping[str, Role] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the claims name: their email (lower case), display name, and role when the provider decides it."""

    email: str
    name: str | None
    role: Role | None  # None: the role stored on the user decides


def identity_from_claims(claims: Mapping[str, Any], rules: ProviderRules) -> Identity | Refusal:
    email = claim_value(claims, rules.email_claim)
    if not isinstance(email, str) or "@" not in email.strip():
        return Refusal.NO_EMAIL
    if claims.get("email_verified") is False:  # the provider itself says the address was never proven
        return Refusal.EMAIL_NOT_VERIFIED
    role = None
    if rules.role_source is RoleSource.CLAIM:
        role = role_from_claim(claim_value(claims, rules.role_claim or ""), rules.role_mapping)
        if role is None:
            return Refusal.NO_ROLE
    name = claims.get("name")
    return Identity(email.strip().lower(), name.strip()[:200] or None if isinstance(name, str) else None, role)


def claim_value(claims: Mapping[str, Any], name: str) -> Any:
    """A claim by its exact name, else by a dotted path into nested claims (Keycloak's realm_access.roles)."""
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def role_from_claim(value: Any, mapping: Mapping[str, Role]) -> Role | None:
    """The highest role any of the claim's values maps to (a claim holds one value or a list of groups)."""
    values = value if isinstance(value, list) else [value]
    roles = [mapping[v] for v in values if isinstance(v, str) and v in mapping]
    return max(roles, key=RANK.__getitem__, default=None)


def issuer_problem(issuer: str) -> str | None:
    """Why `issuer` cannot be an OpenID Connect issuer: https (http only on this machine), no query or fragment."""
    if len(issuer) > MAX_URL:
        return f"The issuer must be at most {MAX_URL} characters."
    try:
        parts = urlsplit(issuer)
        host = parts.hostname
    except ValueError:
        return "The issuer must be a URL."
    if parts.scheme not in ("https", "http") or not host:
        return "The issuer must be an https URL, e.g. https://login.example.com/tenant/v2.0."
    if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        return "The issuer must use https (plain http is accepted only for a provider on this machine)."
    if parts.query or parts.fragment:
        return "The issuer must have no query or fragment."
    return None


def mapping_problem(role_source: RoleSource, role_claim: str | None, mapping: Mapping[str, Role]) -> str | None:
    """Why roles from a claim could never work as configured (or why a mapping is given that nothing reads)."""
    if role_source is RoleSource.STORED:
        return "Roles are stored on the users: give no role claim or mapping." if role_claim or mapping else None
    if not role_claim:
        return "Roles from a claim need the claim's name (e.g. roles or groups)."
    if not mapping:
        return "Roles from a claim need at least one claim value mapped to a role."
    if len(mapping) > MAX_MAPPED_VALUES:
        return f"At most {MAX_MAPPED_VALUES} claim values can be mapped."
    if any(not value.strip() or len(value) > MAX_MAPPED_VALUE for value in mapping):
        return f"Each mapped claim value must be 1-{MAX_MAPPED_VALUE} characters."
    return None
