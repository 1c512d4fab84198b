"""Request-scoped DataLoaders of the tickets domain (bodies in resolvers/tickets/batches.py)."""

from resolvers.tickets import batches, lists

TicketById = batches.tickets_by_ids
AuthorizedContactById = batches.authorized_contacts_by_ids
ContactsByCustomerId = batches.contacts_by_customer_ids  # grouped by include-removed
TicketPagesByCustomerId = lists.ticket_pages_by_customer  # grouped by (page request, statuses)
TicketCountByCustomerId = lists.ticket_counts_by_customer  # grouped by statuses
