"""The SPA's CustomerProfile answer (spa/operations/CustomerProfile.graphql) for one customer, by hand: SQL on stdlib
sqlite3, dicts, orjson. The floor `bench http` compares the registered document with over HTTP (bench/http_server.py
serves it from a bare Starlette route); the bench checks the two answers are the same bytes.

The business rules the profile shows (alerts, the dunning hold, aging, the viewer's tasks) come from their pure
functions in resolvers/rules (and the task table): only the reads and the shaping are written out here.
"""

import sqlite3
from datetime import UTC, date, datetime
from typing import Any

import orjson

from bench.nested import ACCOUNTS, CHILDREN, CUSTOMER_COLUMNS, Refs, _account, _address, _brief, _by_id, _gid, _grouped
from db.enums import EnrollmentStatus, Role, TicketStatus
from graph.core.relay import encode_cursor
from graph.customers.capabilities import TASKS
from graph.customers.types import NAME_CURSOR
from resolvers.permissions import can
from resolvers.rules import alerts as rules
from resolvers.rules.aging import age
from resolvers.rules.dunning import current_hold
from resolvers.rules.money import CURRENCY, to_decimal
from resolvers.tickets.numbers import ticket_number

# the document's viewerCan selection, in its order (the task table's names, camelCased by the schema)
VIEWER_CAN = ("add_note", "send_letter", "update_contact_info", "create_ticket", "post_payment", "reverse_payment",
              "create_adjustment", "enroll_utility_account")
_PRICE = ("(SELECT energy_rate_millicents FROM rate_plan_prices r WHERE r.rate_plan_id = p.id "
          "AND r.effective_from <= date('now') ORDER BY r.effective_from DESC, r.id DESC LIMIT 1)")


def customer_pk(global_id: str) -> int | None:
    """The key of a Customer's global id (base64 of `Customer:<pk>`), None for anything else."""
    from base64 import b64decode

    try:
        kind, _, pk = b64decode(global_id).decode().partition(":")
    except ValueError:
        return None
    return int(pk) if kind == "Customer" and pk.isdigit() else None


