"""Error codes of the admin domain: userErrors of its mutations, and why a sign-in is refused."""

import enum


class AdminErrorCode(enum.StrEnum):
    INVALID_PREFERENCES = "INVALID_PREFERENCES"
    LAST_ACTIVE_ADMIN = "LAST_ACTIVE_ADMIN"
    EMAIL_IN_USE = "EMAIL_IN_USE"
    INVALID_USER_EMAIL = "INVALID_USER_EMAIL"
    ROLE_MANAGED_BY_PROVIDER = "ROLE_MANAGED_BY_PROVIDER"
    INVALID_ISSUER = "INVALID_ISSUER"
    ISSUER_IN_USE = "ISSUER_IN_USE"
    INVALID_ROLE_MAPPING = "INVALID_ROLE_MAPPING"


DESCRIPTIONS = {
    AdminErrorCode.INVALID_PREFERENCES: "The preferences would leave the screen unusable (see the message).",
    AdminErrorCode.LAST_ACTIVE_ADMIN: "The change would leave the client without an active ADMIN; make another "
                                      "user ADMIN first.",
    AdminErrorCode.EMAIL_IN_USE: "A user with this email already exists (emails are unique across the service).",
    AdminErrorCode.INVALID_USER_EMAIL: "The email is not a valid address.",
    AdminErrorCode.ROLE_MANAGED_BY_PROVIDER: "The client's identity provider decides roles (a mapped claim): change "
                                             "the user's groups there, or store roles on the users instead.",
    AdminErrorCode.INVALID_ISSUER: "The issuer is not an https URL without query or fragment.",
    AdminErrorCode.ISSUER_IN_USE: "This issuer and audience already sign users into a client: a provider's tokens "
                                  "must name exactly one client.",
    AdminErrorCode.INVALID_ROLE_MAPPING: "The role claim and mapping do not fit the role source (see the message).",
}


class SignInRefusal(enum.StrEnum):
    """Why a bearer token signs nobody in: `extensions.reason` of the 401 (503 for IDENTITY_PROVIDER_UNAVAILABLE)."""

    MISSING_TOKEN = "MISSING_TOKEN"
    INVALID_TOKEN = "INVALID_TOKEN"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_NOT_YET_VALID = "TOKEN_NOT_YET_VALID"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"
    WRONG_AUDIENCE = "WRONG_AUDIENCE"
    UNKNOWN_SIGNING_KEY = "UNKNOWN_SIGNING_KEY"
    NO_EMAIL = "NO_EMAIL"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    NO_ROLE = "NO_ROLE"
    UNKNOWN_USER = "UNKNOWN_USER"
    USER_DEACTIVATED = "USER_DEACTIVATED"
    LOCAL_TOKENS_DISABLED = "LOCAL_TOKENS_DISABLED"
    IDENTITY_PROVIDER_UNAVAILABLE = "IDENTITY_PROVIDER_UNAVAILABLE"


SIGN_IN_DESCRIPTIONS = {
    SignInRefusal.MISSING_TOKEN: "No `Authorization: Bearer TOKEN` header (or connection_init payload).",
    SignInRefusal.INVALID_TOKEN: "Not a token this service accepts: malformed, bad signature, or an algorithm "
                                 "other than HS256 (local) or the provider's declared RS256/ES256.",
    SignInRefusal.TOKEN_EXPIRED: "The token's exp has passed (beyond the allowed clock skew).",
    SignInRefusal.TOKEN_NOT_YET_VALID: "The token's nbf or iat is in the future (beyond the allowed clock skew).",
    SignInRefusal.UNKNOWN_ISSUER: "No client has configured the token's issuer.",
    SignInRefusal.WRONG_AUDIENCE: "The token's audience is not the one configured for its issuer.",
    SignInRefusal.UNKNOWN_SIGNING_KEY: "The token's kid is not in the provider's JWKS, even after refetching it.",
    SignInRefusal.NO_EMAIL: "The configured email claim is missing from the token or holds no email.",
    SignInRefusal.EMAIL_NOT_VERIFIED: "The provider marks the email as not verified (email_verified: false).",
    SignInRefusal.NO_ROLE: "Roles come from a claim and none of the token's values is mapped to a role.",
    SignInRefusal.UNKNOWN_USER: "No user of the token's client has this email (and just-in-time provisioning is off).",
    SignInRefusal.USER_DEACTIVATED: "The user was deactivated.",
    SignInRefusal.LOCAL_TOKENS_DISABLED: "The user's client signs in through its identity provider only.",
    SignInRefusal.IDENTITY_PROVIDER_UNAVAILABLE: "The provider's keys could not be fetched; retry (503).",
}
