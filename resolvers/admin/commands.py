"""Change what belongs to the viewer: their screen preferences."""

from typing import Any

from sqlalchemy import select

from db.models import User
from resolvers import audit
from resolvers.admin.errors import AdminErrorCode
from resolvers.context import RequestScope
from resolvers.errors import UserInputError
from resolvers.permissions import Action, ensure_allowed
from resolvers.rules import preferences as rules
from resolvers.scope import tenant_scoped


async def viewer_user(scope: RequestScope) -> User:
    stmt = tenant_scoped(select(User).where(User.id == scope.viewer.user_id), User, scope)
    return (await scope.db.execute(stmt)).scalar_one()


async def update_viewer_preferences(
    scope: RequestScope, changes: dict[str, Any], comm_log: dict[str, Any]
) -> rules.Preferences:
    ensure_allowed(scope, Action.UPDATE_OWN_PREFERENCES)
    user = await viewer_user(scope)
    before = rules.from_json(user.preferences)
    after = rules.merged(before, changes, comm_log)
    for problem in rules.problems(after):
        raise UserInputError(AdminErrorCode.INVALID_PREFERENCES, problem.message, tuple(problem.field.split(".")))
    user.preferences = rules.to_json(after)
    changed = audit.diff(rules.to_json(before), user.preferences)
    if changed:
        await audit.record(scope, "user.update_preferences", "User", user.id, changed)
    await scope.db.flush()
    return after
