"""customers.csv: every customer of the client, one row each, in customer-number order (streamed)."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from db.models import Customer
from resolvers.context import RequestScope
from resolvers.exports import Batches, check_export_allowed, row_batches
from resolvers.scope import tenant_scoped
from resolvers.sql_text import code_text, day_text, flag_text, utc_text

HEADER = ("customer_number", "name", "kind", "email", "phone", "language", "billing_line1", "billing_line2",
          "billing_city", "billing_state", "billing_zip", "is_master", "master_number", "autopay", "paperless",
          "dunning_hold_until", "created_at")


def customer_batches(scope: RequestScope) -> Batches:
    """The client's customers as rows of text cells, a batch at a time; Forbidden (at once) below TEAM_LEAD."""
    check_export_allowed(scope)
    return row_batches(scope, _statement(scope))


def _statement(scope: RequestScope) -> Select[Any]:
    master, c = aliased(Customer), Customer
    stmt = select(c.number, c.name, code_text(c.kind), c.email, c.phone, c.language, c.billing_line1, c.billing_line2,
                  c.billing_city, c.billing_state, c.billing_zip, flag_text(c.is_master), master.number,
                  flag_text(c.autopay), flag_text(c.paperless), day_text(c.dunning_hold_until), utc_text(c.created_at))
    stmt = stmt.outerjoin(master, master.id == c.master_id)
    return tenant_scoped(stmt, c, scope).order_by(c.number)  # the (client_id, number) index: no sort
