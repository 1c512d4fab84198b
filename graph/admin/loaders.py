"""Admin's batch functions, named by what they map (`users_by_id`); the request makes a DataLoader of each."""

from resolvers.admin import batches

users_by_id = batches.users_by_ids
audit_events_by_id = batches.audit_events_by_ids
audit_pages_by_object_id = batches.audit_pages
audit_counts_by_object_id = batches.audit_counts
