"""Letters: templates rendered to PDF documents, delivered by notifications through the outbox."""
