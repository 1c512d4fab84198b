"""GraphQL of utility accounts: accounts, premises, enrollments and reference data."""
