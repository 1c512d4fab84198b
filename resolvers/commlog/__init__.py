"""Communication log: entries, memos, notes policy, bulk notes, letters, documents, notifications."""
