"""The CSV files csrgraph writes: RFC 4180 text, and cells a spreadsheet shows as they are.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return) as a
formula: text from clients' files or customers' names could then run commands (CSV injection).
Such text gets a leading apostrophe, which spreadsheets hide. A plain number (`-20.00`, a phone
number like `+12155550123`) is left alone: a spreadsheet reads it as the number it is, and a
reporting tool gets the value unchanged.
"""

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9.]*")
# Where a cell that safe_text would change can be in written CSV: at a line start or after a comma, either
# quoted (a plain number never is, so any formula start counts) or bare, and then not a plain number up to the
# next comma or line end. One search of a written batch finds every such cell (and now and then text inside a
# quoted cell); only then are the rows written again cell by cell. The search decides the work, never the result.
_MAYBE_FORMULA = re.compile(r'(?:^|,)(?:"[=+\-@\t\r]|[=@\t\r]|[+-](?![0-9][0-9.]*(?:,|\r\n)))', re.MULTILINE)


def safe_text(value: Any) -> str:
    """The cell's text, with an apostrophe in front when a spreadsheet would run it as a formula; None is ""."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(rows: Sequence[Sequence[Any]]) -> str:
    """RFC 4180: comma-separated, CRLF line ends, a cell quoted (quotes doubled) when it holds a comma,
    a quote or a line break; None is an empty cell."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def safe_csv_text(rows: Sequence[Sequence[Any]]) -> str:
    """csv_text of the rows with every cell through safe_text, without a Python call per cell when no cell needs it."""
    text = csv_text(rows)
    if _MAYBE_FORMULA.search(text) is None:
        return text
    return csv_text([[safe_text(cell) for cell in row] for row in rows])
