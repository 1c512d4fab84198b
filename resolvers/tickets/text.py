"""Free text typed by agents: trimmed, single-spaced, required and bounded, with the input path at fault."""

from resolvers.errors import Invalid


def required_text(value: str | None, limit: int, field: str | list[str], what: str) -> str:
    """Trimmed, single-spaced, non-blank and within `limit` characters; `field` names the input at fault."""
    path = ["input", *([field] if isinstance(field, str) else field)]
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise Invalid(f"{what} is required.", path)
    if len(cleaned) > limit:
        raise Invalid(f"{what} is at most {limit} characters.", path)
    return cleaned
