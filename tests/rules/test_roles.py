"""The last-active-ADMIN rule (no database): a change may never take a client's last active admin away."""

from hypothesis import given
from hypothesis import strategies as st

from db.enums import Role
from resolvers.rules.roles import RANK, leaves_no_active_admin

ADMINS = st.frozensets(st.integers(1, 6), max_size=4)


class TestLastActiveAdmin:
    def test_demoting_or_deactivating_the_only_admin_is_refused(self):
        assert leaves_no_active_admin({1}, 1, Role.TEAM_LEAD, True)
        assert leaves_no_active_admin({1}, 1, Role.ADMIN, False)

    def test_with_a_second_admin_either_may_go(self):
        assert not leaves_no_active_admin({1, 2}, 1, Role.AGENT, True)
        assert not leaves_no_active_admin({1, 2}, 2, Role.ADMIN, False)

    def test_a_client_without_admins_is_not_made_worse(self):
        assert not leaves_no_active_admin(set(), 5, Role.AGENT, False)

    @given(ADMINS, st.integers(1, 6), st.sampled_from(list(Role)), st.booleans())
    def test_refused_exactly_when_admins_existed_and_none_remain(self, admins, user, role, active):
        after = (admins - {user}) | ({user} if active and role is Role.ADMIN else set())
        assert leaves_no_active_admin(admins, user, role, active) == (bool(admins) and not after)

    @given(ADMINS, st.integers(1, 6))
    def test_making_someone_an_active_admin_is_never_refused(self, admins, user):
        assert not leaves_no_active_admin(admins, user, Role.ADMIN, True)

    def test_roles_are_ranked_agent_lead_admin(self):
        assert sorted(Role, key=RANK.__getitem__) == [Role.AGENT, Role.TEAM_LEAD, Role.ADMIN]
