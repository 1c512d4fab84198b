"""Normalized keys the search indexes are built on; the same functions write and query them."""

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace, so "José  Núñez" finds "jose nunez"."""
    if text.isascii():  # the same result without Unicode normalization: ten times faster on bulk loads
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", plain.casefold()).strip()


def name_key(name: str) -> str:
    return fold(name)


def name_tokens(name: str) -> list[str]:
    """The distinct words of a name, each a prefix-searchable token."""
    return sorted(set(_WORD.findall(fold(name))))


def name_token_rows(name: str) -> list[tuple[str, str]]:
    """(token, previous token) for each of name_tokens: "" before the first (CustomerNameToken.previous_token)."""
    tokens = name_tokens(name)
    return list(zip(tokens, ["", *tokens], strict=False))  # a name of punctuation alone has no tokens


def name_token_columns(name: str) -> list[dict[str, str]]:
    """A name's CustomerNameToken rows but their client and customer: token and previous_token (name_token_rows), and
    words (name_words), the same on each. Every writer of token rows writes these, so none forgets a column."""
    words = name_words(name)
    return [{"token": token, "previous_token": previous, "words": words} for token, previous in name_token_rows(name)]


def name_words(name: str) -> str:
    """Every token of a name, each after a space (CustomerNameToken.words, the same on each of its rows): a name has a
    word starting with a token exactly when this holds word_start(token)."""
    return "".join(word_start(token) for token in name_tokens(name))


def word_start(token: str) -> str:
    """What name_words holds where a word starting with `token` begins (tokens are word characters: no spaces)."""
    return " " + token


def address_key(addresses: Iterable[Iterable[str | None]]) -> str:
    """Every address of a customer on one folded line, " | " between addresses."""
    lines = (", ".join(p for p in parts if p) for parts in addresses)
    return " | ".join(fold(line) for line in lines if line)


# SQLite's address index (migration 0016) numbers a customer's entry client_id * ADDRESS_ROWID_CLIENT + id: one
# client's entries are one rowid range, which the index reads alone.
ADDRESS_ROWID_CLIENT = 2**40


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
