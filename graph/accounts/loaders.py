"""Accounts' batch functions, named by what they map (`accounts_by_id`); the request makes a DataLoader of each."""

from graph.caches import reference
from resolvers.accounts import batches, consumption, transaction_batches

accounts_by_id = batches.accounts_by_ids
accounts_of_customer = batches.ACCOUNTS  # the declaration of Customer.utilityAccounts (its pages and counts)
account_pages_by_customer_id = batches.account_pages
account_counts_by_customer_id = batches.account_counts
primary_accounts_by_customer_id = batches.primary_account_rows  # plain rows: UtilityAccount reads them alike
enrollments_by_account_id = batches.enrollments_by_account_ids
rate_plans_by_id = batches.rate_plans_by_ids
markets_by_id = reference(batches.markets_by_ids)
utilities_by_id = reference(batches.utilities_by_ids)
transactions_of_account = transaction_batches.TRANSACTION_PAGES  # UtilityAccount.marketTransactions' declaration
status_changes_of_account = transaction_batches.STATUS_CHANGE_PAGES  # UtilityAccount.statusChanges' declaration
transaction_pages_by_account_id = transaction_batches.transaction_pages
transaction_counts_by_account_id = transaction_batches.transaction_counts
transactions_by_id = transaction_batches.transactions_by_ids
status_change_pages_by_account_id = transaction_batches.status_change_pages
status_change_counts_by_account_id = transaction_batches.status_change_counts
status_change_transactions_by_id = transaction_batches.status_change_transactions_by_ids
status_change_actors_by_id = transaction_batches.status_change_actors_by_ids
usage_by_account_id = consumption.usage_in_window
usage_periods_by_id = transaction_batches.usage_periods_by_ids
