"""A customer's timeline: one keyset-paged list over every source."""
