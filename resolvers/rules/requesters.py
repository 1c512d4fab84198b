"""Who may ask for a change on an account (seed 004, step 1): the account holder or an authorized contact.

Names are compared as an agent would hear them over the phone: case, accents, punctuation and spacing
do not matter ("José  O'Neil" is "jose oneil"). The holder is recognised by name when the relationship
is left out or says the holder is speaking ("self", "account holder"...). An authorized contact must
name themselves as on the list AND give a relationship, which the note records (seed 003, CT Info).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# What agents type for "the holder is the one calling".
HOLDER_RELATIONSHIPS = frozenset({
    "self", "holder", "account holder", "accountholder", "owner", "account owner", "contract holder", "homeowner",
    "customer", "the customer", "primary", "primary account holder",
})
_DROPPED = re.compile(r"['’.]")  # "O'Neil" is "ONeil", "J.R." is "JR"
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


class RequesterKind(StrEnum):
    ACCOUNT_HOLDER = "ACCOUNT_HOLDER"
    AUTHORIZED_CONTACT = "AUTHORIZED_CONTACT"
    NOT_AUTHORIZED = "NOT_AUTHORIZED"


@dataclass(frozen=True, slots=True)
class Contact:
    """An active authorized contact of the account (removed ones are never passed in)."""

    id: int
    name: str
    relationship: str


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: RequesterKind
    # the relationship to record: None for the holder (the policy asks for it only for others)
    relationship: str | None = None
    contact_id: int | None = None
    why_not: str | None = None

    @property
    def authorized(self) -> bool:
        return self.kind is not RequesterKind.NOT_AUTHORIZED

    @property
    def is_account_holder(self) -> bool:
        return self.kind is RequesterKind.ACCOUNT_HOLDER


def name_key(name: str | None) -> str:
    """Lower-case, accent-free, punctuation-free, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", _DROPPED.sub("", plain.casefold())).strip()


def names_match(a: str | None, b: str | None) -> bool:
    key = name_key(a)
    return bool(key) and key == name_key(b)


def says_holder(relationship: str | None) -> bool:
    """No relationship given, or one that means the holder is speaking."""
    key = name_key(relationship)
    return not key or key in HOLDER_RELATIONSHIPS


def identify(holder_name: str, contacts: Iterable[Contact], name: str | None, relationship: str | None) -> Verdict:
    """Is the requester the holder, an authorized contact, or neither?"""
    if name is None or not name_key(name):
        return Verdict(RequesterKind.NOT_AUTHORIZED, why_not="The requester's name is required.")
    if says_holder(relationship):
        if names_match(name, holder_name):
            return Verdict(RequesterKind.ACCOUNT_HOLDER)
        if name_key(relationship):
            return Verdict(RequesterKind.NOT_AUTHORIZED,
                           why_not=f"{name.strip()} is not the account holder's name on file.")
    contact = next((c for c in contacts if names_match(name, c.name)), None)
    if contact is None:
        return Verdict(RequesterKind.NOT_AUTHORIZED,
                       why_not=f"{name.strip()} is neither the account holder nor an authorized contact.")
    if relationship is None or not name_key(relationship):
        return Verdict(RequesterKind.NOT_AUTHORIZED,
                       why_not="Give the authorized contact's relationship to the account holder.")
    return Verdict(RequesterKind.AUTHORIZED_CONTACT, relationship=" ".join(relationship.split()), contact_id=contact.id)
