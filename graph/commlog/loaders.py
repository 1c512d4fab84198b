"""The log's batch functions, named by what they map (`entries_by_id`); the request makes a DataLoader of each."""

from resolvers.commlog import batches

entry_pages_by_parent_id = batches.entry_pages
entry_counts_by_parent_id = batches.entry_counts
memos_by_entry_id = batches.memos_by_entry_ids
entries_by_id = batches.entries_by_ids
memos_by_id = batches.memos_by_ids
