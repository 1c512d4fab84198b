"""GraphQL of customer imports: a CSV book of customers loaded as a job with per-row results."""
