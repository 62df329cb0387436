"""Password policy for staff accounts: refuse short, common and guessable passwords.

:func:`check_password` raises :class:`WeakPasswordError`, whose text says why in
Chinese and English, for a password that

* is shorter than :data:`MIN_PASSWORD_LENGTH` characters;
* is on the bundled list of common passwords (``accounts/data/common_passwords.txt``:
  passwords typical of Chinese users such as ``woaini1314``, ``5201314``, ``qq123456``,
  then the most common passwords of the public leaks), or is one of them with digits
  or signs added (``dragon2024!``);
* contains the user name, or another word about the account (its display name),
  forwards or backwards;
* repeats one character or a short group (``88888888``, ``12121212``);
* is a sequence (``12345678``, ``abcdefgh``, ``97531``…) or a keyboard walk
  (``qwertyui``, ``1qaz2wsx``, ``zaq12wsx``, ``1q2w3e4r``), or is made only of such
  pieces (``qwerasdf``, ``abc123456``);
* is still easy to guess according to zxcvbn, the estimator of Dropbox: fewer than
  about 10⁸ guesses (its score below 3, "safely unguessable"), counting dictionary
  words, names, dates, l33t spellings and the pinyin words and names of
  ``accounts/data/pinyin_words.txt`` (``zhangwei1990``).

Letters are compared without case and full-width forms as their ASCII forms (NFKC),
so ``ＰＡＳＳＷＯＲＤ１`` is ``password1``.  Everything is local: nothing is downloaded.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Collection, Iterator
from importlib import resources

__all__ = ["MIN_PASSWORD_LENGTH", "MIN_SCORE", "WeakPasswordError", "check_password"]

MIN_PASSWORD_LENGTH = 8
#: The lowest zxcvbn score accepted: 3 means at least about 10⁸ guesses.
MIN_SCORE = 3
#: zxcvbn refuses longer input; a longer password is scored on its first characters.
_ZXCVBN_MAX_LENGTH = 72
#: A user name or word shorter than this is not looked for inside the password.
_MIN_WORD_LENGTH = 3
#: The same, for a word with characters beyond ASCII (张三).
_MIN_HAN_WORD_LENGTH = 2
#: The shortest piece that counts as a walk, a sequence or a repeat.
_MIN_PIECE = 3
#: Passwords longer than this are only checked for one repeated character (zxcvbn still scores them).
_MAX_PIECES_LENGTH = 128
#: The shortest common password that counts when digits or signs are added around it.
_MIN_BASE_LENGTH = 4
#: The largest step between the characters of a sequence (1: 1234, 2: 1357 or aceg).
_MAX_SEQUENCE_STEP = 2

_MESSAGES = {
    "too_short": "密码至少要有 {n} 个字符 / the password must have at least {n} characters",
    "common": "密码太常见，容易被猜到 / this password is too common",
    "common_base": (
        "密码只是常见密码加上数字或符号，容易被猜到 / "
        "this password is a common password with digits or signs added"
    ),
    "username": "密码不能包含用户名 / the password must not contain the user name",
    "personal": (
        "密码不能包含账户的名称或与账户相关的词 / "
        "the password must not contain the account's name or words about it"
    ),
    "repeated": "密码只是重复的字符 / this password only repeats characters",
    "sequence": (
        "密码是连续的数字或字母（如 12345678、abcdefgh）/ "
        "this password is a simple sequence (like 12345678 or abcdefgh)"
    ),
    "keyboard": (
        "密码是键盘上相连的键（如 qwertyui、1qaz2wsx）/ "
        "this password is a keyboard pattern (like qwertyui or 1qaz2wsx)"
    ),
    "pattern": (
        "密码只由键盘上相连的键、连续或重复的字符拼成 / "
        "this password is made only of keyboard patterns, sequences and repeats"
    ),
    "guessable": (
        "密码太容易被猜到，请用更长的密码，比如几个不相关的词 / "
        "this password is too easy to guess: make it longer, e.g. a few unrelated words"
    ),
}

#: Keyboard walks: rows, columns (top-down), zigzags between rows, the number pad.
#: Each is also read backwards.  Shifted signs are first read as their keys (! → 1).
_WALKS = (
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-['=]",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
    "1q2w3e4r5t6y7u8i9o0p-[=]",
    "q1w2e3r4t5y6u7i8o9p0[-]=",
    "qawsedrftgyhujikolp;['",
    "azsxdcfvgbhnjmk,l.;/",
    "qazwsxedcrfvtgbyhnujmik,ol.p;/",
    "7894561230",
    "1472583690",
    "1593574862",
)
_UNSHIFT = str.maketrans('~!@#$%^&*()_+{}|:"<>?', "`1234567890-=[]\\;',./")
_REPEATS = re.compile(r"(.+?)\1+", re.DOTALL)
_SIGNS = re.compile(r"[\W_]+")

# zxcvbn keeps the user inputs of the current call in a module-level dictionary.
_ZXCVBN_LOCK = threading.Lock()


class WeakPasswordError(ValueError):
    """A password the policy refuses; the text says why, in Chinese and English.

    Attributes:
        reason: what is wrong, for programs: ``too_short``, ``common``,
            ``common_base``, ``username``, ``personal``, ``repeated``, ``sequence``,
            ``keyboard``, ``pattern`` or ``guessable``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(_MESSAGES[reason].format(n=MIN_PASSWORD_LENGTH))
        self.reason = reason


