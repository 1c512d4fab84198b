"""Persistence: typed SQLAlchemy models, the engine, migrations and demo data."""
