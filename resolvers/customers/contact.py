"""Validation and normalization of contact details, by the libraries made for it."""

import email_validator
import phonenumbers

from resolvers.customers.errors import CustomerErrorCode
from resolvers.errors import UserInputError

DEFAULT_REGION = "US"


def normalize_email(value: str, field: list[str]) -> str:
    try:
        return email_validator.validate_email(value.strip(), check_deliverability=False).normalized
    except email_validator.EmailNotValidError as error:
        raise UserInputError(CustomerErrorCode.INVALID_EMAIL, f"Invalid email: {error}", field) from None


def normalize_phone(value: str, field: list[str]) -> str:
    """E.164, e.g. "+12155550123"; US numbers may be typed without the country code."""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise UserInputError(CustomerErrorCode.INVALID_PHONE, f"Invalid phone number: {value!r}.", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
