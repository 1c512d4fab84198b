"""Request-scoped DataLoaders of letters (bodies in resolvers/commlog/letter_batches.py)."""

from resolvers.commlog import letter_batches

DocumentById = letter_batches.documents_by_ids
NotificationById = letter_batches.notifications_by_ids
TemplateById = letter_batches.templates_by_ids
DocumentPagesByCustomerId = letter_batches.document_pages
DocumentCountByCustomerId = letter_batches.document_counts
NotificationPagesByCustomerId = letter_batches.notification_pages
NotificationCountByCustomerId = letter_batches.notification_counts
NotificationsByDocumentId = letter_batches.notifications_by_document_ids
NotificationsByEntryId = letter_batches.notifications_by_entry_ids
