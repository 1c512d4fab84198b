"""Validation and normalization of contact details, by the libraries made for it.

The libraries take 0.1-0.3 ms a call, too slow for a million imported rows, so the common shapes take a
shortcut with the same result: an email's domain is checked (and normalized) by the library once per
domain, its plain ASCII local part by the RFC's dot-atom grammar (the RFC 2142 role names, which the
library lowercases, and addresses near the length limit go to the library); a ten-digit US number's validity is
the library's verdict on its first seven digits (the US patterns decide on no more), remembered.
Anything else goes to the library as before. tests/resolvers/test_contact.py compares both ways.
"""

import re
from functools import lru_cache

import email_validator
import phonenumbers

# The role mailboxes the library lowercases (RFC 2142); a module constant, pinned by tests/resolvers/test_contact.py.
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from resolvers.customers.errors import CustomerErrorCode
from resolvers.errors import Field, UserInputError

DEFAULT_REGION = "US"
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_NANP = re.compile(r"(?:\+?1)?[\s.-]*\(?([2-9]\d{2})\)?[\s.-]*(\d{3})[\s.-]*(\d{4})")
MAX_LOCAL, MAX_EMAIL = 64, 254
_ROLE_NAMES = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)


def normalize_email(value: str, field: Field) -> str:
    text = value.strip()
    local, at, domain = text.rpartition("@")
    if at and len(local) <= MAX_LOCAL and _DOT_ATOM.fullmatch(local) and local.lower() not in _ROLE_NAMES:
        checked = _domain(domain)
        # the library measures the address as typed, normalized and with the IDNA ASCII domain, in UTF-8 bytes
        if checked is not None and all(len(f"{local}@{d}".encode()) <= MAX_EMAIL for d in (domain, *checked)):
            return f"{local}@{checked[0]}"
    return _library_email(text, field)


@lru_cache(maxsize=4096)
def _domain(domain: str) -> tuple[str, str] | None:
    """The library's normalized and IDNA ASCII domain, or None when it refuses the domain (then it says why,
    uncached) or reads the address otherwise than as a plain local part and this domain."""
    try:
        checked = email_validator.validate_email(f"a@{domain}", check_deliverability=False)
    except email_validator.EmailNotValidError:
        return None
    if checked.local_part != "a" or checked.display_name is not None:
        return None
    return checked.domain, checked.ascii_domain


def _library_email(text: str, field: Field) -> str:
    try:
        return email_validator.validate_email(text, check_deliverability=False).normalized
    except email_validator.EmailNotValidError as error:
        raise UserInputError(CustomerErrorCode.INVALID_EMAIL, f"Invalid email: {error}", field) from None


def normalize_phone(value: str, field: Field) -> str:
    """E.164, e.g. "+12155550123"; US numbers may be typed without the country code."""
    plain = _NANP.fullmatch(value.strip())
    if plain is not None:
        digits = "".join(plain.groups())
        if _us_prefix_valid(digits[:7]):
            return "+1" + digits
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise UserInputError(CustomerErrorCode.INVALID_PHONE, f"Invalid phone number: {value!r}.", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=100_000)
def _us_prefix_valid(first_seven: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(f"+1{first_seven}000", DEFAULT_REGION))
