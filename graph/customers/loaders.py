"""Customers' batch functions, named by what they map (`customers_by_id`); the request makes a DataLoader of each."""

from resolvers.customers import alerts, batches
from resolvers.customers.imports import batches as import_batches
from resolvers.customers.timeline import queries as timeline

customers_by_id = batches.customers_by_ids
children_of_master = batches.CHILDREN  # the declaration of Customer.children (its pages and counts)
child_pages_by_master_id = batches.children_pages
child_counts_by_master_id = batches.child_counts
trails_by_customer_id = batches.trails_by_customer_ids
alert_sources_by_customer_id = alerts.alert_sources_by_customer_ids  # grouped by today
alert_subjects_by_id = alerts.subject_rows  # grouped by SubjectKind
timeline_pages_by_owner = timeline.timeline_pages  # grouped by TimelineQuery
timeline_counts_by_owner = timeline.timeline_counts  # grouped by TimelineWindow
subject_rows_by_id = timeline.subject_rows  # grouped by kind
import_jobs_by_id = import_batches.jobs_by_ids
import_result_pages_by_job_id = import_batches.result_pages  # grouped by ResultPage
