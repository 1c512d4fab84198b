"""Customer settings: autopay, paperless billing and dunning holds (one or in bulk)."""
