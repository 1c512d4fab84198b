"""What a re-imported row changes on an existing customer or account: the from-to of each field, written
and audited (rows that change nothing never reach Python: `import_sql.changed_rows` filters them in SQL)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import aliased

from db.base import utcnow
from db.bulk import copy_dicts
from db.enums import EnrollmentStatus, ImportRowOutcome
from db.models import AuditEvent, Customer, Enrollment, EnrollmentStatusChange, UtilityAccount
from resolvers.context import RequestScope
from resolvers.customers.imports.sql import ACCOUNT_FIELDS, CUSTOMER_FIELDS
from resolvers.scope import tenant_scoped

ADDRESS = {"billing_line1", "billing_line2", "billing_city", "billing_state", "billing_zip", "service_line1",
           "service_line2", "service_city", "service_state", "service_zip"}


@dataclass(slots=True)
class Changes:
    """The batch's changes, gathered from its changed rows."""

    names: dict[int, str]  # id -> code, to show utilities and rate plans by code
    customers: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)
    accounts: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)
    outcomes: dict[int, str] = field(default_factory=dict)  # row id -> outcome
    texts: dict[int, str] = field(default_factory=dict)  # row id -> "field: from -> to; ..."

    def add(self, row: Any) -> None:
        values = row._mapping
        customer = _diff(values, CUSTOMER_FIELDS) if row.first else {}
        account = _diff(values, ACCOUNT_FIELDS) if row.utility_account_id is not None else {}
        account.pop("market_id", None)  # it follows the utility
        if customer:
            self.customers[row.customer_id] = customer
        if account:
            self.accounts[row.utility_account_id] = account
        if customer or account:
            self.texts[row.id] = "; ".join(f"{k}: {self._shown(k, v['from'])} -> {self._shown(k, v['to'])}"
                                           for k, v in {**customer, **account}.items())
            if row.outcome is None:
                self.outcomes[row.id] = ImportRowOutcome.UPDATED.value

    def _shown(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return "(none)"
        return self.names.get(value, str(value)) if name in ("utility_id", "rate_plan_id") else str(value)

    def reindexed(self) -> tuple[list[int], list[int]]:
        """(customers whose name changed, customers whose address key changed)."""
        names = [i for i, c in self.customers.items() if "name" in c]
        addresses = {i for i, c in self.customers.items() if ADDRESS & c.keys()}
        return names, sorted(addresses)


def _diff(values: Any, fields: Sequence[str]) -> dict[str, dict[str, Any]]:
    found = {}
    for name in fields:
        if f"new_{name}" not in values:
            continue
        new, old = values[f"new_{name}"], _plain(values[f"old_{name}"])
        if _plain(new) != old:
            found[name] = {"from": old, "to": _plain(new)}
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


async def write(scope: RequestScope, changes: Changes, reason: str) -> list[int]:
    """Apply and audit every change; returns the customers whose accounts' addresses changed."""
    now = utcnow()
    for customer_id, fields in changes.customers.items():
        await scope.db.execute(
            update(Customer).where(Customer.id == customer_id).values({k: v["to"] for k, v in fields.items()}),
            execution_options={"synchronize_session": False},
        )
    for account_id, fields in changes.accounts.items():
        values = {k: _typed(k, v["to"]) for k, v in fields.items()}
        await scope.db.execute(update(UtilityAccount).where(UtilityAccount.id == account_id).values(values),
                               execution_options={"synchronize_session": False})
    await _follow_enrollments(scope, changes.accounts, now, reason)
    audits = [_audit(scope, "customer.import_update", "Customer", i, c, now) for i, c in changes.customers.items()]
    audits += [_audit(scope, "utility_account.import_update", "UtilityAccount", i, {_name(k): _shown(changes, k, v)
               for k, v in c.items()}, now) for i, c in changes.accounts.items()]
    if audits:
        await copy_dicts(scope.db, AuditEvent.__table__, audits)
    moved = [i for i, c in changes.accounts.items() if ADDRESS & c.keys()]
    return await _customers_of(scope, moved)


def _name(field_name: str) -> str:
    return field_name.removesuffix("_id") if field_name in ("utility_id", "rate_plan_id") else field_name


def _shown(changes: Changes, name: str, change: dict[str, Any]) -> dict[str, Any]:
    if name not in ("utility_id", "rate_plan_id"):
        return change
    return {side: changes.names.get(value, value) for side, value in change.items()}


def _typed(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in ("start_date", "end_date"):
        return date.fromisoformat(value)
    return EnrollmentStatus(value) if name == "status" else value


def _audit(scope: RequestScope, action: str, kind: str, object_id: int, changes: dict[str, Any], now: Any) -> dict:
    return {"client_id": scope.tenant_id, "actor_id": scope.viewer.user_id, "action": action, "object_type": kind,
            "object_id": object_id, "changes": changes, "request_id": scope.request_id, "created_at": now}


async def _follow_enrollments(scope: RequestScope, accounts: dict[int, dict[str, dict[str, Any]]], now: Any,
                              reason: str) -> None:
    """A changed status is a status change in the history; the current enrollment follows status, dates and plan."""
    moved = [
        {
            "client_id": scope.tenant_id,
            "utility_account_id": i,
            "from_status": c["status"]["from"],
            "to_status": c["status"]["to"],
            "changed_at": now,
            "reason": reason[:200],
            "actor_id": scope.viewer.user_id,
        }
        for i, c in accounts.items()
        if "status" in c
    ]
    if moved:
        await copy_dicts(scope.db, EnrollmentStatusChange.__table__, moved)
    followed = {"status", "start_date", "end_date", "rate_plan_id"}
    for account_id, fields in accounts.items():
        values = {k: _typed(k, v["to"]) for k, v in fields.items() if k in followed}
        if not values:
            continue
        latest = aliased(Enrollment)  # not correlated to the UPDATE's own table
        current = tenant_scoped(select(func.max(latest.id)), latest, scope).where(
            latest.utility_account_id == bindparam("account", account_id)).scalar_subquery()
        await scope.db.execute(update(Enrollment).where(Enrollment.id == current).values(values),
                               execution_options={"synchronize_session": False})


async def _customers_of(scope: RequestScope, account_ids: Sequence[int]) -> list[int]:
    if not account_ids:
        return []
    stmt = tenant_scoped(select(UtilityAccount.customer_id), UtilityAccount, scope).where(
        UtilityAccount.id.in_(account_ids)
    )
    return list(set((await scope.db.execute(stmt)).scalars()))
