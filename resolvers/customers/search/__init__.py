"""The customer search panel and the search keys it reads."""
