"""GraphQL of bulk notes: one note added to many accounts, as a job with per-account results."""
