"""Roles: their order, and the rule that a client always keeps an active admin."""

from collections.abc import Set

from db.enums import Role

RANK = {Role.AGENT: 1, Role.TEAM_LEAD: 2, Role.ADMIN: 3}  # each role includes the ones ranked below it


def leaves_no_active_admin(active_admins: Set[int], user_id: int, role: Role, active: bool) -> bool:
    """Whether giving user `user_id` this role and active flag takes the client's last active ADMIN away.

    `active_admins` are the client's active admins before the change. Without one, nobody could invite, change
    or reactivate users, or fix the sign-in settings, through the API. A client that has no active admin yet
    (only the command line adds the first) is not made worse by any change.
    """
    after = set(active_admins) - {user_id}
    if active and role is Role.ADMIN:
        after.add(user_id)
    return bool(active_admins) and not after
