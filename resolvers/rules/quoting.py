"""Input quoted back in an error message: escaped, so what was typed is what the reader sees, and short."""

import json


def quoted(text: str, limit: int = 40) -> str:
    """The text in double quotes, JSON-escaped (an Arabic-Indic three reads as \\u0663), cut after `limit`."""
    return json.dumps(text if len(text) <= limit else text[:limit] + "...")
