"""Letters' batch functions, named by what they map (`documents_by_id`); the request makes a DataLoader of each."""

from resolvers.commlog.letters import batches as letter_batches

documents_by_id = letter_batches.documents_by_ids
notifications_by_id = letter_batches.notifications_by_ids
templates_by_id = letter_batches.templates_by_ids
document_pages_by_customer_id = letter_batches.document_pages
document_counts_by_customer_id = letter_batches.document_counts
notification_pages_by_customer_id = letter_batches.notification_pages
notification_counts_by_customer_id = letter_batches.notification_counts
notifications_by_document_id = letter_batches.notifications_by_document_ids
notifications_by_entry_id = letter_batches.notifications_by_entry_ids
