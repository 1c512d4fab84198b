"""GraphQL of the customer search results grid."""
