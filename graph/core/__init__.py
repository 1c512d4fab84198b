"""Conventions every domain shares: Relay nodes and connections, errors, the mutation wrapper."""
