"""Persisted (registered) GraphQL documents: the registry rows every worker and host reads."""
