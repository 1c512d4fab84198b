"""GraphQL of letters: templates, documents (the PDFs) and notifications (their deliveries)."""
