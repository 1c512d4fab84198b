"""GraphQL of customer settings: autopay, paperless billing and dunning holds (one or in bulk)."""
