"""Request-scoped DataLoaders of the accounts domain (bodies in resolvers/accounts/batches.py)."""

from resolvers.accounts import batches

AccountById = batches.accounts_by_ids
AccountPagesByCustomerId = batches.account_pages
AccountCountByCustomerId = batches.account_counts
PrimaryAccountByCustomerId = batches.primary_accounts
EnrollmentsByAccountId = batches.enrollments_by_account_ids
RatePlanById = batches.rate_plans_by_ids
MarketById = batches.markets_by_ids
UtilityById = batches.utilities_by_ids
