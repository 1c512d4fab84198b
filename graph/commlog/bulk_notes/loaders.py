"""Bulk notes' batch functions, named by what they map (`bulk_note_jobs_by_id`); the request loads through each."""

from resolvers.commlog.bulk_notes import batches as bulk_batches

bulk_note_jobs_by_id = bulk_batches.jobs_by_ids
result_pages_by_job_id = bulk_batches.result_pages
