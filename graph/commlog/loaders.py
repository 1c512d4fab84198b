"""Request-scoped DataLoaders of the communication log (bodies in resolvers/commlog/batches.py)."""

from resolvers.commlog import batches

EntryPagesByParentId = batches.entry_pages
EntryCountByParentId = batches.entry_counts
MemosByEntryId = batches.memos_by_entry_ids
CriticalEntriesByCustomerId = batches.critical_entries_by_customer_ids
EntryById = batches.entries_by_ids
MemoById = batches.memos_by_ids
