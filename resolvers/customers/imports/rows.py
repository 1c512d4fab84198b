"""One line of a customer import file checked and normalized into its staging row, or refused with a reason.

No database here: the reference data (utilities with their LDC rules, the client's rate plans) comes in.
Each check is the one the API makes (contact details, premise, LDC rule); the first problem found is the
row's reason. Rows of one customer usually follow each other, so the customer part of the previous row
is reused when the next row gives the same customer fields.
"""

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from db.enums import CustomerKind, EnrollmentStatus, ImportRefusal, ImportRowOutcome
from db.search_keys import fold, name_key, name_tokens
from resolvers.accounts.ldc_rules import UtilityRef
from resolvers.accounts.premises import STATES, ZIP
from resolvers.customers.contact import normalize_email, normalize_phone
from resolvers.errors import UserInputError
from resolvers.rules.customer_names import NameProblem, name_problem
from resolvers.rules.ldc_numbers import describe, ldc_problem, normalize_ldc

CUSTOMER_COLUMNS = ("customer_number", "name", "kind", "email", "phone", "billing_line1", "billing_line2",
                    "billing_city", "billing_state", "billing_zip", "language")
ACCOUNT_COLUMNS = ("ldc_account_number", "utility", "rate_plan", "status", "start_date", "end_date",
                   "contract_term_months", "service_line1", "service_line2", "service_city", "service_state",
                   "service_zip", "meter_number")
COLUMNS = CUSTOMER_COLUMNS + ACCOUNT_COLUMNS
REQUIRED = ("customer_number", "name", "ldc_account_number", "utility", "service_line1", "service_city",
            "service_state", "service_zip")
# Column widths of customers / utility_accounts / customer_import_rows.
WIDTHS = {"customer_number": 20, "name": 200, "email": 254, "phone": 32, "billing_line1": 200, "billing_line2": 200,
          "billing_city": 100, "language": 8, "service_line1": 200, "service_line2": 200, "service_city": 100,
          "meter_number": 40}
SHOWN = 40  # customer_import_rows keeps this much of a refused row's numbers, to show them
MAX_TERM_MONTHS = 120
# The staging table's columns, in the order `stage` returns them.
STAGED = ("job_id", "line", "outcome", "reason", "detail", "customer_number", "customer_hash", "name", "name_key",
          "name_tokens", "kind", "email", "phone", "billing_line1", "billing_line2", "billing_city", "billing_state",
          "billing_zip", "language", "billing_key", "ldc_account_number", "utility_id", "market_id", "rate_plan_id",
          "status", "start_date", "end_date", "contract_term_months", "service_line1", "service_line2",
          "service_city", "service_state", "service_zip", "meter_number", "service_key")
_NO_CUSTOMER = _NO_ACCOUNT = (None,) * 14  # what a refused row stages besides its numbers


class ImportFileInvalid(Exception):
    """The file cannot be read as an import file at all (encoding, header); nothing is staged."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Refused(Exception):
    def __init__(self, reason: ImportRefusal, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True, slots=True)
class Reference:
    utilities: dict[str, UtilityRef]  # by upper-case code
    plans: dict[str, tuple[int, int]]  # the client's rate plan code -> (plan id, market id)


@dataclass(slots=True)
class Stager:
    """Turns raw lines into staging rows; remembers the last customer's part."""

    job_id: int
    reference: Reference
    positions: tuple[int, ...]  # where each of COLUMNS is in a line, -1 when the file has no such column
    _last: tuple[tuple[str, ...], tuple[Any, ...] | Refused] | None = None  # the last customer's raw part, staged

    def stage(self, line: int, values: list[str]) -> tuple[Any, ...]:
        raw = [values[p].strip() if 0 <= p < len(values) else "" for p in self.positions]
        customer_raw = tuple(raw[:len(CUSTOMER_COLUMNS)])
        if self._last is None or self._last[0] != customer_raw:
            self._last = customer_raw, _customer_or_refusal(customer_raw)
        customer = self._last[1]
        number, ldc = raw[0], raw[len(CUSTOMER_COLUMNS)]
        try:
            if isinstance(customer, Refused):
                raise customer
            account = _account(raw[len(CUSTOMER_COLUMNS):], self.reference)
        except Refused as refused:
            return (self.job_id, line, ImportRowOutcome.REFUSED.value, refused.reason.value, refused.detail[:300],
                    _shown(number), *_NO_CUSTOMER, _shown(ldc), *_NO_ACCOUNT)
        return (self.job_id, line, None, None, None, *customer, *account)