class ProfileFloor:
    """Answers CustomerProfile for the customers of one client, as one viewer role, on one connection."""

    def __init__(self, conn: sqlite3.Connection, client_id: int, role: Role):
        conn.row_factory = sqlite3.Row
        self.conn, self.client_id = conn, client_id
        self.viewer_can = {_camel(name): can(role, TASKS[name].action) for name in VIEWER_CAN}

    def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        return self.conn.execute(sql, (self.client_id, *params)).fetchall()

    def body(self, pk: int | None) -> bytes:
        """The response body for the customer `pk` (None, or another client's: `node` is null)."""
        found = self.rows(f"SELECT {CUSTOMER_COLUMNS}, autopay, paperless, dunning_hold_until, dunning_hold_reason "
                          "FROM customers WHERE client_id = ? AND id = ?", pk) if pk is not None else []
        return orjson.dumps({"data": {"node": self._profile(found[0]) if found else None}})

    def _profile(self, c: sqlite3.Row) -> dict[str, Any]:
        today = datetime.now(UTC).date()
        master = self.rows("SELECT id, number, name FROM customers WHERE client_id = ? AND id = ?", c["master_id"])
        ledger, open_items = self._standing(c["id"])
        past_due = age(open_items, today).past_due
        hold = current_hold(_day(c["dunning_hold_until"]), c["dunning_hold_reason"], today)
        return {
            "id": _gid("Customer", c["id"]), "number": c["number"], "name": c["name"], "kind": c["kind"],
            "email": c["email"], "phone": c["phone"], "language": c["language"], "isMaster": bool(c["is_master"]),
            "billingAddress": _address(c, "billing"),
            "master": _brief(master[0]) if master else None,
            "hierarchyTrail": [_brief(t) for t in self._trail(c["id"])],
            "children": self._children(c["id"]),
            "utilityAccounts": self._accounts(c["id"]),
            "alerts": self._alerts(c, past_due, today),
            "viewerCan": self.viewer_can,
            "settings": {"autopay": bool(c["autopay"]), "paperless": bool(c["paperless"]),
                         "dunningExcluded": hold is not None,
                         "dunningHold": {"until": hold.until.isoformat(), "reason": hold.reason, "active": True}
                         if hold else None},
            "balance": _money(ledger),
            "pastDue": _money(past_due),
        }

    def _trail(self, pk: int) -> list[sqlite3.Row]:
        # the client checked on the rows reached, as resolvers/customers/batches.py does: a term on `c` in the
        # recursive step makes SQLite build a Bloom filter over the whole table at each step
        return self.rows("""
            WITH RECURSIVE trail(id, master_id, client_id, depth) AS (
              SELECT id, master_id, client_id, 0 FROM customers WHERE client_id = ?1 AND id = ?2
              UNION ALL
              SELECT c.id, c.master_id, c.client_id, trail.depth + 1
              FROM customers c JOIN trail ON c.id = trail.master_id WHERE trail.client_id = ?1 AND trail.depth < 10)
            SELECT c.id, c.number, c.name FROM trail JOIN customers c ON c.id = trail.id WHERE trail.client_id = ?1
            ORDER BY trail.depth DESC""", pk)

    def _children(self, pk: int) -> dict[str, Any]:
        rows = self.rows("SELECT id, number, name, name_key, count(*) OVER () AS total FROM customers "
                         "WHERE client_id = ? AND master_id = ? ORDER BY name_key, id LIMIT ?", pk, CHILDREN + 1)
        page = rows[:CHILDREN]
        end = encode_cursor((page[-1]["name_key"], page[-1]["id"]), NAME_CURSOR) if page else None
        return {"totalCount": rows[0]["total"] if rows else 0,
                "pageInfo": {"hasNextPage": len(rows) > CHILDREN, "endCursor": end},
                "edges": [{"node": _brief(k)} for k in page]}

    def _accounts(self, pk: int) -> dict[str, Any]:
        accounts = self.rows("SELECT *, count(*) OVER () AS total FROM utility_accounts "
                             "WHERE client_id = ? AND customer_id = ? ORDER BY id LIMIT ?", pk, ACCOUNTS)
        ids = [a["id"] for a in accounts]
        marks = ",".join("?" * len(ids))
        enrollments = _grouped(self.rows(
            "SELECT utility_account_id, rate_plan_id, status, start_date, end_date FROM enrollments "
            f"WHERE client_id = ? AND utility_account_id IN ({marks}) ORDER BY start_date DESC, id DESC", *ids),
            "utility_account_id") if ids else {}
        plan_ids = {a["rate_plan_id"] for a in accounts} | {e["rate_plan_id"] for g in enrollments.values() for e in g}
        plan_ids.discard(None)
        plans = self.rows(f"SELECT id, code, name, kind, {_PRICE} AS energy_rate_millicents, term_months "
                          f"FROM rate_plans p WHERE client_id = ? AND id IN ({','.join('?' * len(plan_ids))})",
                          *plan_ids) if plan_ids else []
        refs = Refs(masters={}, trails={}, children={}, accounts={}, enrollments=enrollments, plans=_by_id(plans),
                    utilities=self._reference("utilities", {a["utility_id"] for a in accounts}),
                    markets=self._reference("markets", {a["market_id"] for a in accounts}))
        return {"totalCount": accounts[0]["total"] if accounts else 0,
                "edges": [{"node": _account(a, refs)} for a in accounts]}

    def _reference(self, table: str, ids: set[int]) -> dict[int, sqlite3.Row]:
        """Markets or utilities: shared reference data, no tenant column."""
        if not ids:
            return {}
        return _by_id(self.conn.execute(f"SELECT id, code, name FROM {table} WHERE id IN ({','.join('?' * len(ids))})",
                                        tuple(ids)).fetchall())

    def _standing(self, pk: int) -> tuple[int, list[tuple[date, int]]]:
        """The ledger's sum (the balance) and the open invoice amounts by due date (aging)."""
        [ledger] = self.rows("SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries "
                             "WHERE client_id = ? AND customer_id = ?", pk)
        items = self.rows("SELECT due_on, sum(open_cents) FROM invoices WHERE client_id = ? AND customer_id = ? "
                          "AND open_cents > 0 GROUP BY due_on", pk)
        return int(ledger[0]), [(date.fromisoformat(d), int(cents)) for d, cents in items]

    def _alerts(self, c: sqlite3.Row, past_due_cents: int, today: date) -> list[dict[str, str]]:
        pk = c["id"]
        critical = self.rows("SELECT id, created_at, subject, body, reason FROM comm_log_entries "
                             "WHERE client_id = ? AND customer_id = ? AND critical = 1 ORDER BY id DESC", pk)
        first, last = rules.renewal_window(today)
        drops = ",".join(f"'{status.value}'" for status in rules.DROP_KINDS)
        accounts = self.rows(
            "SELECT id, ldc_account_number, status, end_date, renewal_pending, pending_transfer FROM utility_accounts "
            f"WHERE client_id = ? AND customer_id = ? AND (status IN ({drops}) OR pending_transfer = 1 OR "
            "(status = 'ACTIVE' AND (renewal_pending = 1 OR end_date BETWEEN ? AND ?))) ORDER BY id",
            pk, first.isoformat(), last.isoformat())
        tickets = self.rows("SELECT id, summary, status, created_at FROM tickets "
                            "WHERE client_id = ? AND customer_id = ? AND status != 'CLOSED' ORDER BY id", pk)
        returned = self.rows("SELECT id, amount_cents, received_on, returned_at, returned_reason FROM payments "
                             "WHERE client_id = ? AND customer_id = ? AND status = 'RETURNED' "
                             "AND returned_at IS NOT NULL ORDER BY id", pk)
        oldest = self.rows("SELECT id, number, due_on FROM invoices WHERE client_id = ? AND customer_id = ? "
                           "AND open_cents > 0 AND due_on < ? ORDER BY due_on, issued_on, number LIMIT 1",
                           pk, today.isoformat())
        invoice = oldest[0] if oldest else None
        facts = rules.AlertFacts(
            customer_id=pk,
            critical_notes=tuple(rules.CriticalNote(n["id"], _moment(n["created_at"]), n["subject"], n["body"],
                                                    n["reason"]) for n in critical),
            past_due=rules.PastDue(past_due_cents, *((invoice["id"], invoice["number"], _day(invoice["due_on"]))
                                                     if invoice else (None, None, None))),
            hold=rules.HoldFacts(_day(c["dunning_hold_until"]), c["dunning_hold_reason"]),
            accounts=tuple(rules.AccountFacts(a["id"], a["ldc_account_number"], EnrollmentStatus(a["status"]),
                                              _day(a["end_date"]), bool(a["renewal_pending"]),
                                              bool(a["pending_transfer"])) for a in accounts),
            tickets=tuple(rules.TicketFacts(t["id"], ticket_number(t["id"]), t["summary"], TicketStatus(t["status"]),
                                            _moment(t["created_at"])) for t in tickets),
            returned_payments=tuple(rules.ReturnedPayment(p["id"], p["amount_cents"], date.fromisoformat(
                p["received_on"]), _moment(p["returned_at"]), p["returned_reason"]) for p in returned),
        )
        return [{"kind": a.kind.value, "severity": a.severity.value, "message": a.message}
                for a in rules.account_alerts(facts, today)]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str) -> datetime:
    """A stored UTC time (with or without its offset, as db/base.py's UtcDateTime reads it)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _money(cents: int) -> dict[str, str]:
    return {"amount": str(to_decimal(cents)), "currency": CURRENCY}
