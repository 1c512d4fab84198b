"""The accounts of a bulk note: a typed list or an uploaded CSV, each entry with the line it came from."""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

DEFAULT_MAX_ENTRIES = 200_000
MAX_NUMBER_LENGTH = 40
# Header cells naming the account column, strongest first: "LDC Account" beats "Customer Number".
ACCOUNT_COLUMN_WORDS = ("account", "acct", "ldc", "esi", "number")
QUOTES = "\"'“”‘’"

_PLAUSIBLE = re.compile(rf"[A-Za-z0-9-]{{1,{MAX_NUMBER_LENGTH}}}")


@dataclass(frozen=True, slots=True)
class Entry:
    line: int
    raw: str
    number: str


@dataclass(frozen=True, slots=True)
class ParsedList:
    entries: tuple[Entry, ...]


class MalformedAccountList(Exception):
    """The file cannot be read as a list of accounts; `line` is the 1-based line to fix."""

    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}")
        self.line = line
        self.message = message


def normalized(raw: str) -> str:
    """The account number in an entry: whitespace and surrounding quotes gone, leading zeros kept."""
    return raw.strip().strip(QUOTES).strip()


def invalid_reason(number: str) -> str | None:
    """Why `number` cannot be an account number (1-40 letters, digits, dashes), or None."""
    if _PLAUSIBLE.fullmatch(number):
        return None
    if not number:
        return "is empty"
    if len(number) > MAX_NUMBER_LENGTH:
        return f"is longer than {MAX_NUMBER_LENGTH} characters"
    if any(ch.isspace() for ch in number):
        return "contains spaces"
    bad = next(ch for ch in number if not (ch.isascii() and (ch.isalnum() or ch == "-")))
    return f"contains {bad!r}"


def parse_typed_list(text: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> ParsedList:
    """Numbers separated by commas, semicolons, spaces or newlines; `line` is the entry's position."""
    raws = text.replace(",", " ").replace(";", " ").split()
    if len(raws) > max_entries:
        raise MalformedAccountList(max_entries + 1, f"More than {max_entries:,} accounts.")
    return _parsed(list(range(1, len(raws) + 1)), raws)


def parse_csv(data: bytes, max_entries: int = DEFAULT_MAX_ENTRIES) -> ParsedList:
    """An uploaded CSV, with or without a header row; `line` is the entry's physical line in the file."""
    text = _decoded(data)
    first = next(_csv_rows(text), None)
    column = _account_column(first[1]) if first else None
    header = column is not None
    # read one entry past the limit so that entry's line can be named, and no further
    lines, raws = _cells(text, column or 0, limit=max_entries + 1 + header)
    if header:
        del lines[0], raws[0]
    if len(raws) > max_entries:
        raise MalformedAccountList(lines[max_entries], f"More than {max_entries:,} accounts.")
    return _parsed(lines, raws)


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with something in them, each with the physical line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    try:
        for row in reader:
            if "".join(row).strip():
                yield line, row
            line = reader.line_num + 1
    except csv.Error as e:
        # the row's first line: for an unterminated quote that is where the quote opened
        raise MalformedAccountList(line, _csv_problem(str(e))) from None


def _csv_problem(error: str) -> str:
    """csv's error in words a person preparing the file can act on."""
    if "unexpected end of data" in error:
        return "A quote opened on this line is never closed."
    if "expected after" in error:
        return 'Text follows a closing quote; write a quote inside a quoted field as "".'
    return f"Cannot read the CSV: {error}."


def _cells(text: str, column: int, limit: int) -> tuple[list[int], list[str]]:
    """The first `limit` non-blank rows' lines and cells in `column`."""
    if '"' in text:
        lines, raws = [], []
        for line, row in islice(_csv_rows(text), limit):
            lines.append(line)
            raws.append(_cell(row, column))
        return lines, raws
    # without quotes, splitting gives exactly what csv.reader gives, several times faster
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [i for i, row in enumerate(physical, start=1) if row.replace(",", "").strip()][:limit]
    return lines, [_cell(physical[i - 1].split(",", column + 1), column) for i in lines]


def _cell(row: list[str], column: int) -> str:
    return row[column] if column < len(row) else ""


def _parsed(lines: list[int], raws: list[str]) -> ParsedList:
    # most entries are already clean, and skipping normalized() for them halves the time of a big list
    numbers = [raw if raw.isalnum() else normalized(raw) for raw in raws]
    return ParsedList(tuple(map(Entry, lines, raws, numbers)))


def _decoded(data: bytes) -> str:
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise MalformedAccountList(_line_at(data, e.start), "Not UTF-8 text; save the file as CSV UTF-8.") from None
    if "\x00" in text:
        # csv accepts NUL since 3.11, but in an upload it means a spreadsheet or other binary file
        raise MalformedAccountList(_line_at(text, text.index("\x00")), "Contains a NUL byte; upload a CSV file.")
    return text


def _line_at(content: bytes | str, offset: int) -> int:
    if isinstance(content, bytes):
        return content.count(b"\n", 0, offset) + 1
    return content.count("\n", 0, offset) + 1


def _account_column(first_row: list[str]) -> int | None:
    """The account column if the first row is a header (first cell has letters, no digits), else None."""
    first = normalized(first_row[0])
    if not any(ch.isalpha() for ch in first) or any(ch.isdigit() for ch in first):
        return None
    names = [cell.strip().lower() for cell in first_row]
    for word in ACCOUNT_COLUMN_WORDS:
        # "Account Name" and "Customer Name" hold names, not numbers
        found = [i for i, name in enumerate(names) if word in name and "name" not in name]
        if found:
            return found[0]
    return 0
