"""Customers: search, profile, hierarchy."""
