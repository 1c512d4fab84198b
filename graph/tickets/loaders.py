"""Tickets' batch functions, named by what they map (`tickets_by_id`); the request makes a DataLoader of each."""

from resolvers.tickets import batches, lists

tickets_by_id = batches.tickets_by_ids
authorized_contacts_by_id = batches.authorized_contacts_by_ids
contacts_by_customer_id = batches.contacts_by_customer_ids  # grouped by include-removed
ticket_pages_by_customer_id = lists.ticket_pages_by_customer  # grouped by (page request, statuses)
ticket_counts_by_customer_id = lists.ticket_counts_by_customer  # grouped by statuses
