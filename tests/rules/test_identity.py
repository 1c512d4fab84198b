"""Provider sign-in rules (no database): who a verified token's claims name, and which settings make sense."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.enums import Role, RoleSource
from resolvers.rules.identity import (
    Identity,
    ProviderRules,
    Refusal,
    claim_value,
    identity_from_claims,
    issuer_problem,
    mapping_problem,
    role_from_claim,
)

GROUPS = {"csr-agents": Role.AGENT, "csr-leads": Role.TEAM_LEAD, "csr-admins": Role.ADMIN}
BY_CLAIM = ProviderRules("email", RoleSource.CLAIM, "groups", GROUPS)


class TestIdentityFromClaims:
    @pytest.mark.parametrize(
        ("claims", "rules", "expected"),
        [
            (
                {"email": " Pat@Lumen.Example ", "name": "Pat"},
                ProviderRules(),
                Identity("pat@lumen.example", "Pat", None),
            ),
            (
                {"preferred_username": "pat@x.example"},
                ProviderRules("preferred_username"),
                Identity("pat@x.example", None, None),
            ),
            ({"sub": "pat@x.example"}, ProviderRules("sub"), Identity("pat@x.example", None, None)),
            (
                {"email": "pat@x.example", "email_verified": True},
                ProviderRules(),
                Identity("pat@x.example", None, None),
            ),
            (
                {"email": "pat@x.example", "groups": ["other", "csr-leads"]},
                BY_CLAIM,
                Identity("pat@x.example", None, Role.TEAM_LEAD),
            ),
            ({"email": "pat@x.example", "groups": "csr-admins"}, BY_CLAIM, Identity("pat@x.example", None, Role.ADMIN)),
        ],
    )
    def test_accepted(self, claims, rules, expected):
        assert identity_from_claims(claims, rules) == expected

    @pytest.mark.parametrize(("claims", "rules", "refusal"), [
        ({}, ProviderRules(), Refusal.NO_EMAIL),
        ({"email": "no-at-sign"}, ProviderRules(), Refusal.NO_EMAIL),
        ({"email": ["pat@x.example"]}, ProviderRules(), Refusal.NO_EMAIL),
        ({"email": "pat@x.example"}, ProviderRules("upn"), Refusal.NO_EMAIL),
        ({"email": "pat@x.example", "email_verified": False}, ProviderRules(), Refusal.EMAIL_NOT_VERIFIED),
        ({"email": "pat@x.example"}, BY_CLAIM, Refusal.NO_ROLE),
        ({"email": "pat@x.example", "groups": ["everyone"]}, BY_CLAIM, Refusal.NO_ROLE),
        ({"email": "pat@x.example", "groups": [{"csr-admins": 1}]}, BY_CLAIM, Refusal.NO_ROLE),
    ])
    def test_refused(self, claims, rules, refusal):
        assert identity_from_claims(claims, rules) is refusal

    @given(st.lists(st.sampled_from([*GROUPS, "x", "y"]), max_size=6))
    def test_the_highest_mapped_role_wins(self, groups):
        mapped = [GROUPS[g] for g in groups if g in GROUPS]
        expected = max(mapped, key=[Role.AGENT, Role.TEAM_LEAD, Role.ADMIN].index) if mapped else None
        assert role_from_claim(groups, GROUPS) == expected

    def test_nested_claims_by_dotted_path_and_exact_names_first(self):
        claims = {"realm_access": {"roles": ["csr-leads"]}, "https://x.example/roles": ["csr-admins"]}
        assert claim_value(claims, "realm_access.roles") == ["csr-leads"]
        assert claim_value(claims, "https://x.example/roles") == ["csr-admins"]
        assert claim_value(claims, "realm_access.missing") is None


class TestProviderSettings:
    @pytest.mark.parametrize("issuer", [
        "https://login.microsoftonline.com/0a1b/v2.0", "https://acme.okta.com", "http://127.0.0.1:8080/realms/x",
        "http://localhost:9000",
    ])
    def test_good_issuers(self, issuer):
        assert issuer_problem(issuer) is None

    @pytest.mark.parametrize("issuer", [
        "", "csrgraph", "login.example.com", "http://login.example.com", "ftp://x.example", "https://",
        "https://x.example/?tenant=1", "https://x.example/#a", "https://[::1", "https://x.example/" + "a" * 500,
    ])
    def test_bad_issuers(self, issuer):
        assert issuer_problem(issuer) is not None

    @pytest.mark.parametrize(("source", "claim", "mapping", "ok"), [
        (RoleSource.STORED, None, {}, True),
        (RoleSource.STORED, "groups", {}, False),
        (RoleSource.STORED, None, GROUPS, False),
        (RoleSource.CLAIM, "groups", GROUPS, True),
        (RoleSource.CLAIM, None, GROUPS, False),
        (RoleSource.CLAIM, "groups", {}, False),
        (RoleSource.CLAIM, "groups", {" ": Role.AGENT}, False),
        (RoleSource.CLAIM, "groups", {f"g{n}": Role.AGENT for n in range(51)}, False),
    ])
    def test_role_mapping_fits_the_role_source(self, source, claim, mapping, ok):
        assert (mapping_problem(source, claim, mapping) is None) == ok
