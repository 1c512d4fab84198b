"""Utility accounts: premises, enrollments, reference data (markets, utilities, rate plans)."""
