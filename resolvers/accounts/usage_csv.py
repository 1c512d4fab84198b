"""Read a usage CSV file into checked lines; every problem names its line (the header is line 1)."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from db.enums import ReadType
from resolvers.accounts.errors import AccountErrorCode
from resolvers.errors import UserInputError
from resolvers.rules.consumption import BadQuantity, overlaps, parse_thousandths
from resolvers.rules.dates import DateFormatError, parse_date

COLUMNS = ("ldc_account_number", "period_start", "period_end", "kwh", "demand_kw", "read_type", "meter_number")
REQUIRED = ("ldc_account_number", "period_start", "period_end", "kwh")
MAX_LINES = 100_000
MAX_PROBLEMS = 50  # reported per import; the rest would only repeat the lesson
MAX_METER = 40
FIELD = "file"


@dataclass(frozen=True, slots=True)
class UsageLine:
    line: int
    ldc: str
    start: date
    end: date
    wh: int
    demand_w: int | None
    read_type: ReadType
    meter_number: str | None


class UsageFileRejected(UserInputError):
    """The file has problems; all of them (up to MAX_PROBLEMS) travel with the error, nothing is written."""

    def __init__(self, problems: list[UserInputError]):
        first = problems[0]
        more = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(first.code, first.message + more, first.field)
        self.problems = problems[:MAX_PROBLEMS]


def problem(code: AccountErrorCode, line: int, message: str) -> UserInputError:
    return UserInputError(code, f"Line {line}: {message}", FIELD)


def rejected(code: AccountErrorCode, message: str) -> UsageFileRejected:
    return UsageFileRejected([UserInputError(code, message, FIELD)])


def read_usage_csv(data: bytes) -> list[UsageLine]:
    """The file's lines, checked one by one and against each other; raises UsageFileRejected."""
    rows = _rows(data)
    lines, problems = [], []
    for number, row in rows:
        try:
            lines.append(_line(number, row))
        except UserInputError as error:
            problems.append(error)
    problems += overlaps_within(lines)
    if problems:
        raise UsageFileRejected(sorted(problems, key=line_of))
    return lines


def line_of(error: UserInputError) -> int:
    """The line a problem names (its message starts "Line N:")."""
    return int(error.message.split(":", 1)[0].removeprefix("Line "))


def _rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise rejected(AccountErrorCode.USAGE_FILE_INVALID, "The file is not UTF-8 text.") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        message = f"The header must name the columns {', '.join(REQUIRED)}; missing {', '.join(missing)}."
        raise rejected(AccountErrorCode.USAGE_FILE_INVALID, message)
    rows = [
        (reader.line_num, dict(zip(header, (cell.strip() for cell in cells), strict=False)))
        for cells in reader
        if any(cells)
    ]
    if not rows:
        raise rejected(AccountErrorCode.USAGE_FILE_INVALID, "The file has no usage lines.")
    if len(rows) > MAX_LINES:
        raise rejected(AccountErrorCode.USAGE_FILE_INVALID, f"At most {MAX_LINES:,} usage lines per file.")
    return rows


def _line(number: int, row: dict[str, str]) -> UsageLine:
    ldc = row.get("ldc_account_number", "")
    if not ldc:
        raise problem(AccountErrorCode.USAGE_UNKNOWN_ACCOUNT, number, "no LDC account number.")
    start, end = _date(number, row, "period_start"), _date(number, row, "period_end")
    if end < start:
        raise problem(AccountErrorCode.USAGE_END_BEFORE_START, number,
                      f"period_end {end.isoformat()} is before period_start {start.isoformat()}.")
    meter = row.get("meter_number") or None
    if meter and len(meter) > MAX_METER:
        raise problem(AccountErrorCode.VALUE_TOO_LONG, number, f"meter_number is longer than {MAX_METER} characters.")
    return UsageLine(number, ldc, start, end, _quantity(number, row, "kwh"), _demand(number, row),
                     _read_type(number, row), meter)


def _date(number: int, row: dict[str, str], column: str) -> date:
    value = row.get(column, "")
    try:
        return parse_date(value)
    except DateFormatError:
        raise problem(
            AccountErrorCode.USAGE_BAD_DATE, number, f"{column} {value!r} is not a date (YYYY-MM-DD)."
        ) from None


def _quantity(number: int, row: dict[str, str], column: str) -> int:
    try:
        return parse_thousandths(row.get(column, ""))
    except BadQuantity as error:
        raise problem(AccountErrorCode.USAGE_BAD_QUANTITY, number, f"{column} {error}.") from None


def _demand(number: int, row: dict[str, str]) -> int | None:
    return _quantity(number, row, "demand_kw") if row.get("demand_kw") else None


def _read_type(number: int, row: dict[str, str]) -> ReadType:
    value = (row.get("read_type") or "ACTUAL").upper()
    if value not in ReadType.__members__:
        raise problem(
            AccountErrorCode.USAGE_BAD_READ_TYPE, number, f"read_type {value!r} is neither ACTUAL nor ESTIMATED."
        )
    return ReadType(value)


def overlaps_within(lines: list[UsageLine]) -> list[UserInputError]:
    """Lines whose period shares a day with an earlier-starting line of the same account."""
    found, reach = [], None  # reach: the line of this account reaching furthest so far
    for current in sorted(lines, key=lambda u: (u.ldc, u.start, u.line)):
        if (
            reach is not None
            and reach.ldc == current.ldc
            and overlaps(reach.start, reach.end, current.start, current.end)
        ):
            found.append(problem(AccountErrorCode.USAGE_OVERLAP, current.line,
                                 f"{current.ldc} {current.start}..{current.end} overlaps line {reach.line} "
                                 f"({reach.start}..{reach.end})."))
        if reach is None or reach.ldc != current.ldc or current.end > reach.end:
            reach = current
    return found
