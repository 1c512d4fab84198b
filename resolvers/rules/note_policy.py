"""The notes policy (seed 003): what a note must say, and what it must never contain."""

import re
from dataclasses import dataclass
from enum import StrEnum

from resolvers.rules.card_numbers import find_card_numbers

MIN_QUOTE_WORDS = 2
# A free-form note (only `body`, like the seed's second good example) cannot be checked field by
# field, so its missing parts are judged from the body as a whole:
# - MISSING_CONTACT_NAME unless it holds a name-like pair of capitalized words ("Alexander
#   Erickson"); "Customer called" or "CT" names nobody.
# - MISSING_REASON below MIN_REASON_WORDS words: a reason takes a sentence.
# - MISSING_RESOLUTION below MIN_RESOLUTION_WORDS words: a shorter body cannot say both why the
#   customer called and what was done (the seed's bad note has 15 words).
# - never MISSING_RELATIONSHIP: a body gives the relationship in its own words.
# Notes of either shape are searched for slang, profanity, direct quotes and card numbers alike.
MIN_REASON_WORDS = 5
MIN_RESOLUTION_WORDS = 20

SLANG_WORDS = (
    "cuz", "coz", "bcuz", "becuz", "ur", "ya", "yea", "yeah", "yep", "yup", "nope", "nah",
    "gonna", "wanna", "gotta", "kinda", "sorta", "dunno", "lemme", "gimme", "tryna", "prolly",
    "ain't", "y'all", "ya'll", "gotcha", "pls", "plz", "thx", "thnx", "ppl", "lol", "omg", "idk",
    "btw", "tbh", "imo", "smh", "brb", "cya", "wut", "bro", "bruh", "dude", "tho", "freakin",
    "frickin", "2day", "2nite", "b4", "gr8", "l8r",
)
# Capital "U" and "R" label units and buildings ("Apt U"); as text-speak they are written lowercase.
LOWERCASE_SLANG_WORDS = ("u", "r")
# Each also counts with a plural "s" ("idiots").
PROFANITY_WORDS = (
    "crap", "crappy", "damn", "damned", "dammit", "damnit", "goddamn", "hell", "shit", "shitty",
    "bullshit", "fuck", "fucking", "fucked", "fucker", "motherfucker", "wtf", "stfu", "ass",
    "asshole", "jackass", "dumbass", "bitch", "bitches", "bitchy", "bastard", "piss", "pissed",
    "douche", "douchebag", "dickhead", "prick", "jerk", "stupid", "idiot", "idiotic", "dumb",
    "moron", "moronic", "imbecile", "retard", "retarded", "cretin", "loser", "scum", "scumbag",
    "nutjob", "nutcase", "psycho", "lunatic", "shut up", "screw you", "sucks", "sucked", "sucky",
)
# What agents type to get past a required field; it says nothing, so the field counts as missing.
PLACEHOLDERS = frozenset({"n/a", "na", "none", "nothing", "-", "--", "."})


class FindingCode(StrEnum):
    MISSING_CONTACT_NAME = "MISSING_CONTACT_NAME"
    MISSING_RELATIONSHIP = "MISSING_RELATIONSHIP"
    MISSING_REASON = "MISSING_REASON"
    MISSING_RESOLUTION = "MISSING_RESOLUTION"
    SLANG = "SLANG"
    PROFANITY = "PROFANITY"
    DIRECT_QUOTE = "DIRECT_QUOTE"
    CARD_NUMBER = "CARD_NUMBER"


FINDING_DESCRIPTIONS: dict[FindingCode, str] = {
    FindingCode.MISSING_CONTACT_NAME: "The note does not name the person the agent spoke with (CT Info).",
    FindingCode.MISSING_RELATIONSHIP: "The contact is not the account holder and their relationship is not given.",
    FindingCode.MISSING_REASON: "The note does not state why the customer called or was contacted.",
    FindingCode.MISSING_RESOLUTION: "The note does not say what was done, promised or advised.",
    FindingCode.SLANG: "The note uses slang or text-speak, such as \"cuz\" for \"because\".",
    FindingCode.PROFANITY: "The note contains profanity or derogatory language.",
    FindingCode.DIRECT_QUOTE: "The note quotes the customer word for word instead of summarizing.",
    FindingCode.CARD_NUMBER: "The note contains a payment card number; only its last four digits may be kept.",
}

MESSAGES = {
    FindingCode.MISSING_CONTACT_NAME: "Name the contact (CT Info).",
    FindingCode.MISSING_RELATIONSHIP: "Say how the contact is related to the account holder (son, employee...).",
    FindingCode.MISSING_REASON: "State why the customer called or was contacted.",
    FindingCode.MISSING_RESOLUTION: "Say what was done, promised or advised.",
    FindingCode.DIRECT_QUOTE: "Summarize what the customer said instead of quoting it.",
    FindingCode.CARD_NUMBER: "Remove the card number; mention only its last four digits.",
}


@dataclass(frozen=True, slots=True)
class NoteDraft:
    contact_name: str | None = None
    relationship: str | None = None
    is_account_holder: bool | None = None
    reason: str | None = None
    resolution: str | None = None
    additional_info: str | None = None
    follow_up: str | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    code: FindingCode
    message: str
    field: str | None = None
    start: int | None = None
    end: int | None = None


