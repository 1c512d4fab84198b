"""GraphQL of a customer's timeline: every source of an account's history in one connection."""
