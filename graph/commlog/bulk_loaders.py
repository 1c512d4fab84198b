"""Request-scoped DataLoaders of bulk note jobs (bodies in resolvers/commlog/bulk_batches.py)."""

from resolvers.commlog import bulk_batches

BulkNoteJobById = bulk_batches.jobs_by_ids
ResultPagesByJobId = bulk_batches.result_pages
