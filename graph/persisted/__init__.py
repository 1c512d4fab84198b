"""Registered (persisted) GraphQL documents: the registry, the request forms that name them, their fast path."""
