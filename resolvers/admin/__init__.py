"""Tenants, users and their preferences, the audit trail."""
