"""GraphQL of the communication log: entries, memos, notes policy, letters, bulk notes."""
