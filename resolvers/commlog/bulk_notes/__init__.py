"""Bulk notes: one note added to many accounts listed in a CSV file or typed."""
