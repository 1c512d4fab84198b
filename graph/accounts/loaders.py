"""Request-scoped DataLoaders of the accounts domain (bodies in resolvers/accounts/*batches.py)."""

from graph.caches import reference
from resolvers.accounts import batches, consumption, transaction_batches

AccountById = batches.accounts_by_ids
AccountPagesByCustomerId = batches.account_pages
AccountCountByCustomerId = batches.account_counts
PrimaryAccountByCustomerId = batches.primary_account_rows  # plain rows: UtilityAccount reads them alike
EnrollmentsByAccountId = batches.enrollments_by_account_ids
RatePlanById = batches.rate_plans_by_ids
MarketById = reference(batches.markets_by_ids)
UtilityById = reference(batches.utilities_by_ids)
TransactionPagesByAccountId = transaction_batches.transaction_pages
TransactionCountByAccountId = transaction_batches.transaction_counts
TransactionById = transaction_batches.transactions_by_ids
StatusChangePagesByAccountId = transaction_batches.status_change_pages
StatusChangeCountByAccountId = transaction_batches.status_change_counts
StatusChangeTransactionById = transaction_batches.status_change_transactions_by_ids
StatusChangeActorById = transaction_batches.status_change_actors_by_ids
UsageByAccountId = consumption.usage_in_window
UsagePeriodById = transaction_batches.usage_periods_by_ids
