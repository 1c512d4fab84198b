"""The short reference of a ticket that agents quote to customers and write into notes."""


def ticket_number(pk: int) -> str:
    """Derived from the key, so it needs no column and never changes."""
    return f"TKT-{pk:06d}"