def _shown(text: str) -> str:
    """A refused row's number as it can be stored and shown (cut, without NUL)."""
    return text[:SHOWN].replace("\x00", "\N{REPLACEMENT CHARACTER}")


def _customer_or_refusal(raw: tuple[str, ...]) -> tuple[Any, ...] | Refused:
    try:
        return _customer(raw)
    except Refused as refused:
        return refused


def _customer(raw: tuple[str, ...]) -> tuple[Any, ...]:
    number, name, kind, email, phone, line1, line2, city, state, zip_, language = raw
    if not number:
        raise Refused(ImportRefusal.MISSING_CUSTOMER_NUMBER, "The customer number is missing.")
    if name_problem(name) is NameProblem.BLANK:
        raise Refused(ImportRefusal.MISSING_NAME, "The customer's name is missing.")
    if name_problem(name) is NameProblem.NO_LETTER:
        raise Refused(ImportRefusal.INVALID_VALUE, f"name: {name[:40]!r} has no letter; it names nobody.")
    for column, value in (("customer_number", number), ("name", name), ("billing_line1", line1),
                          ("billing_line2", line2), ("billing_city", city), ("language", language)):
        _fits(column, value)
    kind = _choice("kind", kind.upper() or CustomerKind.RESIDENTIAL.value, CustomerKind)
    checked_email = _checked("email", email, normalize_email) if email else None
    checked_phone = _checked("phone", phone, normalize_phone) if phone else None
    checked_state = _state("billing_state", state) if state else None
    if zip_ and not ZIP.fullmatch(zip_):
        raise Refused(ImportRefusal.INVALID_VALUE, f"billing_zip: {zip_!r} is not a ZIP code.")
    billing = (line1 or None, line2 or None, city or None, checked_state, zip_ or None)
    values = (name, kind, checked_email, checked_phone, *billing, language or "en")
    digest = hashlib.md5("\x1f".join(v or "" for v in values).encode(), usedforsecurity=False).hexdigest()
    billing_line = ", ".join(p for p in billing if p)
    return (number, digest, name, name_key(name), json.dumps(name_tokens(name)), kind, checked_email, checked_phone,
            *billing, language or "en", fold(billing_line) if billing_line else None)


def _account(raw: list[str], reference: Reference) -> tuple[Any, ...]:
    ldc, utility_code, plan_code, status, start, end, term, line1, line2, city, state, zip_, meter = raw
    utility = reference.utilities.get(utility_code.upper())
    if utility is None:
        detail = f"No utility has the code {utility_code!r}." if utility_code else "The utility is missing."
        raise Refused(ImportRefusal.UNKNOWN_UTILITY, detail)
    number = normalize_ldc(ldc, utility.rule)
    problem = ldc_problem(number, utility.rule)
    if problem is not None:
        raise Refused(ImportRefusal.BAD_LDC_NUMBER, f"{utility.code}: {describe(problem, utility.rule)}")
    status = _choice("status", status.upper() or EnrollmentStatus.ACTIVE.value, EnrollmentStatus)
    start_date, end_date = _date("start_date", start), _date("end_date", end)
    if start_date and end_date and end_date < start_date:
        raise Refused(ImportRefusal.DATE_ORDER, f"The end date {end_date} is before the start date {start_date}.")
    months = _term(term)
    for column, value in (
        ("service_line1", line1),
        ("service_city", city),
        ("service_state", state),
        ("service_zip", zip_),
    ):
        if not value:
            raise Refused(ImportRefusal.INVALID_VALUE, f"{column} is required.")
    for column, value in (("service_line1", line1), ("service_line2", line2), ("service_city", city),
                          ("meter_number", meter)):
        _fits(column, value)
    state = _state("service_state", state)
    if not ZIP.fullmatch(zip_):
        raise Refused(ImportRefusal.INVALID_VALUE, f"service_zip: {zip_!r} is not a ZIP code.")
    plan_id = _plan(plan_code, utility, reference)
    service = (line1, line2 or None, city, state, zip_)
    return (number, utility.id, utility.market_id, plan_id, status, start_date, end_date, months, *service,
            meter or None, fold(", ".join(p for p in service if p)))


