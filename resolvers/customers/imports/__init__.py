"""Customer imports: a CSV book of customers checked, staged and written set-based."""
