"""The shortcuts of contact normalization give the libraries' own answers (no database)."""

import email_validator
import phonenumbers
import pytest
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from hypothesis import given, settings
from hypothesis import strategies as st

from db.search_keys import fold
from resolvers.customers.contact import normalize_email, normalize_phone
from resolvers.errors import UserInputError

FIELD = ["email"]


def library_email(text: str) -> str | None:
    try:
        return email_validator.validate_email(text.strip(), check_deliverability=False).normalized
    except email_validator.EmailNotValidError:
        return None


def library_phone(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def ours(normalize, text: str) -> str | None:
    try:
        return normalize(text, FIELD)
    except UserInputError:
        return None


# RFC 2142 role mailboxes (the library lowercases them) in any case, beside arbitrary local parts
ROLE_NAME = st.sampled_from(CASE_INSENSITIVE_MAILBOX_NAMES).flatmap(
    lambda name: st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in name)).map("".join))
LOCAL = st.from_regex(r"[A-Za-z0-9._%+'!#=-]{1,70}", fullmatch=True) | ROLE_NAME
# long ones put an address of a short local part near 254 bytes as typed, normalized or in IDNA ASCII
LONG_LABELS = ".".join(["a" * 60] * 3)
DOMAIN = st.sampled_from(["mail.example", "Gmail.COM", "x.org", "a-b.co.uk", "-bad.com", "localhost", "b..c",
                          "xn--bcher-kva.example", "bücher.example", "test", "e.invalid", "1.2.3.4", "[1.2.3.4]",
                          f"{LONG_LABELS}.example", f"bücher.{LONG_LABELS}.de", f"xn--bcher-kva.{LONG_LABELS}.de",
                          f"MAIL.{LONG_LABELS}.example", "mail.example>", "x <y>"])


@settings(max_examples=400)
@given(local=LOCAL, domain=DOMAIN)
def test_emails_normalize_as_the_library_does(local, domain):
    text = f"{local}@{domain}"
    assert ours(normalize_email, text) == library_email(text)


@pytest.mark.parametrize(
    "text",
    [
        "pat@mail.example",
        " Pat.Doe@Mail.Example ",
        "WWW@mail.example",
        "PostMaster@Mail.Example",
        "Pat <pat@mail.example>",
        "a..b@mail.example",
        "@mail.example",
        "pat@",
        "pat",
        '"quoted name"@mail.example',
        "josé@mail.example",
        "x" * 65 + "@a.org",
    ],
)
def test_listed_emails_normalize_as_the_library_does(text):
    assert ours(normalize_email, text) == library_email(text)


@pytest.mark.parametrize("domain", [f"{LONG_LABELS}.example", f"bücher.{LONG_LABELS}.de",
                                    f"xn--bcher-kva.{LONG_LABELS}.de", f"MAIL.{LONG_LABELS}.example"])
def test_addresses_at_the_length_limit_normalize_as_the_library_does(domain):
    # the library counts UTF-8 bytes of the address as typed, normalized and with the IDNA ASCII domain:
    # local parts that put each of those forms one byte either side of 254
    checked = email_validator.validate_email(f"a@{domain}", check_deliverability=False)
    forms = {domain, checked.domain, checked.ascii_domain}
    for length in {254 - len(f"@{form}".encode()) + step for form in forms for step in (-1, 0, 1)}:
        text = f"{'p' * length}@{domain}"
        assert ours(normalize_email, text) == library_email(text), length


def test_the_library_still_lowercases_the_role_names_the_shortcut_leaves_to_it():
    # the shortcut imports the list from email_validator.rfc_constants; if the library drops or moves it, this says so
    assert {"www", "postmaster", "abuse"} <= set(CASE_INSENSITIVE_MAILBOX_NAMES)
    assert library_email("WWW@mail.example") == "www@mail.example"


NUMBER = st.integers(min_value=0, max_value=10**10 - 1).map(lambda n: f"{n:010d}")
FORMAT = st.sampled_from(["{0}", "+1{0}", "1{0}", "({a}) {b}-{c}", "+1 {a} {b} {c}", "{a}.{b}.{c}", "+{0}",
                          "+44 {a}{b}{c}", "{a}-{b}-{c} x12", "1-{a}-{b}-{c}"])


@settings(max_examples=600)
@given(number=NUMBER, shape=FORMAT)
def test_phones_normalize_as_the_library_does(number, shape):
    text = shape.format(number, a=number[:3], b=number[3:6], c=number[6:])
    assert ours(normalize_phone, text) == library_phone(text)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_fold_takes_the_shortcut_to_the_same_key(text):
    import re
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    slow = re.sub(r"\s+", " ", "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()).strip()
    assert fold(text) == slow