def _fits(column: str, value: str) -> None:
    if len(value) > WIDTHS[column]:
        raise Refused(ImportRefusal.INVALID_VALUE, f"{column} is longer than {WIDTHS[column]} characters.")


def _choice(column: str, value: str, kind: Any) -> str:
    if value not in kind.__members__:
        allowed = ", ".join(kind.__members__)
        raise Refused(ImportRefusal.INVALID_VALUE, f"{column}: {value!r} is not one of {allowed}.")
    return value


def _checked(column: str, value: str, normalize: Any) -> str:
    try:
        return normalize(value, [column])
    except UserInputError as error:
        raise Refused(ImportRefusal.INVALID_VALUE, f"{column}: {error.message}") from None


def _state(column: str, value: str) -> str:
    state = value.upper()
    if state not in STATES:
        raise Refused(ImportRefusal.INVALID_VALUE, f"{column}: {value!r} is not a two-letter US state code.")
    return state


def _date(column: str, value: str) -> date | None:
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise Refused(ImportRefusal.INVALID_VALUE, f"{column}: {value!r} is not a date (YYYY-MM-DD).") from None


def _term(value: str) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_TERM_MONTHS):
        raise Refused(ImportRefusal.INVALID_VALUE,
                      f"contract_term_months: {value!r} is not a number of months (1-{MAX_TERM_MONTHS}).")
    return int(value)


def _plan(code: str, utility: UtilityRef, reference: Reference) -> int | None:
    if not code:
        return None
    plan = reference.plans.get(code)
    if plan is None:
        raise Refused(ImportRefusal.UNKNOWN_RATE_PLAN, f"The client has no rate plan {code!r}.")
    if plan[1] != utility.market_id:
        raise Refused(ImportRefusal.UNKNOWN_RATE_PLAN, f"The rate plan {code} is not sold in {utility.market_code}.")
    return plan[0]


def header_positions(header: list[str]) -> tuple[int, ...]:
    """Where each of COLUMNS is in the file; names match case-insensitively, spaces as underscores."""
    names = [h.strip().lstrip("\ufeff").lower().replace(" ", "_") for h in header]
    unknown = [h for h in names if h and h not in COLUMNS]
    if unknown:
        raise ImportFileInvalid(f"Unknown column {unknown[0]!r}; the columns are: {', '.join(COLUMNS)}.")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ImportFileInvalid(f"The header has no {missing[0]!r} column (required: {', '.join(REQUIRED)}).")
    twice = [c for c in COLUMNS if names.count(c) > 1]
    if twice:
        raise ImportFileInvalid(f"The column {twice[0]!r} appears twice.")
    return tuple(names.index(c) if c in names else -1 for c in COLUMNS)


def read_lines(text: TextIO) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, values) of each CSV record after the header, blank records skipped; streaming.
    The header is the first item, at line 1."""
    reader = csv.reader(text)
    last = 0
    try:
        for values in reader:
            first, last = last + 1, reader.line_num
            if any(v.strip() for v in values):
                yield first, values
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFileInvalid(f"Line {last + 1}: the file is not readable as UTF-8 CSV ({error}).") from None