def check_password(password: str, *, username: str = "", extra_words: Collection[str] = ()) -> None:
    """Refuse a password that is short, common or easy to guess (see the module docstring).

    Args:
        password: the new password, as typed.
        username: the account's user name; the password may not contain it.
        extra_words: other words about the account (display name, department…);
            the password may not contain them either.

    Raises:
        WeakPasswordError: the password is refused; the text says why.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError("too_short")
    folded = _fold(password)
    common = _common_passwords()
    if folded in common or folded.translate(_UNSHIFT) in common:
        raise WeakPasswordError("common")
    base = _base(folded)
    if base != folded and len(base) >= _MIN_BASE_LENGTH and base in common:
        raise WeakPasswordError("common_base")
    if _contains_word(folded, username):
        raise WeakPasswordError("username")
    if any(_contains_word(folded, word) for word in extra_words):
        raise WeakPasswordError("personal")
    reason = _pattern(folded)
    if reason is not None:
        raise WeakPasswordError(reason)
    if _score(unicodedata.normalize("NFKC", password), [username, *extra_words]) < MIN_SCORE:
        raise WeakPasswordError("guessable")


def _fold(text: str) -> str:
    """``text`` compared as people read it: full-width as ASCII (NFKC), without case."""
    return unicodedata.normalize("NFKC", text).casefold()


def _base(folded: str) -> str:
    """``folded`` without the digits and signs around it (``dragon`` for ``1dragon2024!``)."""
    start, end = 0, len(folded)
    while start < end and not folded[start].isalpha():
        start += 1
    while end > start and not folded[end - 1].isalpha():
        end -= 1
    return folded[start:end]


def _contains_word(folded: str, word: str) -> bool:
    """Whether ``folded`` holds ``word`` (long enough to count), forwards or backwards.

    ``word`` is also looked for without its spaces and signs (``zhang san`` as ``zhangsan``).
    A word of Chinese characters counts from two characters (a given name), others from three.
    """
    word = _fold(word).strip()
    for form in (word, _SIGNS.sub("", word)):
        shortest = _MIN_WORD_LENGTH if form.isascii() else _MIN_HAN_WORD_LENGTH
        if len(form) >= shortest and (form in folded or form[::-1] in folded):
            return True
    return False


def _pattern(folded: str) -> str | None:
    """Why ``folded`` is nothing but repeats, sequences or keyboard walks; None if it is not."""
    if len(folded) > _MAX_PIECES_LENGTH:
        return "repeated" if len(set(folded)) == 1 else None
    repeated = _REPEATS.fullmatch(folded)
    if repeated and len(repeated[1]) < MIN_PASSWORD_LENGTH:
        return "repeated"
    keys = folded.translate(_UNSHIFT)
    if _sequence_end(folded, 0) == len(folded):
        return "sequence"
    if keys in _walk_pieces():
        return "keyboard"
    if _made_of_pieces(folded, keys):
        return "pattern"
    return None


def _sequence_end(text: str, start: int) -> int:
    """Where the sequence (letters or digits, one step) starting at ``start`` ends."""
    if start + 1 >= len(text):
        return start + 1
    first = text[start]
    step = ord(text[start + 1]) - ord(first)
    if not 0 < abs(step) <= _MAX_SEQUENCE_STEP or not (first.isascii() and first.isalnum()):
        return start + 1
    kind = str.isdigit if first.isdigit() else str.isalpha
    end = start + 1
    while end < len(text) and ord(text[end]) - ord(text[end - 1]) == step and kind(text[end]):
        end += 1
    return end


def _repeat_end(text: str, start: int) -> int:
    """Where the run of the character at ``start`` ends."""
    end = start + 1
    while end < len(text) and text[end] == text[start]:
        end += 1
    return end


def _piece_ends(folded: str, keys: str, start: int) -> Iterator[int]:
    """Ends of the pieces (repeat, sequence, keyboard walk) that can start at ``start``."""
    for run_end in (_repeat_end(folded, start), _sequence_end(folded, start)):
        yield from range(start + _MIN_PIECE, run_end + 1)
    pieces = _walk_pieces()
    longest = max(len(walk) for walk in _WALKS)
    for end in range(start + _MIN_PIECE, min(len(keys), start + longest) + 1):
        if keys[start:end] in pieces:
            yield end


def _made_of_pieces(folded: str, keys: str) -> bool:
    """Whether ``folded`` can be cut into repeats, sequences and keyboard walks only."""
    reached = [False] * (len(folded) + 1)
    reached[0] = True
    for start in range(len(folded)):
        if reached[start]:
            for end in _piece_ends(folded, keys, start):
                reached[end] = True
    return reached[-1]


@functools.cache
def _walk_pieces() -> frozenset[str]:
    """Every piece of a keyboard walk, forwards and backwards, of at least three keys."""
    walks = [*_WALKS, *(walk[::-1] for walk in _WALKS)]
    return frozenset(
        walk[i:j] for walk in walks for i in range(len(walk)) for j in range(i + _MIN_PIECE, len(walk) + 1)
    )


def _data_words(name: str) -> list[str]:
    """The words of ``accounts/data/<name>``, in order, without comments."""
    text = resources.files("minyi.accounts").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.cache
def _common_passwords() -> frozenset[str]:
    return frozenset(_fold(word) for word in _data_words("common_passwords.txt"))


@functools.cache
def _pinyin_words() -> tuple[str, ...]:
    return tuple(_data_words("pinyin_words.txt"))


def _score(password: str, personal: list[str]) -> int:
    """The zxcvbn score of ``password`` (0 to 4), with the account's words and pinyin as dictionary."""
    from zxcvbn import zxcvbn  # local: its dictionaries load on first use, not at start-up

    words = [word for word in personal if word.strip()] + list(_pinyin_words())
    with _ZXCVBN_LOCK:
        result = zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=words)
    return int(result["score"])
