"""GraphQL of customers: search, profile, hierarchy."""
