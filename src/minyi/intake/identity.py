"""Tracking codes, their secrets, and author pseudonyms.

A tracking secret is derived from the message id with the site key, so a retried
submission (same ``Idempotency-Key``) can be answered with the same secret; only its
hash is stored, so checking it never depends on the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read out on a phone
CODE_LENGTH = 8
SECRET_LENGTH = 10


CODES = len(ALPHABET) ** CODE_LENGTH


#: A phone number as people write it: digits with spaces, dashes, dots, brackets, a leading +.
_PHONE_WRITTEN = re.compile(r"\+?[\d\s().-]{7,24}")
_MOBILE_WITH_86 = 13  # 86 and an 11-digit mobile

#: What a person types between the parts of a code or number: spaces (also full-width) and dashes.
_SPACES_AND_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def _encode(raw: bytes | int, length: int) -> str:
    """``length`` letters of ``ALPHABET`` from a number (or the bytes of one), lowest first."""
    number = raw if isinstance(raw, int) else int.from_bytes(raw, "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def new_tracking_code() -> str:
    """A fresh, random, human-readable tracking code such as ``MY7K3QH2XP``."""
    return "MY" + _encode(secrets.randbelow(CODES), CODE_LENGTH)  # one draw, as 8 uniform letters


def tracking_secret(key: str, message_id: str) -> str:
    """The tracking secret of a message (the same every time for the same key and id)."""
    digest = hmac.new(key.encode(), f"tracking:{message_id}".encode(), hashlib.sha256).digest()
    return _encode(digest, SECRET_LENGTH)


def hash_secret(code: str, secret: str) -> str:
    """The stored form of a tracking secret, as typed or as given (see :func:`normalise_code`).

    A secret read off a receipt is typed as a code is: in groups with spaces, in lower case,
    or in full-width letters by a Chinese input method (ＡＢ３…); each is the same secret.
    The secrets we give are ASCII capitals without spaces, so their stored hashes are unchanged.
    """
    normalised = normalise_code(secret)
    return hashlib.sha256(f"{code}:{normalised}".encode()).hexdigest()


def secret_matches(code: str, secret: str, stored_hash: str) -> bool:
    """Whether ``secret`` is the tracking secret for ``code``."""
    return hmac.compare_digest(hash_secret(code, secret), stored_hash)


def normalise_code(code: str) -> str:
    """A tracking code as typed by a person, upper-cased and without spaces or dashes.

    Full-width letters and digits (ＭＹ７Ｋ…, as a Chinese input method types them) count as
    their ASCII forms, and any space or dash is left out.
    """
    return _SPACES_AND_DASHES.sub("", unicodedata.normalize("NFKC", code)).upper()


def pseudonym(key: str, identity: str | None) -> str | None:
    """A stable pseudonym for an author identity (never reversible without the key).

    A phone number is one author however it is written (``138-1234-0000``,
    ``+86 138 1234 0000``, ``13812340000``): the heat of a hot issue counts people, and one
    caller written three ways was three. Digits alone are what a phone number is.
    """
    if not identity or not identity.strip():
        return None
    normalised = identity.strip().lower()
    if _PHONE_WRITTEN.fullmatch(normalised):
        digits = "".join(c for c in normalised if c.isdigit())
        if len(digits) == _MOBILE_WITH_86 + 2 and digits.startswith("0086"):
            digits = digits[2:]  # 0086 138…: the international prefix as dialled from China
        normalised = digits[2:] if len(digits) == _MOBILE_WITH_86 and digits.startswith("86") else digits
    digest = hmac.new(key.encode(), f"author:{normalised}".encode(), hashlib.sha256).digest()
    return "P" + _encode(digest, 11)
