"""utility-accounts.csv: every utility account of the client with its premise, in LDC-number order (streamed)."""

from typing import Any

from sqlalchemy import Select, String, cast, select

from db.models import Customer, Market, RatePlan, Utility, UtilityAccount
from resolvers.context import RequestScope
from resolvers.exports import Batches, check_export_allowed, row_batches
from resolvers.scope import tenant_scoped
from resolvers.sql_text import code_text, day_text, flag_text

HEADER = ("ldc_account_number", "customer_number", "utility", "market", "status", "rate_plan", "start_date",
          "end_date", "contract_term_months", "renewal_pending", "pending_transfer", "service_line1",
          "service_line2", "service_city", "service_state", "service_zip", "meter_number", "rate_class",
          "load_profile", "premise_type", "meter_type", "read_cycle")


def account_batches(scope: RequestScope) -> Batches:
    """The client's utility accounts as rows of text cells, a batch at a time; Forbidden (at once) below TEAM_LEAD."""
    check_export_allowed(scope)
    return row_batches(scope, _statement(scope))


def _statement(scope: RequestScope) -> Select[Any]:
    a = UtilityAccount
    stmt = select(a.ldc_account_number, Customer.number, Utility.code, Market.code, code_text(a.status), RatePlan.code,
                  day_text(a.start_date), day_text(a.end_date), cast(a.contract_term_months, String),
                  flag_text(a.renewal_pending), flag_text(a.pending_transfer), a.service_line1, a.service_line2,
                  a.service_city, a.service_state, a.service_zip, a.meter_number, a.rate_class, a.load_profile,
                  a.premise_type, a.meter_type, a.read_cycle)
    stmt = (stmt.join(Customer, Customer.id == a.customer_id).join(Utility, Utility.id == a.utility_id)
            .join(Market, Market.id == a.market_id).outerjoin(RatePlan, RatePlan.id == a.rate_plan_id))
    return tenant_scoped(stmt, a, scope).order_by(a.ldc_account_number)  # the (client_id, ldc number) index
