"""Request-scoped DataLoaders of the customers domain (bodies in resolvers/customers/batches.py)."""

from resolvers.customers import alerts, batches

CustomerById = batches.customers_by_ids
ChildPagesByMasterId = batches.children_pages
ChildCountByMasterId = batches.child_counts
TrailByCustomerId = batches.trails_by_customer_ids
AlertSourcesByCustomerId = alerts.alert_sources_by_customer_ids  # grouped by today