# Draft attribute -> the field name the API shows, in the order findings are reported.
API_FIELDS = {
    "contact_name": "contactName", "relationship": "relationship", "reason": "reason", "resolution": "resolution",
    "additional_info": "additionalInfo", "follow_up": "followUp", "body": "body",
}
STRUCTURED_FIELDS = ("contact_name", "relationship", "reason", "resolution", "additional_info", "follow_up")
# A name is not prose ("Dick" and "Ya" are names), so only a pasted card number is looked for there.
PROSE_FIELDS = frozenset(API_FIELDS) - {"contact_name"}

_JOINERS = r"['’.\-/&@]"  # a word glued to these is part of a longer token: "U.S.", "he'll", "r/w"


def _whole_words(words: tuple[str, ...], flags: re.RegexFlag, suffix: str = "") -> re.Pattern[str]:
    escaped = (re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?<!\w{_JOINERS})(?:{'|'.join(escaped)}){suffix}(?!\w)(?!{_JOINERS}\w)", flags)


_SLANG = _whole_words(SLANG_WORDS, re.IGNORECASE)
_LOWERCASE_SLANG = _whole_words(LOWERCASE_SLANG_WORDS, re.NOFLAG)
_PROFANITY = _whole_words(PROFANITY_WORDS, re.IGNORECASE, suffix="s?")
_QUOTE = re.compile(r"[\"“”][^\"“”\n]*[\"“”]")  # straight or curly double quotes, paired within a line
_NAME_WORD = r"[A-Z][A-Za-z'’-]*[a-z]"  # "Erickson", "McDonald", "O'Brien"; not "CT" or "TL"
_NAME_PAIR = re.compile(rf"\b{_NAME_WORD}\s+(?:[A-Z]\.?\s+)?{_NAME_WORD}\b")


def check_note(draft: NoteDraft) -> list[Finding]:
    """Every way the draft falls short of the notes policy: missing parts first, then text by field."""
    gaps = _free_form_gaps(draft.body or "") if _is_free_form(draft) else _structured_gaps(draft)
    return gaps + [f for attr in API_FIELDS for f in _text_findings(attr, getattr(draft, attr))]


def _is_free_form(draft: NoteDraft) -> bool:
    return _given(draft.body) and not any(_given(getattr(draft, attr)) for attr in STRUCTURED_FIELDS)


def _given(text: str | None) -> bool:
    stripped = (text or "").strip()
    return bool(stripped) and stripped.lower() not in PLACEHOLDERS


def _structured_gaps(draft: NoteDraft) -> list[Finding]:
    gaps = []
    if not _given(draft.contact_name):
        gaps.append(_gap(FindingCode.MISSING_CONTACT_NAME, "contactName"))
    if draft.is_account_holder is False and not _given(draft.relationship):
        gaps.append(_gap(FindingCode.MISSING_RELATIONSHIP, "relationship"))
    if not _given(draft.reason):
        gaps.append(_gap(FindingCode.MISSING_REASON, "reason"))
    if not _given(draft.resolution):
        gaps.append(_gap(FindingCode.MISSING_RESOLUTION, "resolution"))
    return gaps


def _free_form_gaps(body: str) -> list[Finding]:
    """What a free-form body lacks, by the rules in the comment above MIN_REASON_WORDS."""
    words = len(body.split())
    gaps = []
    if not _NAME_PAIR.search(body):
        gaps.append(_gap(FindingCode.MISSING_CONTACT_NAME, "body"))
    if words < MIN_REASON_WORDS:
        gaps.append(_gap(FindingCode.MISSING_REASON, "body"))
    if words < MIN_RESOLUTION_WORDS:
        gaps.append(_gap(FindingCode.MISSING_RESOLUTION, "body"))
    return gaps


def _gap(code: FindingCode, field: str) -> Finding:
    return Finding(code, MESSAGES[code], field)


def _text_findings(attr: str, text: str | None) -> list[Finding]:
    """Findings that point at text in one field, in the order they appear."""
    if not text:
        return []
    field = API_FIELDS[attr]
    found = [Finding(FindingCode.CARD_NUMBER, MESSAGES[FindingCode.CARD_NUMBER], field, s.start, s.end)
             for s in find_card_numbers(text)]
    if attr in PROSE_FIELDS:
        found += _matches(FindingCode.SLANG, _SLANG, text, field, 'Avoid slang: "{}".')
        found += _matches(FindingCode.SLANG, _LOWERCASE_SLANG, text, field, 'Avoid slang: "{}".')
        found += _matches(FindingCode.PROFANITY, _PROFANITY, text, field, 'Remove derogatory language: "{}".')
        found += [Finding(FindingCode.DIRECT_QUOTE, MESSAGES[FindingCode.DIRECT_QUOTE], field, m.start(), m.end())
                  for m in _QUOTE.finditer(text) if _word_count(m.group()) >= MIN_QUOTE_WORDS]
    return sorted(found, key=lambda f: (f.start, f.end))


def _matches(code: FindingCode, pattern: re.Pattern[str], text: str, field: str, message: str) -> list[Finding]:
    return [Finding(code, message.format(m.group()), field, m.start(), m.end()) for m in pattern.finditer(text)]


def _word_count(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalpha() for ch in token))
