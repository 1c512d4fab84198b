"""Provider tokens: which client's identity provider a token names, verified by PyJWT with that provider's keys.

The token's issuer and audience choose the client: (issuer, audience) is unique across clients, so an issuer's
token can only ever sign someone into the one client configured with it. Its user is then looked up by the
configured email claim among that client's users only.
"""

from collections.abc import Mapping
from typing import Any

import jwt

from db.models import User
from graph.oidc import ALLOWED_ALGORITHMS, KeySets, ProviderUnavailable, UnknownSigningKey
from graph.tokens import Refused, VerifiedToken
from resolvers.admin import sign_in
from resolvers.admin.errors import SignInRefusal
from resolvers.errors import UserInputError
from resolvers.rules.identity import Identity, Refusal, identity_from_claims

CLOCK_SKEW_SECONDS = 60  # the most a provider's clock and ours may disagree about exp, nbf and iat
REQUIRED_CLAIMS = ["exp", "iss", "aud"]


class ProviderTokens:
    def __init__(self, key_sets: KeySets):
        self.key_sets = key_sets

    async def verify(self, state: Mapping[str, Any], token: str, unverified: Mapping[str, Any]) -> VerifiedToken:
        """The user a provider token names; `unverified` are its claims, read only to find the provider."""
        provider = await self._provider(state, unverified)
        claims = await self._claims(token, provider)
        identity = identity_from_claims(claims, provider.rules)
        if isinstance(identity, Refusal):
            raise Refused(SignInRefusal(identity.value))
        user_id = await self._user_id(state, provider, identity)
        return VerifiedToken(user_id, float(claims["exp"]) + CLOCK_SKEW_SECONDS, local=False)  # as PyJWT accepted it

    async def _provider(self, state: Mapping[str, Any], unverified: Mapping[str, Any]) -> sign_in.Provider:
        issuer = unverified.get("iss")
        if not isinstance(issuer, str):
            raise Refused(SignInRefusal.UNKNOWN_ISSUER)
        cache = state["user_cache"]
        providers = cache.get(("issuer", issuer))
        if providers is None:
            async with state["sessionmaker"]() as session:
                providers = await sign_in.providers_for_issuer(session, issuer)
            cache.put(("issuer", issuer), providers)
        if not providers:
            raise Refused(SignInRefusal.UNKNOWN_ISSUER)
        audience = unverified.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        matching = [p for p in providers if p.audience in audiences]
        if len(matching) != 1:  # none, or a token meant for two of our clients at once
            raise Refused(SignInRefusal.WRONG_AUDIENCE)
        return matching[0]

    async def _claims(self, token: str, provider: sign_in.Provider) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALLOWED_ALGORITHMS:  # refused before any key is looked up or fetched
                raise Refused(SignInRefusal.INVALID_TOKEN)
            key = await self.key_sets.key_for(provider.issuer, header.get("kid"))
            return jwt.decode(token, key, algorithms=list(ALLOWED_ALGORITHMS), audience=provider.audience,
                              issuer=provider.issuer, leeway=CLOCK_SKEW_SECONDS, options={"require": REQUIRED_CLAIMS})
        except ProviderUnavailable:
            raise Refused(SignInRefusal.IDENTITY_PROVIDER_UNAVAILABLE) from None
        except UnknownSigningKey:
            raise Refused(SignInRefusal.UNKNOWN_SIGNING_KEY) from None
        except jwt.ExpiredSignatureError:
            raise Refused(SignInRefusal.TOKEN_EXPIRED) from None
        except jwt.ImmatureSignatureError:
            raise Refused(SignInRefusal.TOKEN_NOT_YET_VALID) from None
        except jwt.InvalidAudienceError:
            raise Refused(SignInRefusal.WRONG_AUDIENCE) from None
        except jwt.InvalidTokenError:
            raise Refused(SignInRefusal.INVALID_TOKEN) from None

    async def _user_id(self, state: Mapping[str, Any], provider: sign_in.Provider, identity: Identity) -> int:
        async with state["sessionmaker"]() as session:
            found = await sign_in.user_for_identity(session, provider, identity)
        if isinstance(found, sign_in.Change):  # rare: a first sign-in to provision, or a role the provider changed
            try:
                found, _events = await state["writes"].run(
                    lambda session: sign_in.apply_change(session, provider, identity, "sign-in"))
            except UserInputError:  # the email was taken meanwhile (by another client's user)
                raise Refused(SignInRefusal.UNKNOWN_USER) from None
            if isinstance(found, User):
                state["user_cache"].pop(found.id)  # the account cached with the old role
        if isinstance(found, SignInRefusal):
            raise Refused(found)
        return found.id
