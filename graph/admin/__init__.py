"""GraphQL of tenants, users, preferences and the audit trail."""
