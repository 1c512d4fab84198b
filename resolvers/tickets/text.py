"""Free text typed by agents: trimmed, single-spaced, required and bounded, with the input path at fault."""

from resolvers.errors import Field, Invalid


def required_text(value: str | None, limit: int, field: Field, what: str) -> str:
    """Trimmed, single-spaced, non-blank and within `limit` characters; `field` names the input at fault."""
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise Invalid(f"{what} is required.", field)
    if len(cleaned) > limit:
        raise Invalid(f"{what} is at most {limit} characters.", field)
    return cleaned
