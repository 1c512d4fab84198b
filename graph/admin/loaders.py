"""Request-scoped DataLoaders of the admin domain (bodies in resolvers/admin/batches.py)."""

from resolvers.admin import batches

UserById = batches.users_by_ids
AuditEventById = batches.audit_events_by_ids
AuditPagesByObjectId = batches.audit_pages
AuditCountByObjectId = batches.audit_counts
